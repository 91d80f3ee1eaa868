import Testing
@testable import VigilCore

/// The supervisor starting and stopping by the graph: what has its dependencies met starts at
/// once, in parallel; a process stops once everything that waits for it has exited.
@Suite struct DependencyStartTests {
    @Test func independentProcessesStartTogether() {
        let (_, actions) = bringUp([sidecar("a", ready: .notify), after(sidecar("b", ready: .notify), ""),
                                    after(sidecar("c"), "")])
        // All three at once; the main waits for all of them to be ready.
        #expect(started(actions) == ["a", "b", "c"])
        #expect(!actions.contains(.startMain))
    }

    @Test func eachConditionReleasesItsWaiterAtItsMoment() {
        let specs = [initTask("migrate"), after(sidecar("db", ready: .notify), ""),
                     after(sidecar("cache", ready: .notify), "db:started"), after(sidecar("app"), "db,migrate:done")]
        var (supervisor, actions) = bringUp(specs)
        // migrate and db start at once; cache as soon as db has started; app waits for both.
        #expect(started(actions) == ["migrate", "db", "cache"])
        #expect(started(supervisor.notified(1, sender: 101, senderGroup: 101, at: 1)).isEmpty)
        #expect(started(supervisor.reaped(100, .exited(code: 0), at: 2)) == ["app"])
        // The main waits for everything, by default: cache is not ready yet.
        #expect(!supervisor.spawned(3, pid: 103, at: 2).contains(.startMain))
        #expect(supervisor.notified(2, sender: 102, senderGroup: 102, at: 3).contains(.startMain))
    }

    @Test func theMainWaitsOnlyForWhatItDeclares() {
        var main = ProcessSpec(name: "main", kind: .main, command: [])
        main.after = [.init(name: "db", condition: .started)]
        var supervisor = Supervisor(policy: policy(), processes: [sidecar("db", ready: .notify), sidecar("slow", ready: .notify)],
                                    hasMain: true, main: main)
        #expect(started(supervisor.start(at: 0)) == ["db"])
        let actions = supervisor.spawned(0, pid: 100, at: 1)
        #expect(actions.contains(.startMain))
        supervisor.started(mainChild: 40, at: 1)
        // slow still comes up, after db is ready, while the main runs.
        #expect(started(supervisor.notified(0, sender: 100, senderGroup: 100, at: 2)) == ["slow"])
    }

    @Test func aDependencyDownForGoodNoLongerHoldsItsWaiters() {
        let specs = [sidecar("db", ready: .notify) { $0.restart = .never }, after(sidecar("app"), "db")]
        var (supervisor, _) = bringUp(specs)
        let actions = supervisor.reaped(100, .exited(code: 1), at: 1)
        #expect(actions.contains(.note(.failed(name: "db", how: .exited(code: 1), required: false))))
        #expect(started(actions) == ["app"])
    }

    @Test func doneIsAnExitZeroThatStaysDown() {
        let specs = [sidecar("job") { $0.restart = .onFailure; $0.backoff = 0 }, after(sidecar("app"), "job:done")]
        var (supervisor, _) = bringUp(specs)
        // A failure is restarted and still holds app back; the clean exit releases it.
        #expect(started(supervisor.reaped(100, .exited(code: 2), at: 1)) == ["job"])
        _ = supervisor.spawned(0, pid: 110, at: 1)
        #expect(started(supervisor.reaped(110, .exited(code: 0), at: 2)) == ["app"])
    }

    @Test func nothingStartsOnceTheStopBegan() {
        var (supervisor, _) = bringUp([sidecar("db", ready: .notify), after(sidecar("app"), "db")])
        _ = supervisor.received(15, at: 1)
        #expect(started(supervisor.notified(0, sender: 100, senderGroup: 100, at: 2)).isEmpty)
    }
}

@Suite struct DependencyStopTests {
    func stopped(_ actions: [SupervisorAction]) -> [Int32] {
        actions.compactMap { if case .send(15, .processGroup(let pid)) = $0 { return pid }; return nil }.sorted()
    }

    @Test func independentSidecarsStopAtOnce() {
        var (supervisor, _) = bringUp([sidecar("a"), after(sidecar("b"), ""), after(sidecar("c"), "")])
        supervisor.started(mainChild: 40)
        _ = supervisor.received(15, at: 0)
        #expect(stopped(supervisor.reaped(40, .exited(code: 0), at: 1)) == [100, 101, 102])
    }

    @Test func aProcessStopsOnceEverythingThatWaitsForItHasExited() {
        // log <- db <- app, and web waits for log only: app and web stop first, then db, then log.
        var (supervisor, _) = bringUp([sidecar("log"), after(sidecar("db"), "log"), after(sidecar("app"), "db"),
                                       after(sidecar("web"), "log")])
        supervisor.started(mainChild: 40)
        #expect(stopped(supervisor.reaped(40, .exited(code: 0), at: 1)) == [102, 103])
        #expect(stopped(supervisor.reaped(103, .exited(code: 0), at: 2)) == [])
        #expect(stopped(supervisor.reaped(102, .exited(code: 0), at: 3)) == [101])
        #expect(stopped(supervisor.reaped(101, .exited(code: 0), at: 4)) == [100])
    }

    @Test func theChainStillWaitsForAProcessThatExitsByItselfMeanwhile() {
        // a <- b <- c by the start order: while c stops, b exiting does not let a stop early.
        var (supervisor, _) = bringUp([sidecar("a"), sidecar("b"), sidecar("c")])
        supervisor.started(mainChild: 40)
        #expect(stopped(supervisor.reaped(40, .exited(code: 0), at: 1)) == [102])
        #expect(stopped(supervisor.reaped(101, .exited(code: 1), at: 2)) == [])
        #expect(stopped(supervisor.reaped(102, .exited(code: 0), at: 3)) == [100])
    }

    @Test func eachHasItsOwnGraceWithinTheWholeOne() {
        var (supervisor, _) = bringUp([sidecar("a") { $0.grace = second }, after(sidecar("b"), "")],
                                      policy: policy { $0.grace = 3 * second })
        supervisor.started(mainChild: 40)
        _ = supervisor.reaped(40, .exited(code: 0), at: 0)
        #expect(supervisor.deadline == second)
        let killed = supervisor.timeReached(second)
        #expect(killed.contains(.send(signal: 9, to: .processGroup(100))) && !killed.contains(.send(signal: 9, to: .processGroup(101))))
        #expect(supervisor.timeReached(3 * second).contains(.send(signal: 9, to: .processGroup(101))))
    }
}
