import Testing
@testable import VigilCore

/// A supervisor whose init tasks are done and whose main child (40) and sidecars (100 + their
/// index) run, at time 0.
func runningWithSidecars(_ specs: [ProcessSpec], policy: Policy = policy()) -> Supervisor {
    var (supervisor, log) = bringUp(specs, policy: policy)
    while !log.contains(.startMain) {
        guard let index = supervisor.processes.firstIndex(where: { $0.spec.kind == .initTask && $0.isAlive }) else { break }
        var pending = supervisor.reaped(Int32(100 + index), .exited(code: 0), at: 0)
        while let action = pending.first {
            pending.removeFirst()
            log.append(action)
            if case .start(let next, _) = action { pending += supervisor.spawned(next, pid: Int32(100 + next), at: 0) }
        }
    }
    #expect(log.contains(.startMain))
    supervisor.started(mainChild: 40)
    return supervisor
}

@Suite struct StatusRecordTests {
    @Test func aRecordRoundTrips() {
        let record = StatusRecord(phase: "running", pid: 1, processes: [
            .init(name: "main", kind: "main", state: "running", pid: 7, restarts: 0, lastExit: nil, uptimeMilliseconds: 12034),
            .init(name: "log", kind: "sidecar", state: "backing-off", pid: nil, restarts: 3, lastExit: 137,
                  uptimeMilliseconds: nil),
            // Past 11 days of uptime, beyond what ASCII.parseInteger reads.
            .init(name: "db", kind: "sidecar", state: "ready", pid: 9, restarts: 0, lastExit: 0, uptimeMilliseconds: 2_000_000_000),
        ])
        #expect(record.lines == ["phase running pid 1", "process main main running 7 0 - 12034",
                                 "process log sidecar backing-off - 3 137 -", "process db sidecar ready 9 0 0 2000000000"])
        #expect(StatusRecord(lines: record.lines) == record)
    }

    @Test func fieldsALaterVigilAppendsAreIgnored() {
        let record = StatusRecord(lines: ["phase stopping pid 1 extra", "process a sidecar running 5 1 - 10 more fields"])
        #expect(record == StatusRecord(phase: "stopping", pid: 1, processes: [
            .init(name: "a", kind: "sidecar", state: "running", pid: 5, restarts: 1, lastExit: nil, uptimeMilliseconds: 10)]))
        #expect(StatusRecord(lines: ["process a sidecar running 5 1 - 10"]) == nil)
    }

    @Test func theSupervisorReportsEveryProcess() {
        var (supervisor, _) = bringUp([initTask("migrate"), sidecar("log")])
        _ = supervisor.reaped(100, .exited(code: 0), at: 5)
        _ = supervisor.spawned(1, pid: 101, at: 5)
        supervisor.started(mainChild: 40, at: 5)
        let (reply, actions) = supervisor.control(.status, at: 5 + 2 * second, ownPID: 1)
        #expect(actions.isEmpty)
        #expect(StatusRecord(lines: reply.lines) == StatusRecord(phase: "running", pid: 1, processes: [
            .init(name: "main", kind: "main", state: "running", pid: 40, uptimeMilliseconds: 2000),
            .init(name: "migrate", kind: "init", state: "exited", lastExit: 0),
            .init(name: "log", kind: "sidecar", state: "running", pid: 101, uptimeMilliseconds: 2000),
        ]))
    }
}

