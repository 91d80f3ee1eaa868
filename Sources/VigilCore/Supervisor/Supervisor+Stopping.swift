import CLinux

/// The stop: supervised processes as the dependency graph allows (without declarations, one
/// at a time in reverse start order) within the grace period, then what is left, then SIGKILL.
extension Supervisor {
    mutating func beginShutdown(
        exitCode: Int32, stopRequested: Bool, hurry: Bool, at now: Instant
    ) -> [SupervisorAction] {
        let shutdown = Shutdown(deadline: shutdownDeadline(at: now), exitCode: exitCode, stopRequested: stopRequested)
        if hurry {
            endAliveProcesses()
            return kill(.repeatedStopRequest, shutdown, at: now)
        }
        announceStopping()
        let gaveUp = supervisordGiveUpBackoffs()
        for index in processes.indices {
            switch processes[index].state {
            case .backingOff, .waiting, .pending: processes[index].end(failed: false)
            case .scheduled where !processes[index].isAlive: processes[index].end(failed: false)
            default: break
            }
        }
        phase = .stoppingProcesses(shutdown)
        return gaveUp + afterRunit(runit.beginShutdown(at: now), at: now) + stopWhatMayStop(at: now)
    }

    /// Stops every supervised process still alive that nothing alive waits for (directly or
    /// through others), all at once; or, when none is alive, moves on to what is left. After a
    /// recovery under my_init, the adopted processes stop in the services' step.
    mutating func stopWhatMayStop(at now: Instant) -> [SupervisorAction] {
        guard case .stoppingProcesses(let shutdown) = phase, runit.isShutDown || runit.stopsAdoptedServices else { return [] }
        guard processes.contains(where: { $0.isAlive }) else {
            if runit.stopsAdoptedServices { return afterRunit(runit.adoptedServicesStopped(at: now), at: now) }
            return startDraining(shutdown, at: now)
        }
        var actions: [SupervisorAction] = []
        // supervisord stops a group's processes by descending priority.
        let order = policy.followsSupervisord ? Array(processes.indices.reversed()) : Array(processes.indices)
        for index in order where processes[index].isAlive && !processes[index].isStopping {
            guard !graph.dependents(of: index).contains(where: { processes[$0].isAlive }), !waitsForLaterGroups(index) else { continue }
            if policy.followsSupervisord, sendsEventsBeforeStopping(index, at: now) { continue }
            actions += stop(index, then: .shutdown, deadline: stopDeadline(now, index, afterKill: false))
        }
        return actions
    }

    /// Stops processes[index] with its own stop signal; SIGKILL at `deadline`.
    mutating func stop(_ index: Int, then next: Supervised.AfterStop, deadline: Instant) -> [SupervisorAction] {
        let signal = processes[index].spec.stopSignal ?? policy.stopSignal
        return processes[index].stop(with: signal, deadline: deadline, then: next, continues: continuesAfterStopping(signal))
    }

    /// When processes[index] is SIGKILLed: after its own grace, within the whole grace period.
    /// After SIGKILL it has the kill wait, still within the grace period. Outside the
    /// container's stop (`vigil stop`), its own grace alone, and no wait after SIGKILL.
    func stopDeadline(_ now: Instant, _ index: Int, afterKill: Bool) -> Instant {
        guard case .stoppingProcesses(let shutdown) = phase else {
            // A supervisord process stays STOPPING until it is reaped: SIGKILL gets its wait too.
            let killWait = processes[index].spec.isSupervisord ? policy.killWait : 0
            return afterKill ? now + killWait : now + (processes[index].spec.grace ?? policy.grace)
        }
        let share = afterKill ? policy.killWait : processes[index].spec.grace ?? policy.grace
        return min(now + share, shutdown.deadline)
    }

    mutating func startDraining(_ shutdown: Shutdown, at now: Instant) -> [SupervisorAction] {
        // my_init's --no-kill-all-on-exit: what is left stays (as PID 1, the kernel ends it).
        if !policy.drainsLeftovers {
            phase = .exited
            return [.exit(code: shutdown.exitCode)]
        }
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
}
