/// What others read of a process's state: its name in `vigil status`, and when it next needs
/// the supervisor without any event.
extension Supervised {
    /// The state's name for `vigil status`.
    var stateName: String {
        switch state {
        case .pending, .waiting: return "waiting"
        case .starting: return "starting"
        case .running: return spec.readiness == nil ? "running" : "ready"
        case .backingOff: return "backing-off"
        case .stopping: return "stopping"
        case .exited: return "exited"
        case .failed: return "failed"
        case .held: return "stopped"
        case .scheduled(let task): return task.stop != nil ? "stopping" : task.runs.isEmpty ? "scheduled" : "running"
        }
    }

    /// When this process next needs the supervisor without any event.
    var deadline: Instant? {
        switch state {
        case .backingOff(let until): return until
        case .stopping(_, let deadline, _, _): return deadline
        case .running(_, _, let live): return live?.deadline
        case .scheduled(let task): return task.deadline
        case .starting(_, _, let check):
            var earliest: Instant? = nil
            for time in [check.startDeadline, check.nextAttempt, check.attempt?.deadline, check.runningAt] {
                if let time { earliest = min(earliest ?? time, time) }
            }
            return earliest
        default: return nil
        }
    }
}
