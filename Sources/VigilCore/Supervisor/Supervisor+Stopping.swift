import CLinux

/// The stop: supervised processes one at a time in reverse start order within the grace
/// period, then what is left, then SIGKILL.
extension Supervisor {
    mutating func beginShutdown(
        exitCode: Int32, stopRequested: Bool, hurry: Bool, at now: Instant
    ) -> [SupervisorAction] {
        let shutdown = Shutdown(deadline: now + policy.grace, exitCode: exitCode, stopRequested: stopRequested)
        if hurry {
            for index in processes.indices where processes[index].isAlive { processes[index].state = .exited }
            return kill(.repeatedStopRequest, shutdown, at: now)
        }
        for index in processes.indices {
            switch processes[index].state {
            case .backingOff, .waiting: processes[index].state = .exited
            default: break
            }
        }
        phase = .stoppingProcesses(shutdown)
        return stopNextProcess(at: now)
    }

    /// Stops the last supervised process that is still alive (reverse start order), or, when
    /// none is, moves on to what is left.
    mutating func stopNextProcess(at now: Instant) -> [SupervisorAction] {
        guard case .stoppingProcesses(let shutdown) = phase else { return [] }
        // One at a time: wait while one is stopping.
        if processes.contains(where: { if case .stopping = $0.state { return true }; return false }) { return [] }
        guard let index = processes.lastIndex(where: { $0.isAlive }), let pid = processes[index].pid else {
            return startDraining(shutdown, at: now)
        }
        let signal = processes[index].spec.stopSignal ?? policy.stopSignal
        processes[index].state = .stopping(pid: pid, deadline: stopDeadline(now, index, afterKill: false), killed: false)
        var actions: [SupervisorAction] = dropCheck(index)
        actions += [.note(.stopping(name: processes[index].spec.name, signal: signal)), .send(signal: signal, to: .processGroup(pid))]
        if continuesAfterStopping(signal) { actions.append(.send(signal: SIGCONT, to: .processGroup(pid))) }
        return actions
    }

    /// When processes[index] is SIGKILLed: after its own grace, within the whole grace period.
    /// After SIGKILL it has the kill wait, still within the grace period.
    func stopDeadline(_ now: Instant, _ index: Int, afterKill: Bool) -> Instant {
        guard case .stoppingProcesses(let shutdown) = phase else { return now }
        let share = afterKill ? policy.killWait : processes[index].spec.grace ?? policy.grace
        return min(now + share, shutdown.deadline)
    }

    mutating func startDraining(_ shutdown: Shutdown, at now: Instant) -> [SupervisorAction] {
        if policy.grace <= 0 { return kill(.noGracePeriod, shutdown, at: now) }
        if now >= shutdown.deadline { return kill(.graceExpired(policy.grace), shutdown, at: now) }
        phase = .draining(shutdown)
        return [.signalLeftovers(signal: policy.stopSignal)]
            + (continuesAfterStopping(policy.stopSignal) ? [.signalLeftovers(signal: SIGCONT)] : [])
    }

    mutating func kill(_ reason: KillReason, _ shutdown: Shutdown, at now: Instant) -> [SupervisorAction] {
        var shutdown = shutdown
        shutdown.deadline = now + policy.killWait
        phase = .killing(shutdown)
        return [.killLeftovers(reason: reason)]
    }

    /// A stopped process cannot handle a stop signal until it is continued: in vigil's own
    /// stop, CONT follows it at once, as systemd does. tini and dumb-init send none.
    func continuesAfterStopping(_ signal: Int32) -> Bool {
        policy.mainChildExit == .stopTheRest && signal != SIGKILL && signal != SIGCONT && signal != SIGSTOP
    }

    func target(_ child: MainChild) -> SignalTarget {
        policy.forwardToGroup ? .processGroup(child.pid) : .process(child.pid)
    }
}
