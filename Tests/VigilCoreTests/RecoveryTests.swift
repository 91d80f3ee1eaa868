import Testing
@testable import VigilCore
import CLinux



/// The state a running vigil would publish now, read back as the recovery reads it.
private func recovered(_ supervisor: Supervisor, _ configuration: Configuration = Configuration(),
                       exitCode: Int32? = nil) throws -> RecoveryState {
    var state = try #require(supervisor.recoveryState(exitCode: exitCode))
    state.rules = RecoveryState.Rules(configuration)
    let text = state.encoded()
    let back = try RecoveryState.parse(String(decoding: text, as: UTF8.self))
    #expect(back.encoded() == text, "\(String(decoding: text, as: UTF8.self))")
    return back
}

/// A supervisor adopted from `state` (each process taken as a child), with what it does first.
private func adopt(_ state: RecoveryState, at now: Instant = 10 * second) -> (Supervisor, [SupervisorAction]) {
    let configuration = state.adoptedConfiguration
    var supervisor = Supervisor(adopting: state, policy: Policy(configuration, isNamespaceInit: true), at: now)
    let actions = supervisor.resume(state, at: now)
    return (supervisor, actions)
}

private func parseError(_ text: String) -> String? {
    do {
        _ = try RecoveryState.parse(text)
        return nil
    } catch {
        return error.message
    }
}

@Suite struct RecoveryStateTests {
    @Test func nothingIsPublishedBeforeAProcessStarted() {
        let supervisor = Supervisor(policy: policy(), processes: [sidecar("log")])
        #expect(supervisor.recoveryState(exitCode: nil) == nil)
        var starting = supervisor
        _ = starting.start(at: 0)
        #expect(starting.recoveryState(exitCode: nil) == nil)
        _ = starting.spawned(0, pid: 100, at: 0)
        #expect(starting.recoveryState(exitCode: nil)?.phase == .bringingUp)
    }

    @Test func everyPersonalitysRulesSurviveTheText() throws {
        let commandLines = [
            ["vigil", "--grace", "2.5s", "--kill-after", "30s", "--stop-signal", "INT", "-e", "3", "-e", "143", "--repeat-stop-kills",
             "--rewrite", "USR1:USR2", "-g", "-vv", "--", "app"],
            ["tini", "-g", "-e", "143", "-w", "--", "app"],
            ["dumb-init", "-r", "15:2", "app"],
        ]
        for argv in commandLines {
            guard case .run(let configuration, _) = try InvocationParser.parse(argv, environment: { _ in nil }) else {
                Issue.record("\(argv) does not run")
                continue
            }
            let state = try recovered(running(Policy(configuration)), configuration)
            var before = Policy(configuration, isNamespaceInit: true)
            let after = Policy(state.adoptedConfiguration, isNamespaceInit: true)
            #expect(after.exitCodes.internalFailure == before.exitCodes.internalFailure)
            before.exitCodes = after.exitCodes
            #expect(after == before, "\(argv)")
            #expect(state.adoptedConfiguration.logStyle == configuration.logStyle)
            #expect(state.adoptedConfiguration.wording == configuration.wording)
            #expect(state.adoptedConfiguration.verbosity == configuration.verbosity)
            #expect(state.adoptedConfiguration.warnOnReap == configuration.warnOnReap)
        }
    }

