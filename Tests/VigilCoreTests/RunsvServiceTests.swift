import CLinux
import Testing
@testable import VigilCore

/// runsv's decisions, step by step as runsv.c takes them.
@Suite struct RunsvServiceTests {
    let t0 = TAI64N(seconds: 1000)

    /// A service started as runsv starts it, running as pid 100 since t0.
    func running(log: Bool = false) -> RunsvService {
        var service = RunsvService(isLog: log, startsDown: false, now: t0)
        #expect(service.nextStart(override: { _ in false }) == ["./run"])
        service.started(pid: 100, now: t0)
        return service
    }

    /// An override that records the letters asked and answers `succeeds` for those in it.
    final class Overrides {
        var asked: [String] = []
        let succeeds: String
        init(_ succeeds: String = "") { self.succeeds = succeeds }
        func run(_ letter: UInt8) -> Bool {
            asked.append(String(decoding: [letter], as: UTF8.self))
            return succeeds.utf8.contains(letter)
        }
    }

    @Test func startsUpUnlessADownFileAndRecordsTheStart() {
        var service = RunsvService(isLog: false, startsDown: true, now: t0)
        #expect(service.status == RunitStatus(since: t0, want: .down))
        #expect(service.nextStart(override: { _ in false }) == nil)
        let overrides = Overrides()
        var up = RunsvService(isLog: false, startsDown: false, now: t0)
        #expect(up.nextStart(override: overrides.run) == ["./run"])
        #expect(overrides.asked == ["u"])
        up.started(pid: 42, now: TAI64N(seconds: 1001))
        #expect(up.status == RunitStatus(since: TAI64N(seconds: 1001), pid: 42, state: .run))
        #expect(up.nextStart(override: overrides.run) == nil)
        service.status.paused = true
        service.status.gotTerm = true
        service.started(pid: 7, now: t0)
        #expect(!service.status.paused && !service.status.gotTerm)
    }

    @Test func anExitRestartsAfterASecondAtMostOnceASecond() {
        var service = running()
        let soon47 = service.exited(waitStatus: 3 << 8, hasFinish: false, now: TAI64N(seconds: 1000, nanoseconds: 5))
        #expect(soon47)
        #expect(service.status == RunitStatus(since: TAI64N(seconds: 1000, nanoseconds: 5), state: .down))
        #expect(service.nextStart(override: { _ in false }) == ["./run"])
        service.started(pid: 101, now: TAI64N(seconds: 1001))
        let soon51 = service.exited(waitStatus: 0, hasFinish: false, now: TAI64N(seconds: 1003))
        #expect(!soon51)
    }

    @Test func finishRunsAfterRunWithTheCodeAndTheSignal() {
        var service = running()
        let soon56 = service.exited(waitStatus: 3 << 8, hasFinish: true, now: TAI64N(seconds: 1005))
        #expect(!soon56)
        #expect(service.status.state == .finish && service.status.since == t0)
        #expect(service.nextStart(override: { _ in false }) == ["./finish", "3", "0"])
        service.started(pid: 200, now: TAI64N(seconds: 1005))
        #expect(service.status == RunitStatus(since: t0, pid: 200, state: .finish))
        let soon61 = service.exited(waitStatus: 0, hasFinish: true, now: TAI64N(seconds: 1006))
        #expect(!soon61)
        #expect(service.status == RunitStatus(since: TAI64N(seconds: 1006), state: .down))
        var killed = running()
        _ = killed.exited(waitStatus: 9 | 0x80, hasFinish: true, now: t0)
        #expect(killed.nextStart(override: { _ in false }) == ["./finish", "-1", "137"])
        // It runs even when the service wants down.
        var down = running()
        _ = down.control(.down, override: { _ in false })
        _ = down.exited(waitStatus: 15, hasFinish: true, now: t0)
        #expect(down.nextStart(override: { _ in false }) == ["./finish", "-1", "15"])
    }

    @Test func downSendsTermThenContAndRunsControlD() {
        var service = running()
        let overrides = Overrides()
        #expect(service.control(.down, override: overrides.run) == [.signal(SIGTERM), .signal(SIGCONT)])
        #expect(overrides.asked == ["t", "d"])
        #expect(service.status.want == .down && service.status.gotTerm)
        let soon79 = service.exited(waitStatus: 15, hasFinish: false, now: TAI64N(seconds: 1002))
        #expect(!soon79)
        #expect(service.status == RunitStatus(since: TAI64N(seconds: 1002), want: .down))
        #expect(service.nextStart(override: { _ in false }) == nil)
    }

    @Test func controlTReplacesTheTerm() {
        var service = running()
        let overrides = Overrides("t")
        #expect(service.control(.down, override: overrides.run) == [.signal(SIGCONT)])
        #expect(!service.status.gotTerm)
        var restarted = running()
        #expect(restarted.control(.term, override: Overrides("t").run) == [])
        #expect(restarted.control(.term, override: Overrides().run) == [.signal(SIGTERM)])
        #expect(restarted.status.want == .up && restarted.status.gotTerm)
    }

