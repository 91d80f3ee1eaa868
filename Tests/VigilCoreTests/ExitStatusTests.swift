import Testing
@testable import VigilCore

@Suite struct ExitStatusTests {
    @Test func decodesWaitStatusWords() {
        #expect(ChildState(waitStatus: 0) == .exited(code: 0))
        #expect(ChildState(waitStatus: 42 << 8) == .exited(code: 42))
        #expect(ChildState(waitStatus: 255 << 8) == .exited(code: 255))
        #expect(ChildState(waitStatus: 15) == .killed(signal: 15, coreDumped: false))
        #expect(ChildState(waitStatus: 11 | 0x80) == .killed(signal: 11, coreDumped: true))
        #expect(ChildState(waitStatus: (19 << 8) | 0x7F) == .stopped(signal: 19))
        #expect(ChildState(waitStatus: 0xFFFF) == .continued)
    }

    @Test func exitCodeFollowsTheShellConvention() {
        #expect(ChildState.exited(code: 42).exitCode == 42)
        #expect(ChildState.killed(signal: 9, coreDumped: false).exitCode == 137)
        #expect(ChildState.killed(signal: 11, coreDumped: true).exitCode == 139)
        #expect(ChildState.stopped(signal: 19).exitCode == nil)
        #expect(ChildState.continued.exitCode == nil)
    }

    @Test func exitMapTurnsChosenCodesIntoZero() {
        let map = ExitMap([143, 3, 3])
        #expect(map.codes == [3, 143])
        #expect(map.apply(3) == 0)
        #expect(map.apply(143) == 0)
        #expect(map.apply(4) == 4)
        #expect(map.apply(0) == 0)
        #expect(ExitMap().apply(143) == 143)
    }

    @Test func spawnFailuresUseTheShellCodes() {
        #expect(ExitCodes.vigil.forSpawnFailure(errno: 2) == 127)   // ENOENT
        #expect(ExitCodes.vigil.forSpawnFailure(errno: 20) == 127)  // ENOTDIR
        #expect(ExitCodes.vigil.forSpawnFailure(errno: 13) == 126)  // EACCES
        #expect(ExitCodes.vigil.forSpawnFailure(errno: 8) == 126)   // ENOEXEC
        #expect(ExitCodes.vigil.forSpawnFailure(errno: 21) == 126)  // EISDIR
        #expect(ExitCodes.vigil.forSpawnFailure(errno: 11) == 125)  // EAGAIN
    }
}

@Suite struct LicenseTests {
    // No Foundation here: this module also sees CLinux, whose _GNU_SOURCE view of the libc
    // headers conflicts with Foundation's; VigilCore's own file reading serves instead.
    @Test func embeddedLicenceMatchesTheFile() throws {
        let root = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        let file = try #require(Processes.readFile("/" + root + "/LICENSE"))
        #expect(License.text == String(decoding: file, as: UTF8.self))
    }
}
