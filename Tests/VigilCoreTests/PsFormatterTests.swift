import Testing
@testable import VigilCore

func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

func terminal(_ input: [UInt8]) -> String {
    var out: [UInt8] = []
    TerminalText.append(input, to: &out)
    return text(out)
}

func json(_ input: [UInt8]) -> String {
    var out: [UInt8] = []
    JSONText.appendString(input, to: &out)
    return text(out)
}

@Suite struct EscapingTests {
    @Test func terminalTextCannotStartALineOrMoveTheCursor() {
        #expect(terminal(bytes("plain é ü 漢 🙂")) == "plain é ü 漢 🙂")
        #expect(terminal(bytes("a\nb\tc\rd")) == "a\\nb\\tc\\rd")
        #expect(terminal([0x1B] + bytes("[31mred")) == "\\x1b[31mred")
        #expect(terminal([0, 7, 8, 0x7F]) == "\\x00\\x07\\x08\\x7f")
        #expect(terminal(bytes("back\\slash")) == "back\\\\slash")
    }

    @Test func invalidUTF8IsShownByteByByte() {
        #expect(terminal([0x61, 0xFF, 0x62]) == "a\\xffb")
        #expect(terminal([0xC0, 0x80]) == "\\xc0\\x80")  // overlong NUL
        #expect(terminal([0xED, 0xA0, 0x80]) == "\\xed\\xa0\\x80")  // a surrogate
        #expect(terminal([0xF4, 0x90, 0x80, 0x80]) == "\\xf4\\x90\\x80\\x80")  // past U+10FFFF
        #expect(terminal([0xE2, 0x82]) == "\\xe2\\x82")  // truncated
        #expect(terminal([0xF4, 0x8F, 0xBF, 0xBF]) == text([0xF4, 0x8F, 0xBF, 0xBF]))  // U+10FFFF itself
    }

    @Test func invisibleControlsAreNamed() {
        #expect(terminal([0xC2, 0x9B]) == "\\u{009b}")  // C1 CSI
        #expect(terminal(bytes("\u{202E}abc")) == "\\u{202e}abc")  // right-to-left override
        #expect(terminal(bytes("\u{2028}")) == "\\u{2028}")
        #expect(terminal(bytes("\u{2069}")) == "\\u{2069}")
    }

    @Test func terminalWidthCountsScalars() {
        #expect(TerminalText.width(bytes("root")) == 4)
        #expect(TerminalText.width(bytes("jürgen")) == 6)
        #expect(TerminalText.width(bytes("a\n")) == 3)
    }

    @Test func jsonStrings() {
        #expect(json(bytes("plain é 🙂")) == "\"plain é 🙂\"")
        #expect(json(bytes("q\"b\\")) == "\"q\\\"b\\\\\"")
        #expect(json(bytes("a\nb\tc\r")) == "\"a\\nb\\tc\\r\"")
        #expect(json([0, 0x1B, 0x7F]) == "\"\\u0000\\u001b\\u007f\"")
        #expect(json([0xC2, 0x85]) == "\"\\u0085\"")
        #expect(json(bytes("\u{2028}")) == "\"\\u2028\"")
    }

    @Test func invalidUTF8BecomesReplacementCharacters() {
        #expect(json([0x61, 0xFF, 0xFE, 0x62]) == "\"a\\ufffd\\ufffdb\"")
        // One U+FFFD per maximal subpart, as Python's decode(errors="replace") gives.
        #expect(json([0xE2, 0x82]) == "\"\\ufffd\"")
        #expect(json([0xE2, 0x82, 0x41]) == "\"\\ufffdA\"")
        #expect(json([0xF0, 0x9F, 0x99]) == "\"\\ufffd\"")
        #expect(json([0xF0, 0x80, 0x80]) == "\"\\ufffd\\ufffd\\ufffd\"")  // 0x80 cannot follow F0
        #expect(json([0xED, 0xA0, 0x80]) == "\"\\ufffd\\ufffd\\ufffd\"")  // a surrogate
        #expect(json([0xC0, 0xAF]) == "\"\\ufffd\\ufffd\"")
        #expect(json([0xF4, 0x90, 0x80, 0x80]) == "\"\\ufffd\\ufffd\\ufffd\\ufffd\"")
        #expect(json([0xE1, 0x80, 0xE1, 0x80, 0x80]) == "\"\\ufffd\u{1000}\"")
    }
}