    @Test func aRunningTreeIsAdoptedAndStoppedByTheUsualRules() throws {
        let specs = [sidecar("log") { $0.stopSignal = 2 }, sidecar("web") { $0.required = true; $0.grace = 1 * second }]
        var (supervisor, _) = bringUp(specs, policy: policy { $0.grace = 5 * second })
        supervisor.started(mainChild: 40)
        let state = try recovered(supervisor)
        #expect(state.processes.map { $0.pid } == [100, 101])
        var (adopted, first) = adopt(state)
        #expect(first.isEmpty)
        #expect(adopted.received(SIGUSR1, at: 11 * second) == [.send(signal: SIGUSR1, to: .process(40))])
        #expect(adopted.received(SIGTERM, at: 11 * second).contains(.send(signal: SIGTERM, to: .process(40))))
        // The main child's exit stops the sidecars, last started first, each with its signal.
        let afterMain = adopted.reaped(40, .exited(code: 3), at: 12 * second)
        #expect(afterMain.contains(.send(signal: SIGTERM, to: .processGroup(101))))
        let afterWeb = adopted.reaped(101, .exited(code: 0), at: 12 * second)
        #expect(afterWeb.contains(.send(signal: SIGINT, to: .processGroup(100))))
        _ = adopted.reaped(100, .exited(code: 0), at: 12 * second)
        #expect(adopted.nothingLeft() == [.exit(code: 3)])
    }

    @Test func anAdoptedSidecarIsNeverRestarted() throws {
        var (supervisor, _) = bringUp([sidecar("log") { $0.backoff = 0 }])
        supervisor.started(mainChild: 40)
        var (adopted, _) = adopt(try recovered(supervisor))
        let actions = adopted.reaped(100, .exited(code: 1), at: 11 * second)
        #expect(!actions.contains { if case .start = $0 { return true } else { return false } })
        #expect(actions.contains(.note(.failed(name: "log", how: .exited(code: 1), required: false))))
    }

    @Test func aStopUnderWayGoesOnWithItsDeadlines() throws {
        var (supervisor, _) = bringUp([sidecar("a"), sidecar("b")], policy: policy { $0.grace = 5 * second })
        supervisor.started(mainChild: 40)
        _ = supervisor.reaped(40, .exited(code: 0), at: 1 * second)
        // b is being stopped, due for SIGKILL at 6 s; a waits its turn.
        let state = try recovered(supervisor)
        #expect(state.phase == .stoppingProcesses && state.processes[1].stopping?.deadline == 6 * second)
        var (adopted, first) = adopt(state, at: 2 * second)
        #expect(first.isEmpty, "b's stop signal is not sent twice")
        #expect(adopted.timeReached(6 * second).contains(.send(signal: SIGKILL, to: .processGroup(101))))
    }

    @Test func aMainChildReapedBeforeTheFaultIsDecidedOn() throws {
        var state = try recovered(running(child: 40))
        state.mainStatus = 7 << 8
        var (adopted, first) = adopt(state)
        #expect(first.contains(.signalLeftovers(signal: SIGTERM)))
        #expect(adopted.nothingLeft() == [.exit(code: 7)])
    }

    @Test func aStartUpThatHadNotReachedTheMainCommandStopsWhatStarted() throws {
        var supervisor = Supervisor(policy: policy(), processes: [sidecar("db"), sidecar("web")])
        _ = supervisor.start(at: 0)
        _ = supervisor.spawned(0, pid: 100, at: 0)
        let state = try recovered(supervisor)
        #expect(state.phase == .bringingUp)
        var (adopted, first) = adopt(state)
        #expect(first.contains(.send(signal: SIGTERM, to: .processGroup(100))))
        _ = adopted.reaped(100, .exited(code: 0), at: 11 * second)
        #expect(adopted.nothingLeft() == [.exit(code: 125)])
    }

    @Test func aStartUpWithoutAMainCommandKeepsWhatStarted() throws {
        var supervisor = Supervisor(policy: policy(), processes: [sidecar("db"), sidecar("web")], hasMain: false)
        _ = supervisor.start(at: 0)
        _ = supervisor.spawned(0, pid: 100, at: 0)
        let state = try recovered(supervisor)
        #expect(state.phase == .pausing)
        var (adopted, first) = adopt(state)
        #expect(first.isEmpty)
        #expect(adopted.received(SIGHUP, at: 11 * second) == [.send(signal: SIGHUP, to: .processGroup(100))])
    }

