import CLinux
import Testing
@testable import VigilCore

/// The bytes are those runsv 2.1.2 (Debian) wrote in the same states, times aside.
@Suite struct RunitStatusTests {
    let since = TAI64N(unixSeconds: 1_796_589_924, nanoseconds: 816_097_500)

    func hex(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.flatMap { [UTF8Scan.hexDigit(UInt32($0) >> 4), UTF8Scan.hexDigit(UInt32($0))] }, as: UTF8.self)
    }

    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func theTimeIsATAI64NLabel() {
        #expect(since.seconds == 0x4000_0000_6B15_C96E)
        #expect(TAI64N(unixSeconds: 0).seconds == 0x4000_0000_0000_000A)
        #expect(TAI64N(seconds: 10).isLessThanASecond(before: TAI64N(seconds: 10, nanoseconds: 999_999_999)))
        #expect(TAI64N(seconds: 10, nanoseconds: 5).isLessThanASecond(before: TAI64N(seconds: 11, nanoseconds: 4)))
        #expect(!TAI64N(seconds: 10, nanoseconds: 5).isLessThanASecond(before: TAI64N(seconds: 11, nanoseconds: 5)))
        #expect(TAI64N(seconds: 10).isLessThanASecond(before: TAI64N(seconds: 9)))
    }

    @Test func runningWithAPid() {
        let status = RunitStatus(since: since, pid: 6134, state: .run)
        #expect(hex(status.statusBytes) == "400000006b15c96e30a4a8dcf617000000750001")
        #expect(text(status.statText) == "run\n")
        #expect(text(status.pidText) == "6134\n")
    }

    @Test func downWantingDownOrUp() {
        let down = RunitStatus(since: since, want: .down)
        #expect(hex(down.statusBytes).suffix(16) == "0000000000640000")
        #expect(text(down.statText) == "down\n")
        #expect(down.pidText.isEmpty)
        let wantUp = RunitStatus(since: since)
        #expect(hex(wantUp.statusBytes).suffix(16) == "0000000000750000")
        #expect(text(wantUp.statText) == "down\n")
        // runsv writes no "want" for a service that is down.
        #expect(text(RunitStatus(since: since, want: .exit).statText) == "down\n")
    }

    @Test func pausedTermAndWants() {
        let status = RunitStatus(since: since, pid: 0x01020304, state: .run, want: .down, paused: true, gotTerm: true)
        #expect(hex(status.statusBytes).suffix(16) == "0403020101640101")
        #expect(text(status.statText) == "run, paused, got TERM, want down\n")
        let exiting = RunitStatus(since: since, pid: 7, state: .run, want: .exit, gotTerm: true)
        #expect(hex(exiting.statusBytes).suffix(16) == "0700000000640101")
        #expect(text(exiting.statText) == "run, got TERM, want exit\n")
        let finishing = RunitStatus(since: since, pid: 8, state: .finish)
        #expect(hex(finishing.statusBytes).suffix(16) == "0800000000750002")
        #expect(text(finishing.statText) == "finish\n")
    }

    @Test func svReadsBackWhatIsWritten() throws {
        let status = RunitStatus(since: since, pid: 4242, state: .run, want: .down, paused: true, gotTerm: true)
        let read = try #require(SvStatus(status.statusBytes))
        #expect(read.taiSeconds == since.seconds && read.pid == 4242 && read.paused && read.want == UInt8(ascii: "d") && read.gotTerm
                && read.state == 1)
        #expect(SvStatus(Array(status.statusBytes.dropLast())) == nil)
        #expect(SvStatus(status.statusBytes + [0]) == nil)
    }

    func sv(_ status: RunitStatus, normallyUp: Bool = true, after seconds: UInt64 = 5, name: String = "web") -> String {
        text(SvStatus(status.statusBytes)!.text(name: Array(name.utf8), normallyUp: normallyUp, now: status.since.seconds + seconds))
    }

    @Test func whatSvStatusPrints() {
        #expect(sv(RunitStatus(since: since, pid: 6134, state: .run)) == "run: web: (pid 6134) 5s")
        #expect(sv(RunitStatus(since: since, pid: 6134, state: .run), normallyUp: false) == "run: web: (pid 6134) 5s, normally down")
        #expect(sv(RunitStatus(since: since, want: .down), after: 1) == "down: web: 1s, normally up")
        #expect(sv(RunitStatus(since: since, want: .down), normallyUp: false, after: 0) == "down: web: 0s")
        #expect(sv(RunitStatus(since: since)) == "down: web: 5s, normally up, want up")
        #expect(sv(RunitStatus(since: since, pid: 9, state: .run, want: .down, paused: true, gotTerm: true), name: "/etc/service/web")
                == "run: /etc/service/web: (pid 9) 5s, paused, want down, got TERM")
        #expect(sv(RunitStatus(since: since, pid: 8, state: .finish)) == "finish: web: (pid 8) 5s")
        // A clock that went back shows 0 seconds.
        #expect(text(SvStatus(RunitStatus(since: since, pid: 1, state: .run).statusBytes)!.text(name: [0x78], normallyUp: true, now: 0)) == "run: x: (pid 1) 0s")
    }

    @Test func oddBytesPrintAsSvPrintsThem() {
        var bytes = RunitStatus(since: since, pid: 0x8000_0000, state: .run).statusBytes
        #expect(text(SvStatus(bytes)!.text(name: [0x78], normallyUp: true, now: since.seconds)) == "run: x: (pid 18446744071562067968) 0s")
        bytes[19] = 7
        bytes[12] = 0
        bytes[15] = 0
        #expect(text(SvStatus(bytes)!.text(name: [0x78], normallyUp: true, now: since.seconds)) == "x: (pid 0) 0s, normally up, want up")
    }

    @Test func theLineWithTheLogService() {
        let service = SvStatus(RunitStatus(since: since, pid: 10, state: .run).statusBytes)!
        let log = SvStatus(RunitStatus(since: since, pid: 11, state: .run).statusBytes)!
        #expect(text(SvStatus.line(name: Array("web".utf8), service, normallyUp: true, log: (log, true), now: since.seconds + 3))
                == "run: web: (pid 10) 3s; run: log: (pid 11) 3s\n")
        #expect(text(SvStatus.line(name: Array("web".utf8), service, normallyUp: true, log: nil, now: since.seconds)) == "run: web: (pid 10) 0s\n")
    }

    @Test func controlCommandsAreLettersAndTheRestIsIgnored() {
        #expect(RunitCommand.commands(Array("tcu".utf8)) == [.term, .cont, .up])
        #expect(RunitCommand.commands(Array("s?dox\nk".utf8)) == [.down, .once, .exit, .kill])
        #expect(RunitCommand.commands(Array("phaiq12".utf8)).map(\.signal) == [SIGSTOP, SIGHUP, SIGALRM, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2])
        #expect(RunitCommand.commands(Array("udox".utf8)).allSatisfy { $0.signal == nil })
        #expect(RunitCommand.term.signal == SIGTERM && RunitCommand.kill.signal == SIGKILL && RunitCommand.cont.signal == SIGCONT)
    }
}
