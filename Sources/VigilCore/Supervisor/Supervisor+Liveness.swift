import CLinux

/// Liveness checks of ready sidecars and of the main process: their attempts, their verdicts,
/// and what a check that fails too often means. A sidecar is stopped with its stop signal,
/// SIGKILLed after its grace, and restarted by its policy; the main process is stopped, and
/// vigil exits with `ExitCodes.livenessFailure`.
extension Supervisor {
    /// Liveness attempts that are due, the main process's included. None once vigil is ending.
    mutating func dueLiveChecks(at now: Instant) -> [SupervisorAction] {
        guard !ending else { return [] }
        var actions: [SupervisorAction] = []
        for index in processes.indices {
            if let check = processes[index].dueLiveAttempt(at: now) { actions.append(.check(process: index, check)) }
        }
        if case .running(var child) = phase, var live = child.live, let check = mainSpec.liveness,
           live.due(at: now, timeout: mainSpec.liveTimeout) {
            child.live = live
            phase = .running(child)
            actions.append(.check(process: Supervisor.mainIndex, check))
        }
        return actions
    }

    /// The main process's liveness attempt in flight outlived its timeout: a failure.
    mutating func mainLiveDeadline(at now: Instant) -> [SupervisorAction] {
        guard case .running(let child) = phase, let live = child.live, live.isOverdue(at: now),
              let check = mainSpec.liveness else { return [] }
        var actions: [SupervisorAction] = []
        if let checkPID = live.attempt?.pid { actions.append(.send(signal: SIGKILL, to: .processGroup(checkPID))) }
        if check.usesSocket { actions.append(.abandonProbe(process: Supervisor.mainIndex)) }
        return actions + mainLiveAttemptEnded(passed: false, at: now)
    }

    /// A liveness attempt of processes[index] ended.
    mutating func liveAttemptEnded(_ index: Int, passed: Bool, at now: Instant) -> [SupervisorAction] {
        liveVerdict(index, processes[index].liveAttemptEnded(passed: passed, at: now), at: now)
    }

    /// What a verdict on processes[index]'s liveness means: after too many failures in a row,
    /// it is stopped, and restarted by its policy once it is gone.
    mutating func liveVerdict(_ index: Int, _ verdict: LiveCheck.Outcome?, at now: Instant) -> [SupervisorAction] {
        guard let verdict, !ending, case .running(_, let since, _) = processes[index].state else { return [] }
        let spec = processes[index].spec
        switch verdict {
        case .passed: return []
        case .failed(let failures):
            return failures == 1 ? [.note(.liveFailing(name: spec.name, of: spec.liveFailures))] : []
        case .failedTooOften(let failures):
            let note = SupervisorAction.note(.liveFailed(name: spec.name, failures: failures, main: false))
            return [note] + stop(index, then: .liveFailure(startedAt: since), deadline: stopDeadline(now, index, afterKill: false))
        }
    }

    /// A liveness attempt of the main process ended.
    mutating func mainLiveAttemptEnded(passed: Bool, at now: Instant) -> [SupervisorAction] {
        guard !ending, case .running(var child) = phase, var live = child.live, live.attempt != nil else { return [] }
        let verdict = live.ended(passed: passed, at: now, period: mainSpec.livePeriod, limit: mainSpec.liveFailures)
        child.live = live
        phase = .running(child)
        switch verdict {
        case .passed: return []
        case .failed(let failures):
            return failures == 1 ? [.note(.liveFailing(name: mainSpec.name, of: mainSpec.liveFailures))] : []
        case .failedTooOften(let failures):
            let note = SupervisorAction.note(.liveFailed(name: mainSpec.name, failures: failures, main: true))
            return [note] + endWith(policy.exitCodes.livenessFailure, .livenessFailed(name: mainSpec.name), at: now, bounded: true)
        }
    }

    /// A check's process started (`pid`; nil: it could not, and the attempt failed), for a
    /// liveness attempt of `index` (the main process: `mainIndex`).
    mutating func liveCheckStarted(_ index: Int, pid: Int32?, at now: Instant) -> [SupervisorAction] {
        guard let pid else { return liveCheckEnded(index, passed: false, at: now) }
        if index == Supervisor.mainIndex {
            if case .running(var child) = phase, child.live != nil {
                child.live?.started(pid: pid)
                phase = .running(child)
            }
        } else {
            processes[index].liveAttemptStarted(pid: pid)
        }
        return []
    }

    /// A liveness attempt of `index` (or of the main process) ended.
    mutating func liveCheckEnded(_ index: Int, passed: Bool, at now: Instant) -> [SupervisorAction] {
        index == Supervisor.mainIndex ? mainLiveAttemptEnded(passed: passed, at: now) : liveAttemptEnded(index, passed: passed, at: now)
    }

    /// Whether a check of `index` is a liveness check: the main process's, or a running one's.
    func isLiveCheck(_ index: Int) -> Bool {
        if index == Supervisor.mainIndex { return true }
        guard processes.indices.contains(index), case .running = processes[index].state else { return false }
        return true
    }

    /// The main process's exec liveness check, if `pid` is it.
    func isMainLiveCheck(_ pid: Int32) -> Bool {
        if case .running(let child) = phase, let checkPID = child.live?.attempt?.pid { return checkPID == pid }
        return false
    }
}
