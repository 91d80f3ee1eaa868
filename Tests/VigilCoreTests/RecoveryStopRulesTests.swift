import CLinux
import Testing
@testable import VigilCore

/// What a recovery keeps of how the tree is stopped: where each process's stop signal and
/// SIGKILL go (supervisord's `stopasgroup`, `killasgroup`), and my_init's shutdown scripts,
/// run once, in order, from where the faulted vigil's stop stood.
@Suite struct RecoveryStopRulesTests {
    let second = Durations.second
    let t0: Instant = 1000 * Durations.second
    let pre = "/etc/my_init.pre_shutdown.d/a"
    let post = "/etc/my_init.post_shutdown.d/b"

    var settings: RunitSettings {
        RunitSettings(directory: "/etc/service", stopTimeout: 30 * second, preShutdown: [pre], postShutdown: [post])
    }

    /// my_init without a main command, the service `web` running as pid 100.
    func myInit() -> Supervisor {
        var configuration = MyInitPersonality.defaults
        configuration.runit = settings
        var supervisor = Supervisor(policy: Policy(configuration, isNamespaceInit: true), hasMain: false, runit: settings)
        _ = supervisor.handle(.start, at: t0)
        let web = RunitServiceLayout.Service(name: "web", runnable: true, hasFinish: false, startsDown: false, hasCheck: false,
                                             overrides: [], log: nil)
        _ = supervisor.handle(.runit(.found([web])), at: t0)
        _ = supervisor.handle(.runit(.spawned(ServicePart(service: 0, isLog: false), pid: 100, errno: 0)), at: t0)
        return supervisor
    }

    /// The state `supervisor` would publish, through its text, and a supervisor adopting it
    /// with the scripts listed again, with what it does first.
    func recover(_ supervisor: Supervisor) throws -> (RecoveryState, Supervisor, [SupervisorAction]) {
        var state = try #require(supervisor.recoveryState(exitCode: nil))
        state.rules = RecoveryState.Rules(MyInitPersonality.defaults)
        let text = state.encoded()
        let back = try RecoveryState.parse(String(decoding: text, as: UTF8.self))
        #expect(back.encoded() == text, "\(String(decoding: text, as: UTF8.self))")
        let policy = Policy(back.adoptedConfiguration, isNamespaceInit: true)
        var adopted = Supervisor(adopting: back, policy: policy, runit: back.myInitStop == nil ? nil : settings, at: t0 + second)
        let first = adopted.resume(back, at: t0 + second)
        return (back, adopted, first)
    }

    func scripts(_ actions: [SupervisorAction]) -> [String] {
        actions.compactMap { if case .runit(.runScript(let path)) = $0 { return path } else { return nil } }
    }

    func stopsWeb(_ actions: [SupervisorAction]) -> Bool {
        actions.contains(.send(signal: SIGTERM, to: .processGroup(100)))
    }

    /// The adopted tree's stop: after `pre` (unless already run), web, then `post`, then the exit.
    func finish(_ adopted: inout Supervisor, preRuns: Bool, at now: Instant) {
        var actions = adopted.handle(.signal(SIGTERM), at: now)
        if preRuns {
            #expect(scripts(actions) == [pre] && !stopsWeb(actions))
            #expect(adopted.handle(.runit(.scriptSpawned(pid: 200)), at: now).isEmpty)
            actions = adopted.handle(.reaped(pid: 200, .exited(code: 0)), at: now)
        }
        #expect(scripts(actions).isEmpty && stopsWeb(actions))
        let afterWeb = adopted.handle(.reaped(pid: 100, .exited(code: 0)), at: now)
        #expect(scripts(afterWeb) == [post])
        #expect(adopted.handle(.runit(.scriptSpawned(pid: 201)), at: now).isEmpty)
        var end = adopted.handle(.reaped(pid: 201, .exited(code: 0)), at: now)
        end += adopted.handle(.nothingLeft, at: now)
        #expect(end.contains(.exit(code: 2)))
    }

    @Test func aRecoveredMyInitRunsPreShutdownThenStopsTheServicesThenPostShutdown() throws {
        let (state, adopted, first) = try recover(myInit())
        #expect(state.myInitStop == RecoveryState.MyInitStop(timeout: 30 * second, step: .notBegun))
        #expect(state.processes.map { $0.grace } == [30 * second])
        #expect(first.isEmpty)
        var running = adopted
        finish(&running, preRuns: true, at: t0 + 2 * second)
    }

    @Test func aPreShutdownScriptUnderWayIsWaitedForNotRunAgain() throws {
        var supervisor = myInit()
        _ = supervisor.handle(.signal(SIGTERM), at: t0)
        _ = supervisor.handle(.runit(.scriptSpawned(pid: 200)), at: t0)
        var (state, adopted, first) = try recover(supervisor)
        #expect(state.myInitStop?.step == .script(post: false, index: 0, pid: 200, deadline: t0 + 30 * second, killed: false))
        #expect(state.shutdown?.deadline == Instant.max)
        #expect(scripts(first).isEmpty && !stopsWeb(first))
        let services = adopted.handle(.reaped(pid: 200, .exited(code: 0)), at: t0 + 2 * second)
        #expect(scripts(services).isEmpty && stopsWeb(services))
        #expect(scripts(adopted.handle(.reaped(pid: 100, .exited(code: 0)), at: t0 + 2 * second)) == [post])
    }