@Suite struct ControlDecisionTests {
    @Test func stopHoldsASidecarDownWithItsOwnStopSignalUntilStart() {
        var supervisor = runningWithSidecars([sidecar("log") { $0.stopSignal = 1; $0.grace = 3 * second }])
        let (reply, actions) = supervisor.control(.stop("log"), at: 10)
        #expect(reply.error == nil)
        #expect(actions == [.note(.stopping(name: "log", signal: 1)), .send(signal: 1, to: .processGroup(100)),
                            .send(signal: 18, to: .processGroup(100))])
        #expect(supervisor.deadline == 10 + 3 * second)
        // Its exit is not a failure, and nothing restarts it.
        #expect(supervisor.reaped(100, .exited(code: 0), at: 20) == [])
        #expect(supervisor.processes[0].state == .held)
        #expect(supervisor.deadline == nil)
        #expect(supervisor.healthProblems.isEmpty)
        let (started, start) = supervisor.control(.start("log"), at: 30)
        #expect(started.error == nil && start == [.start(process: 0, supervisor.processes[0].spec)])
        _ = supervisor.spawned(0, pid: 102, at: 31)
        #expect(supervisor.control(.start("log"), at: 32).0.error == "log is already running")
    }

    @Test func aSidecarThatOutlivesItsGraceIsKilledThenHeldAtOnce() {
        var supervisor = runningWithSidecars([sidecar("log") { $0.grace = second }])
        _ = supervisor.control(.stop("log"), at: 0)
        #expect(supervisor.timeReached(second) == [.note(.killing(name: "log")), .send(signal: 9, to: .processGroup(100))])
        #expect(supervisor.timeReached(second) == [])
        #expect(supervisor.processes[0].state == .held)
    }

    @Test func restartStopsThenStartsAgainWithoutCountingAFailure() {
        var supervisor = runningWithSidecars([sidecar("log")])
        #expect(supervisor.control(.restart("log"), at: 0).0.error == nil)
        #expect(supervisor.reaped(100, .killed(signal: 15, coreDumped: false), at: 1) == [.start(process: 0, supervisor.processes[0].spec)])
        #expect(supervisor.processes[0].restarts == 0)
    }

    @Test func aRequestDuringAStopChangesWhatFollowsIt() {
        var supervisor = runningWithSidecars([sidecar("log")])
        _ = supervisor.control(.stop("log"), at: 0)
        let (reply, actions) = supervisor.control(.restart("log"), at: 1)
        #expect(reply.error == nil && actions.isEmpty)
        #expect(started(supervisor.reaped(100, .exited(code: 0), at: 2)) == ["log"])
    }

    @Test func aStopRequestDuringTheContainersStopIsRefused() {
        var supervisor = runningWithSidecars([sidecar("log")])
        _ = supervisor.received(15, at: 0)
        #expect(supervisor.control(.stop("log"), at: 1).0.error == "vigil is stopping")
        #expect(supervisor.control(.health, at: 1).0.lines == ["vigil is stopping"])
    }

    @Test(arguments: [
        (ControlProtocol.Request.stop("main"), "the main process is not stopped or started on its own; stop the container instead"),
        (.restart("nope"), "no process named 'nope'"),
        (.start("migrate"), "migrate is an init task; it runs once"),
        (.signal("migrate", 1), "migrate is not running"),
    ])
    func refusals(request: ControlProtocol.Request, message: String) {
        var supervisor = runningWithSidecars([initTask("migrate"), sidecar("log")])
        let (reply, actions) = supervisor.control(request, at: 0)
        #expect(reply.error == message)
        #expect(actions.isEmpty)
    }

    @Test func signalsGoToTheMainChildOrASidecarsGroup() {
        var supervisor = runningWithSidecars([sidecar("log")], policy: policy { $0.forwardToGroup = true })
        #expect(supervisor.control(.signal("main", 10), at: 0).1 == [.send(signal: 10, to: .processGroup(40))])
        #expect(supervisor.control(.signal("log", 1), at: 0).1 == [.send(signal: 1, to: .processGroup(100))])
        _ = supervisor.reaped(40, .exited(code: 0), at: 1)
        #expect(supervisor.control(.signal("main", 10), at: 1).0.error == "the main process is not running")
    }

    @Test func aRequiredSidecarHeldDownIsAHealthProblem() {
        var supervisor = runningWithSidecars([sidecar("db") { $0.required = true }])
        _ = supervisor.control(.stop("db"), at: 0)
        #expect(supervisor.control(.health, at: 0).0.lines == ["required sidecar db is not ready"])
        _ = supervisor.reaped(100, .exited(code: 0), at: 1)
        #expect(supervisor.healthProblems == ["required sidecar db is not ready"])
    }
}
