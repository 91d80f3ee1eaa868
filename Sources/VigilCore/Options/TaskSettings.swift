/// What a scheduled task has that other processes do not: when it runs, in which zone, how
/// many runs at once, and how long a run may take (`--schedule`, `--tz`, `--concurrency`,
/// `--time-limit`, or the same keys in `[task.NAME]`).
struct TaskSettings: Equatable {
    /// When it runs, and in which zone's local time; nil until given: a task without one is
    /// refused before anything starts.
    var schedule: TaskSchedule? = nil
    /// The zone as given (`--tz`, `CRON_TZ` above a crontab line); nil: `CRON_TZ` or `TZ` of
    /// vigil's environment, else UTC. Read into `schedule` before anything starts.
    var zoneName: String? = nil
    /// Runs at once; a run due while this many run is skipped and counted.
    var concurrency = 1
    /// A run still going this long after its start is stopped: its stop signal, then SIGKILL
    /// after its grace. Nil: no limit.
    var timeLimit: Int64? = nil

    /// The most runs at once a task may be given.
    static let mostRuns = 100

    /// The first due time strictly after `wall`; `@every` counts from `anchor`. Nil when the
    /// schedule has no run left (one past 2262 cannot be a `WallTime`).
    @inline(never)
    func runTime(after wall: WallTime, anchor: WallTime) -> WallTime? {
        guard let schedule else { return nil }
        switch schedule.expression.kind {
        case .every(let seconds):
            let interval = seconds * Durations.second
            return anchor + max(1, CivilTime.floorDivide(wall - anchor, interval) + 1) * interval
        case .calendar(let calendar):
            let second = CivilTime.floorDivide(wall, Durations.second)
            guard let run = calendar.nextRun(after: second, in: schedule.zone), run < Int64.max / Durations.second else {
                return nil
            }
            return run * Durations.second
        }
    }
}

/// A task's expression and zone, behind one reference: every start action carries a
/// `ProcessSpec`, which stays small this way.
final class TaskSchedule: Equatable {
    let expression: CronExpression
    let zone: ZoneRules

    init(_ expression: CronExpression, zone: ZoneRules = .utc) {
        self.expression = expression
        self.zone = zone
    }

    /// Whether it is `@every`, which counts elapsed time.
    var isInterval: Bool {
        if case .every = expression.kind { return true }
        return false
    }

    static func == (left: TaskSchedule, right: TaskSchedule) -> Bool {
        left.expression == right.expression && left.zone == right.zone
    }
}
