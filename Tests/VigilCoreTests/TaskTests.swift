import Testing
@testable import VigilCore

/// A scheduled task named `name` with `schedule` (vigil's layout: six fields are seconds first).
func task(_ name: String, _ schedule: String, _ change: (inout ProcessSpec) -> Void = { _ in }) -> ProcessSpec {
    var spec = ProcessSpec(name: name, kind: .task, command: [name])
    spec.task.schedule = TaskSchedule(try! CronExpression.parse(schedule))
    change(&spec)
    return spec
}

/// The names of the notes about task runs, and the starts, in order.
func taskNotes(_ actions: [SupervisorAction]) -> [TaskNote] {
    actions.compactMap { if case .note(.task(let note)) = $0 { return note }; return nil }
}

/// In these tests the wall clock reads what the monotonic one does (`handle`'s default), so
/// `@every 10s` is due at 10 s, 20 s ...
@Suite struct TaskScheduleTests {
    @Test func aTaskRunsWhenDueAndNotBefore() {
        var (supervisor, actions) = bringUp([task("t", "@every 10s")], hasMain: false)
        #expect(started(actions).isEmpty)
        #expect(supervisor.processes[0].stateName == "scheduled")
        #expect(supervisor.wallDeadline == 10 * second)
        #expect(supervisor.deadline == nil)
        #expect(started(supervisor.timeReached(9 * second)).isEmpty)
        #expect(started(supervisor.timeReached(10 * second)) == ["t"])
        #expect(supervisor.spawned(0, pid: 200, at: 10 * second) == [])
        #expect(supervisor.processes[0].stateName == "running")
        #expect(supervisor.wallDeadline == 20 * second)
        let ended = supervisor.reaped(200, .exited(code: 3), at: 11 * second)
        #expect(taskNotes(ended) == [.runEnded(name: "t", pid: 200, how: .exited(code: 3), stopsAll: false)])
        #expect(supervisor.processes[0].lastExit == 3)
        // Not required: a failed run ends nothing, and the next one comes.
        #expect(!supervisor.ending)
        #expect(started(supervisor.timeReached(20 * second)) == ["t"])
    }

    @Test func aCalendarScheduleRunsAtItsSeconds() {
        var (supervisor, _) = bringUp([task("t", "*/15 * * * * *")], hasMain: false)
        #expect(supervisor.wallDeadline == 15 * second)
        // Late by 40 s: one run now, the missed ones make none, the next is after now.
        #expect(started(supervisor.timeReached(55 * second)) == ["t"])
        #expect(supervisor.wallDeadline == 60 * second)
    }

    @Test func aRunDueWhileOneRunsIsSkippedAndCounted() {
        var (supervisor, _) = bringUp([task("t", "@every 10s")], hasMain: false)
        _ = supervisor.timeReached(10 * second)
        _ = supervisor.spawned(0, pid: 200, at: 10 * second)
        let due = supervisor.timeReached(20 * second)
        #expect(started(due).isEmpty)
        #expect(taskNotes(due) == [.runSkipped(name: "t", running: 1, skipped: 1)])
        #expect(taskNotes(supervisor.timeReached(30 * second)) == [.runSkipped(name: "t", running: 1, skipped: 2)])
        #expect(supervisor.processes[0].skipped == 2)
        _ = supervisor.reaped(200, .exited(code: 0), at: 35 * second)
        #expect(started(supervisor.timeReached(40 * second)) == ["t"])
    }

    @Test func aConcurrencyOfTwoLetsTwoRunsOverlap() {
        var (supervisor, _) = bringUp([task("t", "@every 10s") { $0.task.concurrency = 2 }], hasMain: false)
        _ = supervisor.timeReached(10 * second)
        _ = supervisor.spawned(0, pid: 200, at: 10 * second)
        #expect(started(supervisor.timeReached(20 * second)) == ["t"])
        _ = supervisor.spawned(0, pid: 201, at: 20 * second)
        #expect(supervisor.processes[0].runs.map { $0.pid } == [200, 201])
        #expect(taskNotes(supervisor.timeReached(30 * second)) == [.runSkipped(name: "t", running: 2, skipped: 1)])
    }