    @Test func anExitAlreadyDecidedIsKept() throws {
        let state = try recovered(running(child: 40), exitCode: 9)
        #expect(state.phase == .running)
        var exited = running(child: 40)
        _ = exited.reaped(40, .exited(code: 9), at: 0)
        _ = exited.nothingLeft()
        #expect(adopt(try recovered(exited, exitCode: 9)).1 == [.exit(code: 9)])
    }

    @Test func aTasksRunsAreAdoptedAndNoNewRunStarts() throws {
        var (supervisor, _) = bringUp([task("t", "@every 10s") { $0.task.concurrency = 2; $0.stopSignal = 2 }], hasMain: false)
        _ = supervisor.timeReached(10 * second)
        _ = supervisor.spawned(0, pid: 200, at: 10 * second)
        _ = supervisor.timeReached(20 * second)
        _ = supervisor.spawned(0, pid: 201, at: 20 * second)
        let state = try recovered(supervisor)
        #expect(state.processes.map { "\($0.name) \($0.pid) \($0.stopSignal ?? 0)" } == ["t 200 2", "t 201 2"])
        var (adopted, _) = adopt(state, at: 25 * second)
        #expect(adopted.wallDeadline == nil)
        #expect(started(adopted.timeReached(30 * second)).isEmpty)
        let stop = adopted.received(SIGTERM, at: 31 * second)
        #expect(stop.contains(.send(signal: SIGINT, to: .processGroup(201))))
        // Last started first, each run with the task's stop signal.
        #expect(adopted.reaped(201, .exited(code: 0), at: 32 * second).contains(.send(signal: SIGINT, to: .processGroup(200))))
        _ = adopted.reaped(200, .exited(code: 0), at: 32 * second)
        #expect(adopted.nothingLeft().contains { if case .exit = $0 { return true } else { return false } })
    }

    @Test func theStopExitCodesOfEachPersonalitySurviveTheText() throws {
        var supervisordLike = Configuration()
        supervisordLike.stopExitWithoutMain = 0
        var procfileLike = Configuration()
        procfileLike.stopExitWithoutMain = nil
        var myInitLike = Configuration()
        myInitLike.stopExitWithoutMain = 2
        myInitLike.myInitExitCodes = true
        for configuration in [supervisordLike, procfileLike, myInitLike] {
            let (supervisor, _) = bringUp([sidecar("log")], hasMain: false)
            let state = try recovered(supervisor, configuration)
            #expect(state.adoptedConfiguration.stopExitWithoutMain == configuration.stopExitWithoutMain)
            #expect(state.adoptedConfiguration.myInitExitCodes == configuration.myInitExitCodes)
        }
    }

    @Test func keptEndsAndUnprefixedRelaysSurviveTheText() throws {
        let (supervisor, _) = bringUp([sidecar("web")], hasMain: false)
        var state = try #require(supervisor.recoveryState(exitCode: nil))
        state.relay = [RecoveryState.RelayPipe(name: "web", readEnd: 6, writeEnd: 7, sink: 1, prefixed: false)]
        state.kept = [RecoveryState.KeptEnd(fd: 9, writable: true), RecoveryState.KeptEnd(fd: 10, writable: false)]
        let back = try RecoveryState.parse(String(decoding: state.encoded(), as: UTF8.self))
        #expect(back.relay == state.relay)
        #expect(back.kept == state.kept)
    }

    @Test func aNameThatIsNoProcessNameIsPublishedMadeOne() throws {
        let (supervisor, _) = bringUp([sidecar("web:api@1")], hasMain: false)
        let state = try recovered(supervisor)
        #expect(state.processes.map { $0.name } == ["web_api_1"])
    }

    @Test func pausingWithSidecarsIsAdopted() throws {
        let (supervisor, _) = bringUp([sidecar("log")], hasMain: false)
        var (adopted, _) = adopt(try recovered(supervisor))
        #expect(adopted.received(SIGHUP, at: 11 * second) == [.send(signal: SIGHUP, to: .processGroup(100))])
    }
}

@Suite struct RecoveryStateInputTests {
    let valid = "vigil-recovery-1 phase=1 main=7 process=sidecar:log:8:2:1000:1:-:0 relay=log:5:6:1:1"

