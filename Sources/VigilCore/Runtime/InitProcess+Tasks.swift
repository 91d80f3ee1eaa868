/// Scheduled tasks in the loop: the timer armed for the earliest due run, what it says when
/// it rings, and the log lines of tasks' notes.
extension InitProcess {
    /// Arms the timer for the supervisor's earliest due run, when that changed. Returns the
    /// timer while it is armed (the loop polls it), nil otherwise.
    mutating func armTimer() -> WallTimer? {
        guard let timer else { return nil }
        let due = supervisor.wallDeadline
        if due != timerArmedAt {
            if let error = timer.arm(at: due) { log.error("cannot arm the timer of scheduled tasks: \(error.description)") }
            timerArmedAt = due
        }
        return timerArmedAt == nil ? nil : timer
    }

    /// The timer is readable: runs are due, or the wall clock was set (the timer must then be
    /// armed again, even for the same time).
    mutating func timerRang(_ timer: WallTimer) -> Int32? {
        switch timer.read() {
        case .expired: return handle(.deadline)
        case .clockSet:
            timerArmedAt = nil
            return handle(.wallClockSet)
        case .nothing: return nil
        }
    }

    func report(_ note: TaskNote) {
        switch note {
        case .runEnded(let name, let pid, let how, let stopsAll):
            let line: LogText = "\(name): run \(pid) \(describe(how))"
            if stopsAll { log.error(line + "; the task is required: stopping everything") }
            else if how.exitCode == 0 { log.info(line) }
            else { log.warning(line) }
        case .runSkipped(let name, let running, let skipped):
            let runs: LogText = running == 1 ? "the previous run is" : "\(running) runs are"
            log.warning("\(name): a run is due while \(runs) still going; skipped (\(skipped) so far)")
        case .timeLimit(let name, let pid, let limit, let signal):
            log.warning("\(name): run \(pid) still going after its time limit of \(Durations.format(limit)); stopping it with \(SignalNames.name(of: signal))")
        case .clockSet(let jump):
            log.info("the wall clock was set, \(Durations.format(Int64(clamping: jump.magnitude))) \(jump < 0 ? "back" : "forward"); next runs computed again")
        }
    }
}