    @Test func aRunPastItsTimeLimitGetsTheStopSignalThenSIGKILLAfterItsGrace() {
        var (supervisor, _) = bringUp([task("t", "@every 10s") { $0.task.timeLimit = 3 * second; $0.grace = 2 * second }],
                                      hasMain: false)
        _ = supervisor.timeReached(10 * second)
        _ = supervisor.spawned(0, pid: 200, at: 10 * second)
        #expect(supervisor.deadline == 13 * second)
        let limit = supervisor.timeReached(13 * second)
        #expect(limit == [.note(.task(.timeLimit(name: "t", pid: 200, limit: 3 * second, signal: 15))),
                          .send(signal: 15, to: .processGroup(200)), .send(signal: 18, to: .processGroup(200))])
        #expect(supervisor.deadline == 15 * second)
        #expect(supervisor.timeReached(15 * second) == [.note(.killing(name: "t")), .send(signal: 9, to: .processGroup(200))])
        #expect(supervisor.deadline == nil)
        let ended = supervisor.reaped(200, .killed(signal: 9, coreDumped: false), at: 15 * second)
        #expect(taskNotes(ended) == [.runEnded(name: "t", pid: 200, how: .killed(signal: 9, coreDumped: false), stopsAll: false)])
        #expect(supervisor.processes[0].lastExit == 137)
    }

    @Test func aRunThatCannotStartCountsAsAFailedRun() {
        var (supervisor, _) = bringUp([task("t", "@every 10s")], hasMain: false)
        _ = supervisor.timeReached(10 * second)
        let failed = supervisor.spawned(0, pid: nil, errno: 2, at: 10 * second)
        #expect(failed == [.note(.cannotStart(name: "t", program: "t", errno: 2))])
        #expect(supervisor.processes[0].lastExit == 127)
        #expect(supervisor.processes[0].lastRun == 10 * second)
    }

    @Test func aFailedRunOfARequiredTaskEndsTheContainerWithItsStatus() {
        var (supervisor, _) = bringUp([task("t", "@every 10s") { $0.required = true }])
        supervisor.started(mainChild: 40, at: 0)
        _ = supervisor.timeReached(10 * second)
        _ = supervisor.spawned(0, pid: 200, at: 10 * second)
        let ended = supervisor.reaped(200, .exited(code: 4), at: 11 * second)
        #expect(taskNotes(ended) == [.runEnded(name: "t", pid: 200, how: .exited(code: 4), stopsAll: true)])
        #expect(ended.contains(.send(signal: 15, to: .process(40))))
        #expect(supervisor.wallDeadline == nil)
        _ = supervisor.reaped(40, .killed(signal: 15, coreDumped: false), at: 12 * second)
        #expect(supervisor.nothingLeft() == [.exit(code: 4)])
        #expect(supervisor.exitReport(code: 4, at: 12 * second, leftoversKilled: 0).line.string
            == "exiting with 4: a run of required task t exited with code 4; main killed by SIGTERM; the stop took 1s")
    }

    @Test func theContainerStopStopsRunsLikeSidecarsAndStartsNoNewRun() {
        var (supervisor, _) = bringUp([task("t", "@every 10s"), task("idle", "@every 1h")], policy: policy { $0.grace = 30 * second })
        supervisor.started(mainChild: 40, at: 0)
        _ = supervisor.timeReached(10 * second)
        _ = supervisor.spawned(0, pid: 200, at: 10 * second)
        let stop = supervisor.reaped(40, .exited(code: 0), at: 12 * second)
        #expect(stop == [.note(.stopping(name: "t", signal: 15)), .send(signal: 15, to: .processGroup(200)),
                         .send(signal: 18, to: .processGroup(200))])
        #expect(supervisor.wallDeadline == nil)
        #expect(supervisor.processes[1].stateName == "exited")
        #expect(supervisor.processes[0].stateName == "stopping")
        #expect(started(supervisor.timeReached(20 * second)).isEmpty)
        let gone = supervisor.reaped(200, .killed(signal: 15, coreDumped: false), at: 13 * second)
        #expect(gone.contains(.signalLeftovers(signal: 15)))
        #expect(supervisor.processes[0].stateName == "exited")
    }

    @Test func byDefaultATaskWaitsForWhatTheMainProcessWaitsForAndNothingWaitsForIt() {
        let (supervisor, actions) = bringUp([initTask("migrate"), sidecar("log"), task("t", "@every 10s")])
        #expect(started(actions) == ["migrate"])
        var next = supervisor
        #expect(next.processes[2].state == .pending)
        _ = next.reaped(100, .exited(code: 0), at: 1)
        #expect(started(next.spawned(1, pid: 101, at: 1)) == ["main"])
        #expect(next.processes[2].stateName == "scheduled")
        #expect(next.wallDeadline == 1 + 10 * second)
    }

    @Test func theWallClockBeingSetMovesEveryByTheJumpAndCalendarsToTheNewTime() {
        var (supervisor, _) = bringUp([task("every", "@every 10s"), task("cal", "0 * * * * *")], hasMain: false)
        #expect(supervisor.processes[0].nextRun == 10 * second)
        #expect(supervisor.processes[1].nextRun == 60 * second)
        // At 5 s the wall clock goes back an hour (to 3605 s before 1970 plus ...: -3595 s).
        let wall = 5 * second - 3600 * second
        let actions = supervisor.handle(.wallClockSet, at: 5 * second, wall: wall)
        #expect(taskNotes(actions) == [.clockSet(jump: -3600 * second)])
        #expect(supervisor.processes[0].nextRun == 10 * second - 3600 * second)
        #expect(supervisor.processes[1].nextRun == -3540 * second)
        // Then forward two hours: the calendar's run is past, so it runs at once.
        let forward = supervisor.handle(.wallClockSet, at: 6 * second, wall: 6 * second + 3600 * second)
        #expect(started(forward) == ["cal"])
        #expect(supervisor.processes[0].nextRun == 10 * second + 3600 * second)
    }

    @Test func statusShowsATasksNextRunLastRunAndSkippedRuns() {
        var (supervisor, _) = bringUp([task("t", "@every 10s")], hasMain: false)
        _ = supervisor.timeReached(10 * second)
        _ = supervisor.spawned(0, pid: 200, at: 10 * second)
        _ = supervisor.timeReached(20 * second)
        let record = supervisor.status(at: 21 * second, ownPID: 1)
        var expected = StatusRecord.Process(name: "t", kind: "task", state: "running", pid: 200, lastExit: nil,
                                            uptimeMilliseconds: 11_000)
        expected.nextRun = 30
        expected.lastRun = 10
        expected.skipped = 1
        #expect(record.processes == [expected])
        #expect(StatusRecord(lines: record.lines) == record)
        // An older client reads the fields it knows.
        let old = StatusRecord(lines: record.lines.map { $0.split(separator: " ").prefix(11).joined(separator: " ") })
        #expect(old?.processes.first?.skipped == nil)
        #expect(old?.processes.first?.pid == 200)
    }
}