    @Test func aScriptAskedForButNotStartedRunsOnce() throws {
        var supervisor = myInit()
        _ = supervisor.handle(.signal(SIGTERM), at: t0)
        let (_, _, first) = try recover(supervisor)
        #expect(scripts(first) == [pre] && !stopsWeb(first))
    }

    @Test func aStopPastPreShutdownStopsTheServicesThenRunsPostShutdownOnly() throws {
        var supervisor = myInit()
        _ = supervisor.handle(.signal(SIGTERM), at: t0)
        _ = supervisor.handle(.runit(.scriptSpawned(pid: 200)), at: t0)
        _ = supervisor.handle(.reaped(pid: 200, .exited(code: 0)), at: t0)
        var (state, adopted, first) = try recover(supervisor)
        #expect(state.myInitStop?.step == .services(deadline: Instant.max, killed: false))
        #expect(scripts(first).isEmpty && stopsWeb(first))
        #expect(scripts(adopted.handle(.reaped(pid: 100, .exited(code: 0)), at: t0 + 2 * second)) == [post])
        #expect(adopted.handle(.runit(.scriptSpawned(pid: 201)), at: t0 + 2 * second).isEmpty)
        var end = adopted.handle(.reaped(pid: 201, .exited(code: 0)), at: t0 + 2 * second)
        end += adopted.handle(.nothingLeft, at: t0 + 2 * second)
        #expect(scripts(end).isEmpty && end.contains(.exit(code: 2)))
    }

    @Test func aPostShutdownScriptUnderWayEndsTheStop() throws {
        var supervisor = myInit()
        _ = supervisor.handle(.signal(SIGTERM), at: t0)
        _ = supervisor.handle(.runit(.scriptSpawned(pid: 200)), at: t0)
        _ = supervisor.handle(.reaped(pid: 200, .exited(code: 0)), at: t0)
        _ = supervisor.handle(.reaped(pid: 100, .exited(code: 0)), at: t0)
        _ = supervisor.handle(.runit(.scriptSpawned(pid: 201)), at: t0)
        var (state, adopted, first) = try recover(supervisor)
        #expect(state.myInitStop?.step == .script(post: true, index: 0, pid: 201, deadline: t0 + 30 * second, killed: false))
        #expect(state.processes.isEmpty && first.isEmpty)
        var end = adopted.handle(.reaped(pid: 201, .exited(code: 0)), at: t0 + 2 * second)
        end += adopted.handle(.nothingLeft, at: t0 + 2 * second)
        #expect(scripts(end).isEmpty && end.contains(.exit(code: 2)))
    }

    /// The folders are listed again after the fault: one may have lost scripts since.
    @Test func aScriptIndexPastTheFolderEndsItsStep() throws {
        let text = "vigil-recovery-1 phase=3 deadline=9223372036854775807 exit=2 my-init-timeout=5 my-init-step=1 my-init-script=5:9:7:0"
        let state = try RecoveryState.parse(text)
        var adopted = Supervisor(adopting: state, policy: Policy(state.adoptedConfiguration, isNamespaceInit: true),
                                 runit: settings, at: 1)
        #expect(adopted.resume(state, at: 1).isEmpty)
        let next = adopted.handle(.reaped(pid: 9, .exited(code: 1)), at: 2)
        #expect(next.contains(.note(.initFailed(name: "pre-shutdown script", how: .exited(code: 1)))))
        #expect(scripts(next) == [post])
    }

    @Test func withoutRunitsServicesRecoveryRunsNoScript() throws {
        var configuration = MyInitPersonality.defaults
        configuration.runit = settings
        // The services were never read: my_init's stop would run no script either.
        let supervisor = Supervisor(policy: Policy(configuration, isNamespaceInit: true), hasMain: false, runit: settings)
        #expect(supervisor.recoveryState(exitCode: nil)?.myInitStop == nil)
    }

