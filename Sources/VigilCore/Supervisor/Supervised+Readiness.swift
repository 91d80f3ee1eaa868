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

    /// Forgets the attempt in flight: an exec check's process group is SIGKILLed, a tcp check
    /// still connecting is closed. A check goes with the start it was checking, and one that
    /// never ends would otherwise pile up. Without `planNext`, no next attempt is planned either.
    mutating func dropAttempt(planNext: Bool = true) -> [SupervisorAction] {
        let dropped = withCheck { check -> Attempt? in
            let attempt = check.attempt
            check.attempt = nil
            if !planNext { check.nextAttempt = nil }
            return attempt
        }
        guard let dropped, let attempt = dropped else { return [] }
        var actions: [SupervisorAction] = []
        if let checkPID = attempt.pid { actions.append(.send(signal: SIGKILL, to: .processGroup(checkPID))) }
        if case .tcp = spec.readiness { actions.append(.abandonProbe(process: index)) }
        return actions
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
