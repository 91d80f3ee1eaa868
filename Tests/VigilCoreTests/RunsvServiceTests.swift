import CLinux
import Testing
@testable import VigilCore

/// runsv's decisions, step by step as runsv.c takes them.
@Suite struct RunsvServiceTests {
    let t0: Instant = 1000 * RunsvService.second
    let second = RunsvService.second

    /// A service started as runsv starts it, running as pid 100 since t0.
    func running(log: Bool = false, finish: Bool = false, overrides: String = "") -> RunsvService {
        var service = RunsvService(isLog: log, startsDown: false, hasFinish: finish, overrides: Array(overrides.utf8), now: t0)
        #expect(service.nextStart(at: t0) == [.start(["./run"])])
        service.started(pid: 100, at: t0)
        return service
    }

    func letter(_ text: String) -> UInt8 { Array(text.utf8)[0] }

    @Test func startsUpUnlessADownFileAndRecordsTheStart() {
        var service = RunsvService(isLog: false, startsDown: true, now: t0)
        #expect(service.status(since: TAI64N(seconds: 1)) == RunitStatus(since: TAI64N(seconds: 1), want: .down))
        #expect(service.nextStart(at: t0) == [])
        var up = RunsvService(isLog: false, startsDown: false, overrides: Array("u".utf8), now: t0)
        #expect(up.nextStart(at: t0) == [.runOverride(letter("u"))])
        #expect(up.isBusy)
        #expect(up.overrideEnded(succeeded: false) == [.start(["./run"])])
        up.started(pid: 42, at: t0 + second)
        #expect(up.status(since: TAI64N(seconds: 1)) == RunitStatus(since: TAI64N(seconds: 1), pid: 42, state: .run))
        #expect(up.since == t0 + second && up.starts == 1 && !up.isBusy)
        #expect(up.nextStart(at: t0 + second) == [])
        service.paused = true
        service.gotTerm = true
        service.started(pid: 7, at: t0)
        #expect(!service.paused && !service.gotTerm)
    }

    @Test func anExitRestartsAtOnceOrAfterASecond() {
        var service = running()
        service.exited(waitStatus: 3 << 8, at: t0 + 5)
        #expect(service.state == .down && service.pid == 0 && service.since == t0 + 5)
        #expect(service.deadline == t0 + 5 + second)
        #expect(service.nextStart(at: t0 + second) == [])
        #expect(service.nextStart(at: t0 + 5 + second) == [.start(["./run"])])
        service.started(pid: 101, at: t0 + 2 * second)
        service.exited(waitStatus: 0, at: t0 + 4 * second)
        #expect(service.deadline == nil)
        #expect(service.nextStart(at: t0 + 4 * second) == [.start(["./run"])])
    }

    @Test func finishRunsAfterRunWithTheCodeAndTheSignal() {
        var service = running(finish: true)
        service.exited(waitStatus: 3 << 8, at: t0 + 5 * second)
        #expect(service.state == .finish && service.since == t0 && service.deadline == nil)
        #expect(service.nextStart(at: t0 + 5 * second) == [.start(["./finish", "3", "0"])])
        service.started(pid: 200, at: t0 + 5 * second)
        #expect(service.state == .finish && service.pid == 200 && service.since == t0 && service.starts == 1)
        service.exited(waitStatus: 0, at: t0 + 6 * second)
        #expect(service.state == .down && service.since == t0 + 6 * second)
        var killed = running(finish: true)
        killed.exited(waitStatus: 9 | 0x80, at: t0)
        #expect(killed.nextStart(at: t0) == [.start(["./finish", "-1", "137"])])
        // It runs even when the service wants down.
        var down = running(finish: true)
        _ = down.control(.down)
        down.exited(waitStatus: 15, at: t0)
        #expect(down.nextStart(at: t0) == [.start(["./finish", "-1", "15"])])
        down.started(pid: 300, at: t0)
        down.exited(waitStatus: 0, at: t0)
        #expect(down.nextStart(at: t0 + 2 * second) == [])
    }

    @Test func downSendsTermThenContAndRunsControlD() {
        var service = running(overrides: "d")
        #expect(service.control(.down) == [.signal(SIGTERM), .signal(SIGCONT), .runOverride(letter("d"))])
        #expect(service.want == .down && service.gotTerm && service.isBusy)
        #expect(service.overrideEnded(succeeded: true) == [])
        service.exited(waitStatus: 15, at: t0 + 2 * second)
        #expect(service.state == .down && !service.gotTerm)
        #expect(service.nextStart(at: t0 + 4 * second) == [])
    }