/// A namespace with vigil at PID 1, its main child, a worker, a zombie and a re-parented orphan.
func sampleSnapshot() -> ProcessSnapshot {
    var snapshot = ProcessSnapshot()
    snapshot.clockTicks = 100
    snapshot.uptimeHundredths = 100_000  // 1000 s
    snapshot.pidMax = 4_194_304
    snapshot.pids = PidsUsage(current: 6, limit: .limit(100), cgroup: bytes("/ps"), version: 1)
    snapshot.users = UserDatabase.parse(bytes("root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/srv:/bin/sh\n"))
    snapshot.append(
        ProcessRecord(pid: 1, parent: 0, processGroup: 0, session: 0, residentKiB: 836, cpuTicks: 3, startTicks: 90_000),
        name: bytes("vigil"), commandLine: bytes("/vigil\0--\0app\0"))
    snapshot.append(
        ProcessRecord(pid: 2, parent: 1, processGroup: 2, session: 0, uid: 1000, gid: 1000, residentKiB: 10240,
                      cpuTicks: 12_345, startTicks: 90_010, threads: 4),
        name: bytes("app"), commandLine: bytes("app\0--serve\0"))
    snapshot.append(
        ProcessRecord(pid: 7, parent: 2, processGroup: 2, session: 0, uid: 1000, startTicks: 99_000),
        name: bytes("worker"), commandLine: bytes("worker\0"))
    snapshot.append(
        ProcessRecord(pid: 9, parent: 2, processGroup: 2, state: UInt8(ascii: "Z"), uid: 1000, startTicks: 99_500),
        name: bytes("sh"), commandLine: [])
    snapshot.append(
        ProcessRecord(pid: 12, parent: 1, processGroup: 2, uid: 4242, residentKiB: 2048, startTicks: 99_900),
        name: bytes("evil\nname"), commandLine: bytes("evil\nline\u{1B}[2J\0x\0"))
    return snapshot
}

