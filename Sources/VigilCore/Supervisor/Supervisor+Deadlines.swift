import CLinux

/// What comes due with time: restarts after their backoff, stops that ran out of grace,
/// readiness checks, scheduled tasks' runs and time limits, and the phase's own deadline.
extension Supervisor {
    mutating func deadlinePassed(_ now: Instant) -> [SupervisorAction] {
        var actions: [SupervisorAction] = []
        for index in processes.indices { actions += processDeadline(index, at: now) }
        actions += dueChecks(at: now) + mainLiveDeadline(at: now) + dueLiveChecks(at: now) + dueRuns() + runitDeadlines(at: now)
        if let due = drainDeadline, due <= now { actions += stopWhatMayStop(at: now) }
        guard let deadline = phaseDeadline, now >= deadline else { return actions }
        switch phase {
        case .running(var child):
            child.killDeadline = nil
            phase = .running(child)
            killedAtGraceEnd.append(mainSpec.name)
            return actions + [.send(signal: SIGKILL, to: target(child))]
        case .stoppingProcesses(let shutdown):
            // The grace period is over: whatever supervised process is left is killed with the rest.
            endAliveProcesses()
            return actions + kill(.graceExpired(policy.grace), shutdown, at: now)
        case .draining(let shutdown):
            return actions + kill(.graceExpired(policy.grace), shutdown, at: now)
        case .killing(let shutdown):
            phase = .exited
            return actions + [.reportStragglers(after: policy.killWait), .exit(code: shutdown.exitCode)]
        case .starting, .bringingUp, .pausing, .exited:
            return actions
        }
    }

    private mutating func processDeadline(_ index: Int, at now: Instant) -> [SupervisorAction] {
        switch processes[index].state {
        case .backingOff(let until) where until <= now:
            return ending ? [] : processes[index].start(at: now)
        case .stopping(_, let deadline, let killed, _) where deadline <= now:
            guard killed else {
                if ending { killedAtGraceEnd.append(processes[index].spec.name) }
                return processes[index].kill(waitUntil: stopDeadline(now, index, afterKill: true))
            }
            // Not gone even after SIGKILL: the next one's turn anyway.
            guard let after = processes[index].stopEnded() else { return [] }
            return afterStop(index, after, at: now)
        case .starting:
            if processes[index].spec.isSupervisord { return supervisordStartLasted(index, at: now) }
            let timedOut = processes[index].startTimedOut(at: now)
            if !timedOut.isEmpty { return timedOut }
            return processes[index].attemptTimedOut(at: now, retryAt: now + retryInterval(index, at: now))
        case .running:
            let (actions, verdict) = processes[index].liveAttemptTimedOut(at: now)
            return actions + liveVerdict(index, verdict, at: now)
        case .scheduled:
            return taskDeadlines(index, at: now)
        default:
            return []
        }
    }
}
