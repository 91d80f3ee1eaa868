import Testing
@testable import VigilCore

let liveHTTP = ProcessSpec.Readiness.http(HTTPTarget(endpoint: Endpoint(address: .loopback, port: 80), host: "127.0.0.1:80", path: "/"))

func live(_ spec: ProcessSpec, period: Int64 = 10 * second, failures: Int = 3) -> ProcessSpec {
    var spec = spec
    spec.liveness = liveHTTP
    spec.livePeriod = period
    spec.liveTimeout = second
    spec.liveFailures = failures
    return spec
}

/// Liveness checks: attempts once ready, each bounded; after too many failures in a row a
/// sidecar is stopped and restarted by its policy, and the main process ends the container.
@Suite struct LivenessTests {
    @Test func attemptsComeEveryPeriodOnceReadyAndNotBefore() {
        var (supervisor, _) = bringUp([live(sidecar("web", ready: .notify))])
        // Starting: only the start timeout is a deadline, no liveness yet.
        #expect(supervisor.deadline == 60 * second)
        _ = supervisor.notified(0, sender: 100, senderGroup: 100, at: 5)
        supervisor.started(mainChild: 40, at: 5)
        #expect(supervisor.deadline == 5 + 10 * second)
        #expect(supervisor.timeReached(5 + 10 * second) == [.check(process: 0, liveHTTP)])
        // The attempt is bounded by its timeout; the next comes a period after it ended.
        #expect(supervisor.deadline == 5 + 11 * second)
        #expect(supervisor.checkResult(0, passed: true, at: 6 + 10 * second) == [])
        #expect(supervisor.deadline == 6 + 20 * second)
    }