    @Test func eachProcessKeepsWhereItsSignalsGo() throws {
        func program(_ name: String, stop: Bool, kill: Bool) -> ProcessSpec {
            sidecar(name) { spec in
                var rule = SupervisordRule(group: name, groupRank: 0, namespec: name)
                rule.stopAsGroup = stop
                rule.killAsGroup = kill
                spec.supervisord = rule
            }
        }
        let specs = [program("alone", stop: false, kill: false), program("mixed", stop: false, kill: true),
                     program("group", stop: true, kill: true), sidecar("own")]
        var supervisor = Supervisor(policy: policy(), processes: specs, hasMain: false)
        for (index, _) in specs.enumerated() { supervisor.processes[index].started(pid: Int32(100 + index), at: 0) }
        var state = RecoveryState()
        state.phase = .pausing
        state.processes = supervisor.processes.compactMap { $0.recoveryProcess }
        #expect(state.processes.map { $0.stopsGroup } == [false, false, true, true])
        #expect(state.processes.map { $0.killsGroup } == [false, true, true, true])
        let text = String(decoding: state.encoded(), as: UTF8.self)
        #expect(text.contains("process=sidecar:alone:100:-:-:0:-:0:0:0 "))
        let back = try RecoveryState.parse(text)
        #expect(back == state)
        var adopted = Supervisor(adopting: back, policy: policy(), at: 0)
        #expect(adopted.processes.map { $0.stopTarget(7, kill: false) } == [.process(7), .process(7), .processGroup(7), .processGroup(7)])
        #expect(adopted.processes.map { $0.stopTarget(7, kill: true) } == [.process(7), .processGroup(7), .processGroup(7), .processGroup(7)])
        // The last started stops first: own, group, mixed, then alone; each SIGKILLed at its deadline.
        var signals = adopted.handle(.signal(SIGTERM), at: 1)
        for pid: Int32 in [103, 102, 101] { signals += adopted.handle(.reaped(pid: pid, .exited(code: 0)), at: 1) }
        signals += adopted.handle(.deadline, at: 100 * second)
        #expect(signals.filter { if case .send = $0 { return true } else { return false } } == [
            .send(signal: SIGTERM, to: .processGroup(103)), .send(signal: SIGCONT, to: .processGroup(103)),
            .send(signal: SIGTERM, to: .processGroup(102)), .send(signal: SIGCONT, to: .processGroup(102)),
            .send(signal: SIGTERM, to: .process(101)), .send(signal: SIGCONT, to: .process(101)),
            .send(signal: SIGTERM, to: .process(100)), .send(signal: SIGCONT, to: .process(100)),
            .send(signal: SIGKILL, to: .process(100)),
        ])
    }

    @Test func anOlderProcessEntryStillSignalsTheGroup() throws {
        let state = try RecoveryState.parse("vigil-recovery-1 phase=2 process=sidecar:log:8:-:-:0:-:0")
        #expect(state.processes.first?.stopsGroup == true && state.processes.first?.killsGroup == true)
    }

    @Test(arguments: [
        ("vigil-recovery-1 phase=2 process=sidecar:log:8:-:-:0:-:0:1", "bad process"),
        ("vigil-recovery-1 phase=2 process=sidecar:log:8:-:-:0:-:0:2:1", "bad process"),
        ("vigil-recovery-1 phase=2 process=sidecar:log:8:-:-:0:-:0:1:-", "bad process"),
        ("vigil-recovery-1 phase=2 my-init-step=0", "go together"),
        ("vigil-recovery-1 phase=2 my-init-timeout=5", "go together"),
        ("vigil-recovery-1 phase=2 my-init-timeout=5 my-init-step=5", "bad my-init-step"),
        ("vigil-recovery-1 phase=2 my-init-timeout=5 my-init-step=4", "before the stop"),
        ("vigil-recovery-1 phase=3 deadline=9 exit=2 my-init-timeout=5 my-init-step=1", "needs my-init-script"),
        ("vigil-recovery-1 phase=3 deadline=9 exit=2 my-init-timeout=5 my-init-step=2 my-init-script=0:9:1:0", "takes no"),
        ("vigil-recovery-1 phase=2 my-init-script=0:9:1:0", "without my-init-step"),
        ("vigil-recovery-1 phase=3 deadline=9 exit=2 my-init-timeout=5 my-init-step=1 my-init-script=0:-:1:1", "bad my-init-script"),
        ("vigil-recovery-1 phase=3 deadline=9 exit=2 my-init-timeout=5 my-init-step=1 my-init-script=0:9:1", "bad my-init-script"),
        ("vigil-recovery-1 phase=3 deadline=9 exit=2 my-init-timeout=5 my-init-step=1 my-init-script=x:9:1:0", "bad my-init-script"),
        ("vigil-recovery-1 phase=3 deadline=9 exit=2 my-init-timeout=5 my-init-step=1 my-init-script=0:9:1:0 process=sidecar:a:9:-:-:0:-:0",
         "named twice"),
        ("vigil-recovery-1 phase=3 deadline=9223372036854775807 exit=2", "without my_init's steps"),
        ("vigil-recovery-1 phase=3 deadline=9223372036854775806 exit=2 my-init-timeout=5 my-init-step=2", "without my_init's steps"),
    ])
    func aBadStopRuleIsOneClearError(text: String, problem: String) {
        var message: String? = nil
        do { _ = try RecoveryState.parse(text) } catch { message = error.message }
        #expect(message?.contains(problem) == true, "\(text): \(message ?? "parsed")")
    }

    @Test func aStopWithoutADeadlineYetParsesWhileMyInitsStepsRun() throws {
        let text = "vigil-recovery-1 phase=3 deadline=9223372036854775807 exit=2 my-init-timeout=5 my-init-step=3 my-init-script=1:-:7:0"
        let state = try RecoveryState.parse(text)
        #expect(state.myInitStop?.step == .script(post: true, index: 1, pid: nil, deadline: 7, killed: false))
        #expect(String(decoding: state.encoded(), as: UTF8.self).contains("my-init-script=1:-:7:0"))
    }
}
