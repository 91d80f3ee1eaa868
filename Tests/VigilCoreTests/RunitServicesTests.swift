import CLinux
import Testing
@testable import VigilCore

/// runit's services inside the supervisor, driven through `Supervisor.handle` as the runtime
/// drives it: the services folder read, starts, exits, `sv` commands, and my_init's stop.
@Suite struct RunitServicesTests {
    let second = Durations.second
    let t0: Instant = 1000 * Durations.second
    let web = ServicePart(service: 0, isLog: false)
    let held = ServicePart(service: 1, isLog: false)

    func layout(_ name: String, down: Bool = false) -> RunitServiceLayout.Service {
        RunitServiceLayout.Service(name: name, runnable: true, hasFinish: false, startsDown: down, hasCheck: false,
                                   overrides: [], log: nil)
    }

    /// my_init's supervisor without a main command, with `web` and a `held` service that has a
    /// `down` file, `web` running as pid 100.
    func started(pre: [String] = [], post: [String] = []) -> Supervisor {
        var configuration = MyInitPersonality.defaults
        configuration.runit = RunitSettings(directory: "/etc/service", stopTimeout: 30 * second,
                                            preShutdown: pre, postShutdown: post)
        var supervisor = Supervisor(policy: Policy(configuration, isNamespaceInit: true), hasMain: false,
                                    runit: configuration.runit)
        #expect(supervisor.handle(.start, at: t0).contains(.runit(.scan)))
        let actions = supervisor.handle(.runit(.found([layout("web"), layout("held", down: true)])), at: t0)
        #expect(starts(actions) == [web])
        #expect(supervisor.handle(.runit(.spawned(web, pid: 100, errno: 0)), at: t0).allSatisfy(isStatusWrite))
        return supervisor
    }

    func isStatusWrite(_ action: SupervisorAction) -> Bool {
        if case .runit(.writeStatus) = action { return true }
        return false
    }

    func starts(_ actions: [SupervisorAction]) -> [ServicePart] {
        actions.compactMap { action in
            if case .runit(.start(let part, let argv)) = action, argv == ["./run"] { return part }
            return nil
        }
    }

    /// A recovery after a fault begins mid-stop, without runit's shutdown having begun: with
    /// no services, the stop of the sidecars must not wait for it.
    @Test func withoutServicesNothingWaitsForTheirShutdown() {
        #expect(RunitServices().isShutDown)
    }

    @Test func aDownFileHoldsAServiceUntilSvUpAndTheStatusIsWrittenFirst() {
        var supervisor = started()
        #expect(supervisor.runit[held].state == .down && supervisor.runit[held].want == .down)
        let actions = supervisor.handle(.runit(.control(held, Array("u".utf8))), at: t0 + second)
        #expect(starts(actions) == [held])
        // Every status write comes before the start, whose own status the runtime writes next.
        let firstStart = actions.firstIndex { !isStatusWrite($0) } ?? actions.count
        #expect(actions[firstStart...].allSatisfy { !isStatusWrite($0) })
        #expect(supervisor.runit[held].want == .up)
    }

    @Test func anExitRestartsAfterTheOneSecondHold() {
        var supervisor = started()
        let exit = supervisor.handle(.reaped(pid: 100, .exited(code: 1)), at: t0 + second / 2)
        #expect(starts(exit).isEmpty)
        #expect(supervisor.deadline == t0 + second + second / 2)
        #expect(starts(supervisor.handle(.deadline, at: t0 + second + second / 2)) == [web])
    }

    @Test func vigilCheckWantsEveryServiceWantedUpRunning() {
        var supervisor = started()
        // web runs; held has a `down` file: healthy.
        #expect(supervisor.healthProblems.isEmpty)
        _ = supervisor.handle(.reaped(pid: 100, .exited(code: 1)), at: t0 + second / 2)
        #expect(supervisor.healthProblems == ["runit service web is backing-off, wanted up"])
        _ = supervisor.handle(.runit(.control(web, Array("d".utf8))), at: t0 + second)
        #expect(supervisor.healthProblems.isEmpty)
    }

    @Test func svDownSendsTermAndContAndNothingRestarts() {
        var supervisor = started()
        let actions = supervisor.handle(.runit(.control(web, Array("d".utf8))), at: t0 + second)
        #expect(actions.contains(.send(signal: SIGTERM, to: .process(100))))
        #expect(actions.contains(.send(signal: SIGCONT, to: .process(100))))
        #expect(starts(supervisor.handle(.reaped(pid: 100, .killed(signal: SIGTERM, coreDumped: false)), at: t0 + 2 * second)).isEmpty)
        #expect(supervisor.runit[web].state == .down)
    }

    @Test func aStopRunsPreShutdownThenStopsServicesThenPostShutdownAndExitsTwo() {
        var supervisor = started(pre: ["/etc/my_init.pre_shutdown.d/a"], post: ["/etc/my_init.post_shutdown.d/b"])
        let stop = supervisor.handle(.signal(SIGTERM), at: t0 + second)
        #expect(stop.contains(.runit(.runScript("/etc/my_init.pre_shutdown.d/a"))))
        #expect(!stop.contains(.send(signal: SIGTERM, to: .process(100))))
        #expect(supervisor.handle(.runit(.scriptSpawned(pid: 200)), at: t0 + second).isEmpty)
        let services = supervisor.handle(.reaped(pid: 200, .exited(code: 0)), at: t0 + second)
        #expect(services.contains(.send(signal: SIGTERM, to: .process(100))))
        let post = supervisor.handle(.reaped(pid: 100, .exited(code: 0)), at: t0 + second)
        #expect(post.contains(.runit(.runScript("/etc/my_init.post_shutdown.d/b"))))
        #expect(starts(post).isEmpty)
        #expect(supervisor.handle(.runit(.scriptSpawned(pid: 201)), at: t0 + second).isEmpty)
        var end = supervisor.handle(.reaped(pid: 201, .exited(code: 0)), at: t0 + second)
        end += supervisor.handle(.nothingLeft, at: t0 + second)
        #expect(end.contains(.exit(code: 2)))
    }

    @Test func duringTheStopSvSignalsStillWorkButNothingStarts() {
        var supervisor = started(pre: ["/etc/my_init.pre_shutdown.d/a"])
        _ = supervisor.handle(.signal(SIGTERM), at: t0 + second)
        #expect(supervisor.serviceControlsToRead.contains(web))
        let quit = supervisor.handle(.runit(.control(web, Array("q".utf8))), at: t0 + second)
        #expect(quit.contains(.send(signal: SIGQUIT, to: .process(100))))
        #expect(starts(supervisor.handle(.runit(.control(held, Array("u".utf8))), at: t0 + second)).isEmpty)
        #expect(supervisor.runit[held].want == .down)
    }
}
