import CLinux

/// A starting sidecar's readiness check: its attempts, their deadlines, and dropping one. The
/// transitions change the check in the `starting` state through `withCheck`.
extension Supervised {
    /// A polling check's attempt is due at `now`: the check to run, or nil.
    mutating func dueAttempt(at now: Instant) -> ProcessSpec.Readiness? {
        guard let readiness = spec.readiness else { return nil }
        let timeout = spec.readyTimeout
        let due = withCheck { check -> Bool in
            guard check.attempt?.pid == nil, let next = check.nextAttempt, next <= now else { return false }
            check.nextAttempt = nil
            // A tcp attempt still connecting keeps its deadline across looks.
            if check.attempt == nil { check.attempt = Attempt(deadline: now + timeout) }
            return true
        }
        return due == true ? readiness : nil
    }

    /// The exec check's process started.
    mutating func checkStarted(pid checkPID: Int32) {
        withCheck { $0.attempt?.pid = checkPID }
    }

    /// An attempt failed, or is still going (a tcp connect under way): look again at `next`.
    mutating func attemptFailed(stillGoing: Bool, retryAt next: Instant) {
        withCheck { check in
            if stillGoing { check.attempt?.pid = nil } else { check.attempt = nil }
            check.nextAttempt = next
        }
    }

    /// Forgets the attempt in flight, readiness or liveness: an exec check's process group is
    /// SIGKILLed, a tcp or http check still under way is closed. A check goes with the start
    /// (or the run) it was checking, and one that never ends would otherwise pile up. Without
    /// `planNext`, no next attempt is planned either.
    mutating func dropAttempt(planNext: Bool = true) -> [SupervisorAction] {
        let dropped: Attempt?
        let check: ProcessSpec.Readiness?
        if case .running = state {
            dropped = withLive { $0.drop() } ?? nil
            check = spec.liveness
        } else {
            dropped = withCheck { check -> Attempt? in
                let attempt = check.attempt
                check.attempt = nil
                if !planNext { check.nextAttempt = nil }
                return attempt
            } ?? nil
            check = spec.readiness
        }
        guard let attempt = dropped else { return [] }
        var actions: [SupervisorAction] = []
        if let checkPID = attempt.pid { actions.append(.send(signal: SIGKILL, to: .processGroup(checkPID))) }
        if check?.usesSocket == true { actions.append(.abandonProbe(process: index)) }
        return actions
    }

    /// How long after a failed attempt the next one comes: often at first, so that a process
    /// that is ready soon is seen soon (every `shortest` in the first 200 ms), then less and
    /// less, up to every `longest`.
    func retryInterval(at now: Instant, shortest: Int64, longest: Int64) -> Int64 {
        guard case .starting(_, let since, _) = state else { return longest }
        return min(max((now - since) / 20, shortest), max(longest, shortest))
    }

    /// Not ready by its start deadline: a failed start. It is SIGKILLed, and its exit decides
    /// what follows.
    mutating func startTimedOut(at now: Instant) -> [SupervisorAction] {
        guard let pid, case .starting(_, _, let check) = state, let deadline = check.startDeadline, deadline <= now else {
            return []
        }
        let actions = dropAttempt(planNext: false)
        withCheck { $0.startDeadline = nil }
        return actions + [.note(.startTimedOut(name: spec.name)), .send(signal: SIGKILL, to: .processGroup(pid))]
    }

    /// The attempt in flight outlived its deadline: it failed, and the next one follows at
    /// `next`.
    mutating func attemptTimedOut(at now: Instant, retryAt next: Instant) -> [SupervisorAction] {
        guard case .starting(_, _, let check) = state, let attempt = check.attempt, attempt.deadline <= now else { return [] }
        let actions = dropAttempt()
        attemptFailed(stillGoing: false, retryAt: next)
        return actions + [.note(.checkTimedOut(name: spec.name, after: spec.readyTimeout))]
    }
}