@Suite struct TaskControlTests {
    @Test func startRunsATaskNowUnlessItsConcurrencyIsUsedUp() {
        var (supervisor, _) = bringUp([task("t", "@daily")], hasMain: false)
        let (reply, actions) = supervisor.control(.start("t"), at: 5 * second)
        #expect(reply.error == nil)
        #expect(started(actions) == ["t"])
        _ = supervisor.spawned(0, pid: 200, at: 5 * second)
        #expect(supervisor.control(.start("t"), at: 6 * second).0.error
            == "t is already running as often as its concurrency allows")
        #expect(supervisor.wallDeadline == 86_400 * second)
        #expect(supervisor.control(.restart("t"), at: 6 * second).0.error != nil)
    }

    @Test func stopStopsItsRunsAndHoldsItUntilStart() {
        var (supervisor, _) = bringUp([task("t", "@every 10s")], hasMain: false)
        _ = supervisor.timeReached(10 * second)
        _ = supervisor.spawned(0, pid: 200, at: 10 * second)
        let (reply, actions) = supervisor.control(.stop("t"), at: 11 * second)
        #expect(reply.error == nil)
        #expect(actions.contains(.send(signal: 15, to: .processGroup(200))))
        _ = supervisor.reaped(200, .killed(signal: 15, coreDumped: false), at: 12 * second)
        #expect(supervisor.processes[0].stateName == "stopped")
        #expect(supervisor.wallDeadline == nil)
        #expect(started(supervisor.timeReached(20 * second)).isEmpty)
        // Started again: a run now, and the schedule from now on.
        #expect(started(supervisor.control(.start("t"), at: 25 * second).1) == ["t"])
        #expect(supervisor.wallDeadline == 35 * second)
    }

    @Test func signalGoesToEveryRun() {
        var (supervisor, _) = bringUp([task("t", "@every 10s") { $0.task.concurrency = 2 }], hasMain: false)
        #expect(supervisor.control(.signal("t", 1), at: 1).0.error == "t is not running")
        _ = supervisor.timeReached(10 * second)
        _ = supervisor.spawned(0, pid: 200, at: 10 * second)
        _ = supervisor.timeReached(20 * second)
        _ = supervisor.spawned(0, pid: 201, at: 20 * second)
        #expect(supervisor.control(.signal("t", 1), at: 21 * second).1
            == [.send(signal: 1, to: .processGroup(200)), .send(signal: 1, to: .processGroup(201))])
    }
}