@Suite struct PsFormatterTests {
    @Test func theFlatTable() {
        let output = text(PsFormatter.text(sampleSnapshot(), tree: false))
        #expect(output == """
            processes: 5  zombies: 1  pids: 6 of 100 (6%, cgroup v1 /ps)  pid_max: 4194304
            PID PPID S USER   RSS     TIME ELAPSED COMMAND
              1    0 S root   836 00:00:00   01:40 /vigil -- app
              2    1 S app  10240 00:02:03   01:39 app --serve
              7    2 S app      0 00:00:00   00:10 worker
              9    2 Z app      0 00:00:00   00:05 [sh] <defunct>
             12    1 S 4242  2048 00:00:00   00:01 evil\\nline\\x1b[2J x

            """)
    }

    @Test func theTreeShowsWhoWasReparented() {
        let output = text(PsFormatter.text(sampleSnapshot(), tree: true))
        #expect(output == """
            processes: 5  zombies: 1  pids: 6 of 100 (6%, cgroup v1 /ps)  pid_max: 4194304
            PID PPID S USER   RSS     TIME ELAPSED COMMAND
              1    0 S root   836 00:00:00   01:40 /vigil -- app
              2    1 S app  10240 00:02:03   01:39 ├─ app --serve
              7    2 S app      0 00:00:00   00:10 │  ├─ worker
              9    2 Z app      0 00:00:00   00:05 │  └─ [sh] <defunct>
             12    1 S 4242  2048 00:00:00   00:01 └─ evil\\nline\\x1b[2J x <re-parented, group 2>

            """)
    }

    @Test func everyLineIsARowWhateverTheNamesHold() {
        let output = PsFormatter.text(sampleSnapshot(), tree: true)
        #expect(output.filter { $0 == 0x0A }.count == 2 + 5)
        #expect(!output.contains(0x1B))
    }

    @Test func aTargetNamespaceAddsTheHostPIDs() {
        var snapshot = sampleSnapshot()
        snapshot.target = TargetNamespace(hostPID: 31337, inode: 4_026_532_179)
        for index in snapshot.processes.indices { snapshot.processes[index].hostPID = 31336 + snapshot.processes[index].pid }
        let lines = text(PsFormatter.text(snapshot, tree: false)).split(separator: "\n")
        #expect(lines[0] == "PID namespace pid:[4026532179] of host PID 31337; PIDs as that namespace sees them")
        #expect(lines[2] == "PID HOSTPID PPID S USER   RSS     TIME ELAPSED COMMAND")
        #expect(lines[3] == "  1   31337    0 S root   836 00:00:00   01:40 /vigil -- app")
    }

    @Test func summaries() {
        var snapshot = ProcessSnapshot()
        snapshot.pids = PidsUsage(current: 3, limit: .unlimited, cgroup: bytes("/a\nb"), version: 2)
        var out: [UInt8] = []
        PsFormatter.summary(snapshot, to: &out)
        #expect(text(out) == "processes: 0  zombies: 0  pids: 3 of max (no limit, cgroup v2 /a\\nb)  pid_max: unknown\n")
        snapshot.pids = nil
        snapshot.pidMax = 32768
        out = []
        PsFormatter.summary(snapshot, to: &out)
        #expect(text(out) == "processes: 0  zombies: 0  pids: unknown (no pids cgroup found)  pid_max: 32768\n")
        snapshot.pids = PidsUsage(current: 7, limit: .limit(0), cgroup: bytes("/"), version: 1)
        out = []
        PsFormatter.summary(snapshot, to: &out)
        #expect(text(out).contains("pids: 7 of 0 (100%, cgroup v1 /)"))
    }

    @Test func timesAsPsPrintsThem() {
        func cpu(_ hundredths: UInt64) -> String {
            var out: [UInt8] = []
            PsFormatter.appendCPUTime(hundredths, to: &out)
            return text(out)
        }
        func elapsed(_ hundredths: UInt64) -> String {
            var out: [UInt8] = []
            PsFormatter.appendElapsed(hundredths, to: &out)
            return text(out)
        }
        #expect(cpu(0) == "00:00:00")
        #expect(cpu(5999) == "00:00:59")
        #expect(cpu(366_100) == "01:01:01")
        #expect(cpu(9_000_000) == "1-01:00:00")
        #expect(elapsed(0) == "00:00")
        #expect(elapsed(6000) == "01:00")
        #expect(elapsed(360_000) == "01:00:00")
        #expect(elapsed(8_640_000 * 3 + 100) == "3-00:00:01")
    }

    @Test func aTruncatedCommandLineSaysSo() {
        var snapshot = ProcessSnapshot()
        snapshot.append(ProcessRecord(pid: 3, parent: 0), name: bytes("x"), commandLine: bytes("abc\0de"), truncated: true)
        #expect(text(PsFormatter.text(snapshot, tree: false)).hasSuffix("abc de...\n"))
    }

    @Test func aParentCycleStillListsEveryProcessOnce() {
        var snapshot = ProcessSnapshot()
        snapshot.append(ProcessRecord(pid: 3, parent: 4), name: bytes("a"), commandLine: [])
        snapshot.append(ProcessRecord(pid: 4, parent: 3), name: bytes("b"), commandLine: [])
        snapshot.append(ProcessRecord(pid: 5, parent: 5), name: bytes("c"), commandLine: [])
        let order = PsFormatter.treeOrder(snapshot).map(\.index)
        #expect(order.sorted() == [0, 1, 2])
    }

    @Test func aDeepChainNeedsNoRecursion() {
        var snapshot = ProcessSnapshot()
        for pid in Int32(1)...5000 { snapshot.append(ProcessRecord(pid: pid, parent: pid - 1), name: bytes("p"), commandLine: []) }
        let order = PsFormatter.treeOrder(snapshot)
        #expect(order.count == 5000)
        #expect(order.map(\.index) == Array(0..<5000))
        #expect(text(order[3].prefix) == "      └─ ")
        #expect(order.allSatisfy { $0.prefix.count <= 3 + 31 * 3 + 3 * 3 })
        #expect(text(order[4999].prefix).hasPrefix("…   "))
    }

    @Test func theReparentingHeuristic() {
        let snapshot = sampleSnapshot()
        #expect(snapshot.processes.map { snapshot.isReparented($0) } == [false, false, false, false, true])
    }

    @Test func jsonOfOneProcess() {
        var snapshot = ProcessSnapshot()
        snapshot.uptimeHundredths = 1234
        snapshot.clockTicks = 100
        snapshot.users = UserDatabase.parse(bytes("root:x:0:0::/:/bin/sh"))
        snapshot.append(
            ProcessRecord(pid: 1, hostPID: 900, parent: 0, processGroup: -1, residentKiB: 836, cpuTicks: 7,
                          startTicks: 34),
            name: [0x76, 0xFF], commandLine: bytes("/vigil\0a\"b\0c\nd\0"))
        #expect(text(PsFormatter.json(snapshot)) == """
            {"version":1,"target":null,"summary":{"processes":1,"zombies":0,"pids":null,"pid_max":null,\
            "uptime_seconds":12.34,"clock_ticks":100},"processes":[
            {"pid":1,"host_pid":900,"ppid":0,"pgrp":-1,"session":0,"state":"S","zombie":false,"reparented":false,\
            "uid":0,"gid":0,"user":"root","rss_kib":836,"cpu_seconds":0.07,"age_seconds":12.00,"threads":1,\
            "name":"v\\ufffd","argv":["/vigil","a\\"b","c\\nd"],"argv_truncated":false,"command":"/vigil a\\"b c\\nd"}
            ]}

            """)
    }

    @Test func jsonWithATargetPidsAndNoUser() {
        var snapshot = sampleSnapshot()
        snapshot.target = TargetNamespace(hostPID: 5, inode: 6)
        snapshot.pids = PidsUsage(current: 1, limit: .unlimited, cgroup: bytes("/x"), version: 2)
        let output = text(PsFormatter.json(snapshot))
        #expect(output.hasPrefix("{\"version\":1,\"target\":{\"host_pid\":5,\"pid_namespace\":6},"))
        #expect(output.contains("\"pids\":{\"current\":1,\"max\":null,\"cgroup\":\"/x\",\"cgroup_version\":2}"))
        #expect(output.contains("\"uid\":4242,\"gid\":0,\"user\":null"))
        #expect(output.contains("\"name\":\"sh\",\"argv\":[],\"argv_truncated\":false,\"command\":\"[sh] <defunct>\""))
        #expect(output.contains("\"reparented\":true"))
    }
}

@Suite struct PsOptionsTests {
    func parse(_ words: [String]) throws(UsageError) -> PsOptions { try PsOptions.parse(words) }

    func message(_ words: [String]) -> String? {
        do {
            _ = try PsOptions.parse(words)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func options() throws {
        #expect(try parse([]) == PsOptions())
        #expect(try parse(["-t"]) == PsOptions(tree: true))
        #expect(try parse(["--tree"]) == PsOptions(tree: true))
        #expect(try parse(["--json"]) == PsOptions(json: true))
        #expect(try parse(["--target", "42"]) == PsOptions(target: 42))
        #expect(try parse(["--target=42", "-t"]) == PsOptions(tree: true, target: 42))
        #expect(try parse(["-h"]) == PsOptions(help: true))
        #expect(try parse(["--help", "--tree", "--json"]).help)
    }

    @Test(arguments: [
        (["--bogus"], "unknown option '--bogus'"),
        (["-x"], "unknown option '-x'"),
        (["-tj"], "unknown option '-j'"),
        (["aux"], "unexpected argument 'aux'"),
        (["--target"], "option '--target' needs a value: HOSTPID"),
        (["--target", "abc"], "--target needs a PID, not 'abc'"),
        (["--target=0"], "--target needs a PID, not '0'"),
        (["--target=-5"], "--target needs a PID, not '-5'"),
        (["--target="], "--target needs a PID, not ''"),
        (["--target", "99999999999"], "--target needs a PID, not '99999999999'"),
        (["--tree", "--json"], "--tree and --json cannot be combined (the JSON has each process's ppid)"),
        (["--\u{1B}[2J"], "unknown option '--\\x1b[2J'"),
    ])
    func errors(words: [String], expected: String) {
        #expect(message(words) == expected)
    }

    @Test func subcommandsOnlyAsTheFirstArgument() {
        #expect(Subcommands.run(["vigil"]) == nil)
        #expect(Subcommands.run(["vigil", "--", "ps"]) == nil)
        #expect(Subcommands.run(["vigil", "sh", "ps"]) == nil)
        #expect(Subcommands.run(["vigil", "-v", "ps"]) == nil)
        #expect(Subcommands.run(["vigil", "PS"]) == nil)
        #expect(Subcommands.run(["vigil", "ps2"]) == nil)
    }
}

@Suite struct KeySortTests {
    @Test func sortsLikeTheStandardLibrary() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for count in [0, 1, 2, 3, 10, 257] {
            var keys: [UInt64] = []
            for index in 0..<count {
                state ^= state << 13
                state ^= state >> 7
                state ^= state << 17
                keys.append(KeySort.key(Int32(truncatingIfNeeded: state % 7) - 3, index))
            }
            var sorted = keys
            KeySort.sort(&sorted)
            #expect(sorted == keys.sorted())
        }
    }

    @Test func keysOrderByMajorThenMinor() {
        #expect(KeySort.key(-1, 5) < KeySort.key(0, 0))
        #expect(KeySort.key(0, 1) < KeySort.key(0, 2))
        #expect(KeySort.key(Int32.max, 0) > KeySort.key(Int32.min, 9))
        #expect(KeySort.major(KeySort.key(-7, 3)) == -7)
        #expect(KeySort.minor(KeySort.key(-7, 3)) == 3)
    }

    @Test func snapshotsSortByPID() {
        var snapshot = ProcessSnapshot()
        for pid: Int32 in [9, 3, 7, 1] { snapshot.append(ProcessRecord(pid: pid, parent: 0), name: [UInt8(pid)], commandLine: []) }
        snapshot.sortByPID()
        #expect(snapshot.processes.map(\.pid) == [1, 3, 7, 9])
        #expect(snapshot.processes.map { snapshot.name(of: $0).first } == [1, 3, 7, 9])
        #expect(snapshot.index(of: 7) == 2)
        #expect(snapshot.index(of: 8) == nil)
    }
}