    @Test func aValidStateParses() throws {
        let state = try RecoveryState.parse(valid)
        #expect(state.main?.pid == 7 && state.processes.first?.stopSignal == 2 && state.relay.first?.sink == 1)
    }

    @Test(arguments: [
        ("", "does not start"), ("vigil-recovery-2 phase=1 main=7", "does not start"),
        ("vigil-recovery-1 main=7", "no phase"), ("vigil-recovery-1 phase=1", "needs main"),
        ("vigil-recovery-1 phase=2 main=7", "does not belong"), ("vigil-recovery-1 phase=3 main=7", "does not belong"),
        ("vigil-recovery-1 phase=3 exit=0", "needs deadline"), ("vigil-recovery-1 phase=6", "needs exit"),
        ("vigil-recovery-1 phase=9", "bad phase"), ("vigil-recovery-1 phase=1 main=7 main=8", "twice"),
        ("vigil-recovery-1 phase=1 main=0", "bad main"), ("vigil-recovery-1 phase=1 main=-7", "bad main"),
        ("vigil-recovery-1 phase=1 main=99999999999999999999999", "bad main"),
        ("vigil-recovery-1 phase=1 main=7 colour=red", "unknown key"), ("vigil-recovery-1 phase=1 main=7 x", "KEY=VALUE"),
        ("vigil-recovery-1  phase=1 main=7", "KEY=VALUE"), ("vigil-recovery-1 phase=1 main=7 stop=65", "bad stop"),
        ("vigil-recovery-1 phase=1 main=7 process=sidecar:log:7:-:-:0:-:0", "named twice"),
        ("vigil-recovery-1 phase=1 main=7 process=sidecar:l/g:8:-:-:0:-:0", "bad process"),
        ("vigil-recovery-1 phase=1 main=7 process=daemon:log:8:-:-:0:-:0", "bad process"),
        ("vigil-recovery-1 phase=1 main=7 process=sidecar:log:8:-:-:0:-:1", "bad process"),
        ("vigil-recovery-1 phase=1 main=7 process=sidecar:log:8", "bad process"),
        ("vigil-recovery-1 phase=1 main=7 relay=log:1:6:1:1", "bad relay"),
        ("vigil-recovery-1 phase=1 main=7 relay=log:5:5:1:1", "bad relay"),
        ("vigil-recovery-1 phase=1 main=7 relay=log:5:6:3:1", "bad relay"),
        ("vigil-recovery-1 phase=1 main=7 relay=log:5:6:1", "bad relay"),
        ("vigil-recovery-1 phase=1 main=7 keep=2:1", "bad keep"),
        ("vigil-recovery-1 phase=1 main=7 keep=5:2", "bad keep"),
        ("vigil-recovery-1 phase=1 main=7 stop-exit=256", "bad stop-exit"),
        ("vigil-recovery-1 phase=1 main=7 rewrite=9:1", "bad rewrite"),
        ("vigil-recovery-1 phase=1 main=7 exit-map=1,,2", "bad exit-map"),
        ("vigil-recovery-1 phase=1 main=7 program=a\nb", "bad program"),
    ])
    func aBadStateIsOneClearError(text: String, problem: String) {
        let message = parseError(text)
        #expect(message?.contains(problem) == true, "\(text.debugDescription): \(message ?? "parsed")")
        #expect(message?.contains("\n") != true)
    }

    @Test func theFaultDescriptionIsCheckedToo() {
        #expect(FaultReport.parse("11:1:0:123") == FaultReport(signal: 11, code: 1, address: 0, at: 123))
        #expect(FaultReport.parse("4:2:7f00dead:5")?.description == "SIGILL at address 0x7f00dead")
        for bad in ["", "11:1:0", "11:0:0:1", "0:1:0:1", "11:1:g:1", "11:1:12345678901234567:1", "11:1::1", "11:1:0:-1"] {
            #expect(FaultReport.parse(bad) == nil, "\(bad)")
        }
    }
}
