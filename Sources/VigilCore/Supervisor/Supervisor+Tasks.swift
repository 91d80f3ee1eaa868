import CLinux

/// Scheduled tasks: their runs come due on the wall clock, start unless the task's
/// concurrency is used up (then the run is skipped and counted), are stopped at their time
/// limit, and end with a status that is logged and kept; a failed run ends the container only
/// when the task is `required`. Once vigil is ending no run starts, and the runs under way
/// are stopped like sidecars (`Supervisor+Stopping`).
extension Supervisor {
    /// When the next run of any task is due, on the wall clock: the runtime's timer. Nil
    /// when none is, and once vigil is ending.
    var wallDeadline: WallTime? {
        guard !ending else { return nil }
        var earliest: WallTime? = nil
        for process in processes { if let time = process.nextRun { earliest = min(earliest ?? time, time) } }
        return earliest
    }

    /// The runs due by the wall clock: started, or skipped and counted.
    mutating func dueRuns() -> [SupervisorAction] {
        guard !ending else { return [] }
        var actions: [SupervisorAction] = []
        for index in processes.indices {
            guard let running = processes[index].takeDueRun(at: wallClock) else { continue }
            let spec = processes[index].spec
            if running < spec.task.concurrency {
                actions.append(.start(process: index, spec))
            } else {
                processes[index].recordSkip()
                actions.append(.note(.task(.runSkipped(name: spec.name, running: running, skipped: processes[index].skipped))))
            }
        }
        return actions
    }

    /// The wall clock was set, `jump` away from where it was going: each task's next run is
    /// computed again (`Supervised.clockSet`), and what is now due runs.
    mutating func clockWasSet(jump: Int64, at now: Instant) -> [SupervisorAction] {
        guard !ending else { return [] }
        for index in processes.indices { processes[index].clockSet(jump: jump, wall: wallClock) }
        return [.note(.task(.clockSet(jump: jump)))] + dueRuns()
    }

    /// A run of task `index` started as `pid`, or could not (`errno`): it counts as a run
    /// that ended with the code for that.
    mutating func taskSpawned(_ index: Int, pid: Int32?, errno: Int32, at now: Instant) -> [SupervisorAction] {
        guard let pid else {
            let spec = processes[index].spec
            processes[index].recordRun(at: wallClock)
            let how = ChildState.exited(code: policy.exitCodes.forSpawnFailure(errno: errno))
            return [.note(.cannotStart(name: spec.name, program: spec.command.first ?? "", errno: errno))]
                + runEnded(index, pid: 0, how, at: now)
        }
        processes[index].runStarted(pid: pid, at: now, wall: wallClock)
        return []
    }

    /// Run `pid` of task `index` ended with `how`: logged and kept; a failure of a required
    /// task ends the container; the last run of a task being stopped ends its stop.
    mutating func runEnded(_ index: Int, pid: Int32, _ how: ChildState, at now: Instant) -> [SupervisorAction] {
        let spec = processes[index].spec
        let code = how.exitCode ?? 0
        _ = processes[index].recordExit(code, at: now)
        processes[index].withTask { _ = $0.ended(pid: pid) }
        let stopsAll = code != 0 && spec.required && !ending
        // A run that could not start (pid 0) was noted already.
        let notes: [SupervisorAction] = pid == 0 ? [] : [.note(.task(.runEnded(name: spec.name, pid: pid, how: how, stopsAll: stopsAll)))]
        if let after = processes[index].stopEnded() { return notes + afterStop(index, after, at: now) }
        guard stopsAll else { return notes }
        return notes + endWith(code, .taskFailed(name: spec.name, how: how), at: now)
    }

    /// Runs of task `index` past their time limit, or past the grace after their stop signal.
    mutating func taskDeadlines(_ index: Int, at now: Instant) -> [SupervisorAction] {
        let spec = processes[index].spec
        let signal = spec.stopSignal ?? policy.stopSignal
        let grace = spec.grace ?? policy.grace
        let continues = continuesAfterStopping(signal)
        var (actions, killed): ([SupervisorAction], Bool) = ([], false)
        processes[index].withTask {
            (actions, killed) = $0.deadlinesPassed(at: now, name: spec.name, signal: signal, grace: grace,
                                                   limit: spec.task.timeLimit ?? 0, continues: continues)
        }
        if killed && ending { killedAtGraceEnd.append(spec.name) }
        return actions
    }

    /// `vigil start`, `stop` or `restart` of task `index`: `start` runs it now (and takes a
    /// task held by `vigil stop` back to its schedule), `stop` stops its runs and holds it.
    mutating func taskRequest(_ request: ControlProtocol.Request, _ index: Int, at now: Instant) -> [SupervisorAction] {
        let name = processes[index].spec.name
        guard !ending else { return [.reply(ControlProtocol.Reply(error: "vigil is stopping"))] }
        switch request {
        case .stop:
            guard processes[index].isAlive else {
                processes[index].hold()
                return [.reply(ControlProtocol.Reply())]
            }
            return [.reply(ControlProtocol.Reply())] + stop(index, then: .holdDown, deadline: stopDeadline(now, index, afterKill: false))
        case .start:
            switch processes[index].state {
            case .pending, .waiting: return [.reply(ControlProtocol.Reply(error: name + " waits for what it depends on"))]
            case .scheduled: break
            default: processes[index].beginSchedule(at: wallClock)
            }
            if processes[index].isStopping { return [.reply(ControlProtocol.Reply(error: name + " is stopping"))] }
            guard processes[index].runs.count < processes[index].spec.task.concurrency else {
                return [.reply(ControlProtocol.Reply(error: name + " is already running as often as its concurrency allows"))]
            }
            return [.reply(ControlProtocol.Reply()), .start(process: index, processes[index].spec)]
        default:
            return [.reply(ControlProtocol.Reply(error: name + " is a scheduled task: 'start' runs it now, 'stop' holds it"))]
        }
    }
}
