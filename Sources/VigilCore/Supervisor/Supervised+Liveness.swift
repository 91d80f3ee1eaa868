import CLinux

/// A running process's liveness check: its attempts and their verdicts. The transitions change
/// the check in the `running` state through `withLive`.
extension Supervised {
    /// A liveness attempt due at `now`: the check to run, or nil.
    mutating func dueLiveAttempt(at now: Instant) -> ProcessSpec.Readiness? {
        guard let check = spec.liveness else { return nil }
        let timeout = spec.liveTimeout
        return withLive { $0.due(at: now, timeout: timeout) } == true ? check : nil
    }

    /// The liveness attempt's exec check started as `pid`.
    mutating func liveAttemptStarted(pid checkPID: Int32) {
        withLive { $0.started(pid: checkPID) }
    }

    /// The liveness attempt in flight ended; nil when none was.
    mutating func liveAttemptEnded(passed: Bool, at now: Instant) -> LiveCheck.Outcome? {
        let period = spec.livePeriod
        let limit = spec.liveFailures
        guard withLive({ $0.attempt != nil }) == true else { return nil }
        return withLive { $0.ended(passed: passed, at: now, period: period, limit: limit) }
    }

    /// The liveness attempt in flight outlived its timeout: it is given up (its exec check's
    /// group SIGKILLed, its socket closed) and counts as failed.
    mutating func liveAttemptTimedOut(at now: Instant) -> (actions: [SupervisorAction], verdict: LiveCheck.Outcome?) {
        guard withLive({ $0.isOverdue(at: now) }) == true, let check = spec.liveness else { return ([], nil) }
        let attempt = withLive { $0.attempt } ?? nil
        var actions: [SupervisorAction] = []
        if let checkPID = attempt?.pid { actions.append(.send(signal: SIGKILL, to: .processGroup(checkPID))) }
        if check.usesSocket { actions.append(.abandonProbe(process: index)) }
        return (actions, liveAttemptEnded(passed: false, at: now))
    }

    /// The liveness check as `vigil status` shows it: its result and failures in a row.
    var liveStatus: (result: String, failures: Int)? {
        guard spec.liveness != nil else { return nil }
        if case .running(_, _, let live?) = state { return (live.result, live.failures) }
        return ("pending", 0)
    }
}
