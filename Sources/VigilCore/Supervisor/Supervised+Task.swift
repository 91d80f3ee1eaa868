/// A scheduled task's transitions: when its runs are due, their starts and ends, and the wall
/// clock being set. Its state is `scheduled` from the moment its dependencies are met; its
/// runs change through `withTask`.
extension Supervised {
    /// Its runs under way (none for other kinds).
    var runs: [TaskRuns.Run] {
        if case .scheduled(let task) = state { return task.runs }
        return []
    }

    /// When its next run is due, unless it is stopping or has none left.
    var nextRun: WallTime? {
        if case .scheduled(let task) = state, task.stop == nil { return task.next }
        return nil
    }

    /// Whether a run is due at `wall`: then the next is planned after `wall` (runs missed
    /// meanwhile make none), and the runs under way are returned.
    mutating func takeDueRun(at wall: WallTime) -> Int? {
        guard let due = nextRun, due <= wall else { return nil }
        let settings = spec.task
        var running = 0
        withTask { task in
            task.next = settings.runTime(after: wall, anchor: task.anchor)
            running = task.runs.count
        }
        return running
    }

    /// A run started as `pid`, at `now` and `wall`: its time limit counts from here.
    mutating func runStarted(pid: Int32, at now: Instant, wall: WallTime) {
        let limit = spec.task.timeLimit
        withTask { $0.runs.append(TaskRuns.Run(pid: pid, startedAt: now, deadline: limit.map { now + $0 })) }
        recordRun(at: wall)
    }

    /// Whether `pid` is one of its runs.
    func hasRun(_ pid: Int32) -> Bool {
        runs.contains { $0.pid == pid }
    }

    /// The wall clock jumped by `jump` and reads `wall`: `@every` keeps counting elapsed time,
    /// and a calendar's next run is the earlier of the one planned and the first after `wall`.
    mutating func clockSet(jump: Int64, wall: WallTime) {
        let every = spec.task.schedule?.isInterval == true
        let settings = spec.task
        withTask { task in
            if every {
                task.anchor += jump
                task.next = settings.runTime(after: wall, anchor: task.anchor)
            } else if let first = settings.runTime(after: wall, anchor: task.anchor) {
                task.next = min(task.next ?? first, first)
            }
        }
    }
}
