import CLinux

/// A scheduled task's runs under way and its next due time: the data of its `scheduled`
/// state, changed through `Supervised.withTask`. Each run is a process group of its own; a
/// run that outlives its time limit, or the task's stop, gets the task's stop signal, then
/// SIGKILL after its grace.
struct TaskRuns: Equatable {
    struct Run: Equatable {
        enum Stage: Equatable { case running, stopping, killed }

        let pid: Int32
        let startedAt: Instant
        /// When it is next acted on: its time limit ends (running), or SIGKILL comes
        /// (stopping). Nil: nothing to do but wait for it.
        var deadline: Instant?
        var stage = Stage.running
    }

    /// When the next run is due; nil: the schedule has none left.
    var next: WallTime?
    /// Where `@every` counts from: when the schedule began, moved by wall-clock jumps.
    var anchor: WallTime
    var runs: [Run] = []
    /// Set once its runs were sent their stop signal: what follows when the last is gone.
    var stop: Supervised.AfterStop? = nil

    /// The earliest deadline of its runs.
    var deadline: Instant? {
        var earliest: Instant? = nil
        for run in runs { if let time = run.deadline { earliest = min(earliest ?? time, time) } }
        return earliest
    }

    /// Run `pid` is gone: forgotten. Whether it was one of these.
    mutating func ended(pid: Int32) -> Bool {
        guard let index = runs.firstIndex(where: { $0.pid == pid }) else { return false }
        runs.remove(at: index)
        return true
    }

    /// Sends `signal` (then SIGCONT when `continues`) to every run not yet stopping, each to be
    /// SIGKILLed at `deadline`; `then` follows once the last is gone.
    mutating func stopAll(signal: Int32, deadline: Instant, then next: Supervised.AfterStop, continues: Bool) -> [SupervisorAction] {
        stop = next
        var actions: [SupervisorAction] = []
        for index in runs.indices where runs[index].stage == .running {
            actions += TaskRuns.signal(signal, runs[index].pid, continues: continues)
            runs[index].stage = .stopping
            runs[index].deadline = deadline
        }
        return actions
    }

    /// What is due at `now`: a run past its time limit gets `signal` and has until `grace`
    /// later; a run still there at the end of that gets SIGKILL. Each with its note.
    mutating func deadlinesPassed(at now: Instant, name: String, signal: Int32, grace: Int64, limit: Int64,
                                  continues: Bool) -> (actions: [SupervisorAction], killed: Bool) {
        var actions: [SupervisorAction] = []
        var killed = false
        for index in runs.indices {
            guard let deadline = runs[index].deadline, deadline <= now else { continue }
            let pid = runs[index].pid
            if runs[index].stage == .running {
                actions.append(.note(.task(.timeLimit(name: name, pid: pid, limit: limit, signal: signal))))
                actions += TaskRuns.signal(signal, pid, continues: continues)
                runs[index].stage = .stopping
                runs[index].deadline = now + grace
            } else {
                actions += [.note(.killing(name: name)), .send(signal: SIGKILL, to: .processGroup(pid))]
                runs[index].stage = .killed
                runs[index].deadline = nil
                killed = true
            }
        }
        return (actions, killed)
    }

    private static func signal(_ signal: Int32, _ pid: Int32, continues: Bool) -> [SupervisorAction] {
        [.send(signal: signal, to: .processGroup(pid))] + (continues ? [.send(signal: SIGCONT, to: .processGroup(pid))] : [])
    }
}