    @Test func threeFailuresInARowRestartTheSidecarAndAPassStartsTheCountOver() {
        let spec = live(sidecar("web") { $0.grace = 2 * second; $0.backoff = 0 }, period: second)
        var supervisor = runningWithSidecars([spec])
        func attempt(at time: Instant, passed: Bool) -> [SupervisorAction] {
            #expect(supervisor.timeReached(time) == [.check(process: 0, liveHTTP)])
            return supervisor.checkResult(0, passed: passed, at: time)
        }
        #expect(attempt(at: second, passed: false) == [.note(.liveFailing(name: "web", of: 3))])
        #expect(attempt(at: 2 * second, passed: false) == [])
        #expect(attempt(at: 3 * second, passed: true) == [])
        #expect(attempt(at: 4 * second, passed: false) == [.note(.liveFailing(name: "web", of: 3))])
        #expect(attempt(at: 5 * second, passed: false) == [])
        let stop = attempt(at: 6 * second, passed: false)
        #expect(stop == [.note(.liveFailed(name: "web", failures: 3, main: false)), .note(.stopping(name: "web", signal: 15)),
                         .send(signal: 15, to: .processGroup(100)), .send(signal: 18, to: .processGroup(100))])
        // SIGKILL after its grace, if need be; its exit is a failure: restarted (backoff 0).
        #expect(supervisor.deadline == 8 * second)
        let exit = supervisor.reaped(100, .exited(code: 0), at: 7 * second)
        #expect(started(exit) == ["web"])
        #expect(supervisor.processes[0].restarts == 1)
    }

    @Test func onFailureRestartsAfterALivenessStopEvenOnExitZero() {
        var supervisor = runningWithSidecars([live(sidecar("web") { $0.restart = .onFailure; $0.backoff = 0 }, failures: 1)])
        _ = supervisor.timeReached(10 * second)
        _ = supervisor.checkResult(0, passed: false, at: 10 * second)
        #expect(started(supervisor.reaped(100, .exited(code: 0), at: 11 * second)) == ["web"])
    }

    @Test func aRequiredSidecarThatStaysDownEndsTheContainerWith124() {
        var supervisor = runningWithSidecars([live(sidecar("web") { $0.restart = .never; $0.required = true }, failures: 1)])
        _ = supervisor.timeReached(10 * second)
        _ = supervisor.checkResult(0, passed: false, at: 10 * second)
        let down = supervisor.reaped(100, .killed(signal: 15, coreDumped: false), at: 11 * second)
        #expect(down.contains(.send(signal: 15, to: .process(40))))
        _ = supervisor.reaped(40, .exited(code: 0), at: 12 * second)
        #expect(supervisor.nothingLeft() == [.exit(code: 124)])
        #expect(supervisor.endedBy == .livenessFailed(name: "web"))
    }

    @Test func aTimedOutAttemptIsAFailureAndItsExecCheckIsKilled() {
        var spec = live(sidecar("web"), failures: 2)
        spec.liveness = .exec(["probe"])
        var supervisor = runningWithSidecars([spec])
        #expect(supervisor.timeReached(10 * second) == [.check(process: 0, .exec(["probe"]))])
        #expect(supervisor.checkSpawned(0, pid: 300, at: 10 * second) == [])
        #expect(supervisor.timeReached(11 * second) == [.send(signal: 9, to: .processGroup(300)),
                                                         .note(.liveFailing(name: "web", of: 2))])
        // Its killed check's exit is no verdict.
        #expect(supervisor.reaped(300, .killed(signal: 9, coreDumped: false), at: 11 * second) == [])
        _ = supervisor.timeReached(21 * second)
        _ = supervisor.checkSpawned(0, pid: 301, at: 21 * second)
        #expect(supervisor.reaped(301, .exited(code: 1), at: 21 * second).contains(.note(.liveFailed(name: "web", failures: 2, main: false))))
    }

    @Test func theMainFailingItsCheckStopsTheContainerWithABound() {
        var main = live(ProcessSpec(name: "main", kind: .main, command: []), failures: 1)
        main.liveness = .tcp(address: 0x7F00_0001, port: 80)
        var supervisor = Supervisor(policy: policy { $0.grace = 3 * second }, main: main)
        _ = supervisor.start(at: 0)
        supervisor.started(mainChild: 40, at: 0)
        #expect(supervisor.timeReached(10 * second) == [.check(process: Supervisor.mainIndex, .tcp(address: 0x7F00_0001, port: 80))])
        let failed = supervisor.checkResult(Supervisor.mainIndex, passed: false, at: 10 * second)
        #expect(failed == [.note(.liveFailed(name: "main", failures: 1, main: true)), .send(signal: 15, to: .process(40)),
                           .send(signal: 18, to: .process(40))])
        // Without --kill-after, the grace bounds it: a hung process may not stop by itself.
        #expect(supervisor.deadline == 13 * second)
        #expect(supervisor.timeReached(13 * second) == [.send(signal: 9, to: .process(40))])
        _ = supervisor.reaped(40, .killed(signal: 9, coreDumped: false), at: 13 * second)
        #expect(supervisor.nothingLeft() == [.exit(code: 124)])
        #expect(supervisor.exitReport(code: 124, at: 13 * second, leftoversKilled: 0).line.string
            == "exiting with 124: main failed its liveness check; main killed by SIGKILL; the stop took 3s; SIGKILL at the end of the grace: main")
    }

    @Test func noWakeUpsForLivenessOnceVigilIsEnding() {
        var supervisor = runningWithSidecars([live(sidecar("web"))])
        _ = supervisor.received(15, at: 1)
        #expect(supervisor.deadline == nil)
        #expect(supervisor.timeReached(10 * second) == [])
    }

    @Test func statusAndHealthShowTheCheck() {
        var supervisor = runningWithSidecars([live(sidecar("web") { $0.required = true }, period: second)])
        let before = StatusRecord(lines: supervisor.control(.status, at: 0).0.lines)
        #expect(before?.processes.last?.live == "pending")
        _ = supervisor.timeReached(second)
        _ = supervisor.checkResult(0, passed: false, at: second)
        let after = StatusRecord(lines: supervisor.control(.status, at: second).0.lines)
        #expect(after?.processes.last?.live == "failing" && after?.processes.last?.liveFailures == 1)
        #expect(supervisor.control(.health, at: second).0.lines == ["required sidecar web fails its liveness check (1 in a row)"])
    }
}
