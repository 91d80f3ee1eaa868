import CLinux

/// Readiness checks of sidecars: attempts, their results, and `READY=1`.
extension Supervisor {
    /// An exec check's process started (nil: it could not; the attempt failed).
    mutating func checkStarted(_ index: Int, pid: Int32?, at now: Instant) -> [SupervisorAction] {
        guard processes.indices.contains(index), case .starting = processes[index].state else { return [] }
        if let pid {
            processes[index].checkStarted(pid: pid)
            return []
        }
        return attemptEnded(index, passed: false, at: now)
    }

    /// One readiness attempt ended: passed, failed (try again shortly), or nil (still going).
    mutating func attemptEnded(_ index: Int, passed: Bool?, at now: Instant) -> [SupervisorAction] {
        guard processes.indices.contains(index), case .starting = processes[index].state else { return [] }
        if passed == true { return becameReady(index, at: now) }
        processes[index].attemptFailed(stillGoing: passed == nil, retryAt: now + retryInterval(index, at: now))
        return []
    }

    /// After a failed attempt of processes[index]'s readiness check: soon at first, then up
    /// to `Policy.longestCheckInterval`.
    func retryInterval(_ index: Int, at now: Instant) -> Int64 {
        processes[index].retryInterval(at: now, shortest: policy.checkInterval, longest: policy.longestCheckInterval)
    }

    /// `READY=1` arrived on process `index`'s notify socket from `sender` (in process group
    /// `senderGroup`). Only the process itself, or one in its process group, can make it ready.
    mutating func readyNotified(_ index: Int, sender: Int32, senderGroup: Int32, at now: Instant) -> [SupervisorAction] {
        guard processes.indices.contains(index), case .starting(let pid, _, _) = processes[index].state,
              sender > 0, sender == pid || senderGroup == pid
        else { return [] }
        return becameReady(index, at: now)
    }

    mutating func becameReady(_ index: Int, at now: Instant) -> [SupervisorAction] {
        processes[index].becameReady(at: now)
        return processes[index].spec.readiness == nil ? [] : [.note(.ready(name: processes[index].spec.name))]
    }

    /// Readiness attempts that are due.
    mutating func dueChecks(at now: Instant) -> [SupervisorAction] {
        var actions: [SupervisorAction] = []
        for index in processes.indices {
            if let readiness = processes[index].dueAttempt(at: now) { actions.append(.check(process: index, readiness)) }
        }
        return actions
    }
}