    @Test func upAndOnceStartAStoppedService() {
        var service = RunsvService(isLog: false, startsDown: true, now: t0)
        #expect(service.control(.once, override: { _ in false }) == [.start(["./run"])])
        #expect(service.status.want == .down)
        service.started(pid: 5, now: t0)
        #expect(service.control(.once, override: { _ in false }) == [])
        #expect(service.control(.up, override: { _ in false }) == [])
        #expect(service.status.want == .up)
        var stopped = RunsvService(isLog: false, startsDown: true, now: t0)
        #expect(stopped.control(.up, override: { _ in false }) == [.start(["./run"])])
    }

    @Test func exitStopsAndIsIgnoredByALogService() {
        var service = running()
        let overrides = Overrides()
        #expect(service.control(.exit, override: overrides.run) == [.signal(SIGTERM), .signal(SIGCONT)])
        #expect(overrides.asked == ["t", "x"])
        #expect(service.status.want == .exit)
        var log = running(log: true)
        #expect(log.control(.exit, override: overrides.run) == [])
        #expect(log.status.want == .up)
    }

    @Test func signalsGoOnlyToARunningServiceUnlessOverridden() {
        var service = running()
        #expect(service.control(.hangup, override: { _ in false }) == [.signal(SIGHUP)])
        #expect(service.control(.user2, override: { _ in false }) == [.signal(SIGUSR2)])
        #expect(service.control(.hangup, override: { $0 == UInt8(ascii: "h") }) == [])
        #expect(service.control(.pause, override: { _ in false }) == [.signal(SIGSTOP)])
        #expect(service.status.paused)
        #expect(service.control(.cont, override: { _ in true }) == [])
        #expect(!service.status.paused)
        var stopped = RunsvService(isLog: false, startsDown: true, now: t0)
        #expect(stopped.control(.quit, override: { _ in Issue.record("asked"); return true }) == [])
        #expect(stopped.control(.pause, override: { _ in false }) == [])
        #expect(stopped.status.paused)
    }

    @Test func killMarksTheServiceDownAtOnce() {
        var service = running()
        #expect(service.control(.kill, override: { _ in false }) == [.signal(SIGKILL)])
        #expect(service.status.state == .down && service.status.pid == 100)
        #expect(service.nextStart(override: { _ in false }) == nil)
    }

    @Test func aLogServiceNeverRunsControlScripts() {
        var log = running(log: true)
        #expect(log.control(.term, override: { _ in Issue.record("asked"); return true }) == [.signal(SIGTERM)])
        #expect(log.control(.down, override: { _ in Issue.record("asked"); return true }) == [.signal(SIGTERM), .signal(SIGCONT)])
        _ = log.exited(waitStatus: 0, hasFinish: true, now: TAI64N(seconds: 1000))
        #expect(log.status.state == .down)
    }
}

@Suite struct RunitServiceLayoutTests {
    typealias ListedFile = RunitServiceLayout.ListedFile

    @Test func servicesAreTheFoldersNotHiddenInNameOrder() throws {
        let entries = [ListedFile(path: "web", kind: .folder), ListedFile(path: ".hidden", kind: .folder), ListedFile(path: "README", kind: .file(executable: false)),
                       ListedFile(path: "nginx-log-forwarder", kind: .folder), ListedFile(path: "Zed", kind: .folder), ListedFile(path: "fifo", kind: .other)]
        #expect(try RunitServiceLayout.serviceNames(entries) == ["Zed", "nginx-log-forwarder", "web"])
        #expect(throws: RunitError.self) { try RunitServiceLayout.serviceNames([ListedFile(path: "my service", kind: .folder)]) }
        #expect(throws: RunitError.self) { try RunitServiceLayout.serviceNames([ListedFile(path: String(repeating: "a", count: 61), kind: .folder)]) }
    }

    @Test func aServiceFolderDescribed() {
        let entries = [ListedFile(path: "run", kind: .file(executable: true)), ListedFile(path: "finish", kind: .file(executable: false)),
                       ListedFile(path: "down", kind: .file(executable: false)), ListedFile(path: "control", kind: .folder),
                       ListedFile(path: "control/t", kind: .file(executable: true)), ListedFile(path: "control/d", kind: .file(executable: false)),
                       ListedFile(path: "control/o", kind: .file(executable: true)), ListedFile(path: "control/1", kind: .file(executable: true)),
                       ListedFile(path: "log", kind: .folder), ListedFile(path: "log/run", kind: .file(executable: true)),
                       ListedFile(path: "check", kind: .file(executable: true))]
        let service = RunitServiceLayout.service(named: "nginx", entries)
        #expect(service == .init(name: "nginx", runnable: true, hasFinish: true, startsDown: true, hasCheck: true,
                                 overrides: Array("1t".utf8), log: .init(runnable: true, startsDown: false)))
        let bare = RunitServiceLayout.service(named: "x", [ListedFile(path: "run", kind: .file(executable: false)), ListedFile(path: "log", kind: .file(executable: false))])
        #expect(bare == .init(name: "x", runnable: false, hasFinish: false, startsDown: false, hasCheck: false, overrides: [], log: nil))
    }
}
