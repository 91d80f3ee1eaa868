import CLinux

/// The processes of a supervisord configuration: their spawns, exits and the start of their
/// RUNNING state, as supervisord decides them (`Supervised+Supervisord`), and what a required
/// one (`vigil_required`) going down for good means for the container.
extension Supervisor {
    /// The runtime started supervisord process `index` (`pid`), or could not (`errno`).
    mutating func supervisordSpawned(_ index: Int, pid: Int32?, errno: Int32, at now: Instant) -> [SupervisorAction] {
        guard let pid else {
            let actions = processes[index].supervisordSpawnFailed(errno: errno, at: now)
            return actions + downForGood(index, code: policy.exitCodes.forSpawnFailure(errno: errno), at: now)
        }
        processes[index].started(pid: pid, at: now)
        listeners.started(process: index)
        return [.note(.supervisord(.spawned(name: processes[index].spec.name, pid: pid)))]
    }

    /// Supervisord process `index` was reaped with `how`.
    mutating func supervisordProcessExited(_ index: Int, _ how: ChildState, at now: Instant) -> [SupervisorAction] {
        listeners.exited(process: index)
        let (actions, outcome) = processes[index].supervisordExited(how, restarting: !ending, at: now)
        switch outcome {
        case .stopped(let after):
            guard let after else { return actions }
            return actions + afterStop(index, after, at: now)
        case .backedOff:
            if ending { return actions + stopWhatMayStop(at: now) }
            return actions + downForGood(index, code: how.exitCode ?? 0, at: now)
        case .exited(let restarts):
            if ending { return actions + stopWhatMayStop(at: now) }
            return restarts ? actions : actions + downForGood(index, code: how.exitCode ?? 0, at: now)
        }
    }

    /// A required process that is now FATAL, or EXITED for good, stops the container with
    /// `code` (vigil's `--required`, opted into with `vigil_required=true`).
    private mutating func downForGood(_ index: Int, code: Int32, at now: Instant) -> [SupervisorAction] {
        guard let rule = processes[index].spec.supervisord, rule.required, !ending else { return [] }
        let state = processes[index].record.state
        guard state == .fatal || state == .exited else { return [] }
        let name = processes[index].spec.name
        let how = ChildState.exited(code: code)
        return [.note(.failed(name: name, how: how, required: true))] + endWith(code, .requiredFailed(name: name, how: how), at: now)
    }

    /// A starting supervisord process whose `startsecs` have passed: RUNNING.
    mutating func supervisordStartLasted(_ index: Int, at now: Instant) -> [SupervisorAction] {
        guard case .starting(_, _, let check) = processes[index].state, let due = check.runningAt, due <= now else { return [] }
        return processes[index].supervisordRunning(at: now)
    }

    /// At the start of the stop: what backs off gives up (FATAL), as supervisord's `stop_all`.
    mutating func supervisordGiveUpBackoffs() -> [SupervisorAction] {
        var actions: [SupervisorAction] = []
        for index in processes.indices where processes[index].spec.isSupervisord {
            if case .backingOff = processes[index].state { actions += processes[index].giveUp() }
        }
        return actions
    }

    /// Whether a supervisord process must wait for its stop: a group after its own in the
    /// start order still has a process alive (supervisord stops one group at a time, the last first).
    func waitsForLaterGroups(_ index: Int) -> Bool {
        guard let rank = processes[index].spec.supervisord?.groupRank else { return false }
        return processes.contains { $0.isAlive && ($0.spec.supervisord?.groupRank ?? Int.min) > rank }
    }

    /// A signal while supervisord processes run with no main command: TERM, INT and QUIT
    /// stop (handled before), USR2 reopens the log files, HUP would reload the configuration
    /// (vigil does not), everything else is ignored, as supervisord ignores it.
    func supervisordSignal(_ signal: Int32) -> [SupervisorAction] {
        if signal == SIGUSR2 { return [.supervisord(.reopenLogs), .note(.supervisord(.logsReopened))] }
        if signal == SIGHUP { return [.note(.supervisord(.reloadRefused))] }
        return []
    }
}