    @Test func controlTReplacesTheTermAndCommandsWaitForIt() {
        var service = running(overrides: "t")
        #expect(service.control(.down) == [.runOverride(letter("t"))])
        #expect(service.want == .down && !service.gotTerm)
        // runsv reads no command while control/t runs: they wait their turn.
        #expect(service.control(.quit) == [])
        #expect(service.queued == [.quit])
        #expect(service.overrideEnded(succeeded: true) == [.signal(SIGCONT), .signal(SIGQUIT)])
        #expect(!service.gotTerm)
        var failed = running(overrides: "t")
        #expect(failed.control(.term) == [.runOverride(letter("t"))])
        #expect(failed.overrideEnded(succeeded: false) == [.signal(SIGTERM)])
        #expect(failed.want == .up && failed.gotTerm)
    }

    @Test func upAndOnceStartAStoppedService() {
        var service = RunsvService(isLog: false, startsDown: true, now: t0)
        #expect(service.control(.once) == [.start(["./run"])])
        #expect(service.want == .down)
        // Until it runs, commands wait: a start is under way.
        #expect(service.control(.down) == [])
        service.started(pid: 5, at: t0)
        #expect(service.resume() == [.signal(SIGTERM), .signal(SIGCONT)])
        #expect(service.control(.once) == [])
        #expect(service.control(.up) == [])
        #expect(service.want == .up)
        var stopped = RunsvService(isLog: false, startsDown: true, now: t0)
        #expect(stopped.control(.up) == [.start(["./run"])])
    }

    @Test func upDuringTheHoldWaitsForItsEnd() {
        var service = running()
        _ = service.control(.down)
        service.exited(waitStatus: 15, at: t0 + 1)
        #expect(service.control(.up) == [])
        #expect(service.want == .up)
        #expect(service.nextStart(at: t0 + 1 + second) == [.start(["./run"])])
    }

    @Test func exitStopsAndIsIgnoredByALogService() {
        var service = running(overrides: "x")
        #expect(service.control(.exit) == [.signal(SIGTERM), .signal(SIGCONT), .runOverride(letter("x"))])
        #expect(service.want == .exit)
        var log = running(log: true)
        #expect(log.control(.exit) == [])
        #expect(log.want == .up)
        log.logShouldExit()
        #expect(log.want == .exit)
    }

    @Test func signalsGoOnlyToARunningServiceUnlessOverridden() {
        var service = running(overrides: "h")
        #expect(service.control(.user2) == [.signal(SIGUSR2)])
        #expect(service.control(.hangup) == [.runOverride(letter("h"))])
        #expect(service.overrideEnded(succeeded: true) == [])
        #expect(service.control(.hangup) == [.runOverride(letter("h"))])
        #expect(service.overrideEnded(succeeded: false) == [.signal(SIGHUP)])
        #expect(service.control(.pause) == [.signal(SIGSTOP)])
        #expect(service.paused)
        #expect(service.control(.cont) == [.signal(SIGCONT)])
        #expect(!service.paused)
        var stopped = RunsvService(isLog: false, startsDown: true, overrides: Array("q".utf8), now: t0)
        #expect(stopped.control(.quit) == [])
        #expect(stopped.control(.pause) == [])
        #expect(stopped.paused)
    }

    @Test func killMarksTheServiceDownAtOnce() {
        var service = running()
        #expect(service.control(.kill) == [.signal(SIGKILL)])
        #expect(service.state == .down && service.pid == 100)
        #expect(service.nextStart(at: t0) == [])
    }

    @Test func aLogServiceNeverRunsControlScripts() {
        var log = running(log: true, overrides: "td")
        #expect(log.overrides.isEmpty)
        #expect(log.control(.term) == [.signal(SIGTERM)])
        #expect(log.control(.down) == [.signal(SIGTERM), .signal(SIGCONT)])
        var withFinish = RunsvService(isLog: true, startsDown: false, hasFinish: true, now: t0)
        _ = withFinish.nextStart(at: t0)
        withFinish.started(pid: 9, at: t0)
        withFinish.exited(waitStatus: 0, at: t0 + 2 * second)
        #expect(withFinish.state == .down)
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
