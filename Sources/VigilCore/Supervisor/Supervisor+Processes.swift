import CLinux

/// The init tasks and sidecars: their starts, exits and restarts.
extension Supervisor {
    /// The runtime started process `index` (`pid`), or could not (`errno`).
    mutating func processStarted(_ index: Int, pid: Int32?, errno: Int32, at now: Instant) -> [SupervisorAction] {
        guard processes.indices.contains(index) else { return [] }
        if processes[index].spec.isSupervisord { return supervisordSpawned(index, pid: pid, errno: errno, at: now) }
        let spec = processes[index].spec
        if spec.kind == .task { return taskSpawned(index, pid: pid, errno: errno, at: now) }
        guard let pid else {
            processes[index].couldNotStart()
            let state = ChildState.exited(code: policy.exitCodes.forSpawnFailure(errno: errno))
            return [.note(.cannotStart(name: spec.name, program: spec.command.first ?? "", errno: errno))]
                + exited(index, state, startedAt: now, at: now)
        }
        processes[index].started(pid: pid, at: now)
        guard case .starting = processes[index].state else { return [] }
        if case .notify = spec.readiness { return [] }
        return dueChecks(at: now)
    }

    /// processes[index] was reaped with `how`.
    mutating func processExited(_ index: Int, _ how: ChildState, at now: Instant) -> [SupervisorAction] {
        if processes[index].spec.isSupervisord { return supervisordProcessExited(index, how, at: now) }
        let actions = processes[index].dropAttempt(planNext: false)
        let startedAt = processes[index].recordExit(how.exitCode ?? 0, at: now)
        if let after = processes[index].stopEnded() {
            if case .liveFailure(let started) = after, !ending {
                return actions + exited(index, how, startedAt: started, at: now, failedLiveness: true)
            }
            return actions + afterStop(index, after, at: now)
        }
        return actions + exited(index, how, startedAt: startedAt ?? now, at: now)
    }

    /// A stop of processes[index] ended (it is gone, or outlived SIGKILL's wait): the next
    /// process's turn, or, for `vigil restart`, its start again.
    mutating func afterStop(_ index: Int, _ after: Supervised.AfterStop, at now: Instant) -> [SupervisorAction] {
        switch after {
        case .restart where !ending: return processes[index].start(at: now)
        case .liveFailure(let started) where !ending:
            return exited(index, .killed(signal: SIGKILL, coreDumped: false), startedAt: started, at: now, failedLiveness: true)
        default: return stopWhatMayStop(at: now)
        }
    }

    /// processes[index] is gone, with `how`, after running since `startedAt`: restarted,
    /// done, or down for good, and what that means for the rest. A process stopped for failing
    /// its liveness check counts as failed, with the liveness failure's code.
    mutating func exited(
        _ index: Int, _ how: ChildState, startedAt: Instant, at now: Instant, failedLiveness: Bool = false
    ) -> [SupervisorAction] {
        let spec = processes[index].spec
        let code = failedLiveness ? policy.exitCodes.livenessFailure : how.exitCode ?? 0
        if case .stoppingProcesses = phase {
            processes[index].end(failed: false)
            return stopWhatMayStop(at: now)
        }
        if spec.kind == .initTask {
            if code == 0 {
                processes[index].end(failed: false)
                // my_init reads /etc/container_environment again after each startup file.
                return spec.importsContainerEnvironment ? [.runit(.importEnvironment)] : []
            }
            processes[index].end(failed: true)
            let cause = Ending.initFailed(name: spec.name, how: how)
            return [.note(.initFailed(name: spec.name, how: how))] + endWith(failureCode(code), cause, at: now)
        }
        if !ending && processes[index].restartsAfter(exitCode: code, ran: now - startedAt) {
            let delay = processes[index].backOff(startedAt: startedAt, at: now)
            let note = SupervisorAction.note(.exited(name: spec.name, how: how, restartIn: delay))
            return delay == 0 ? [note] + processes[index].start(at: now) : [note]
        }
        processes[index].end(failed: !ending)
        if ending { return [] }
        let note = SupervisorAction.note(.failed(name: spec.name, how: how, required: spec.required))
        if spec.required {
            let cause: Ending = failedLiveness ? .livenessFailed(name: spec.name) : .requiredFailed(name: spec.name, how: how)
            return [note] + endWith(code, cause, at: now)
        }
        // Not required: the rest carries on; what waited for it starts without it.
        return [note]
    }

    /// Something other than the main child decided how vigil ends (a failed init task, a
    /// required sidecar down for good, the main's liveness): the main child is asked to stop,
    /// then the rest. `bounded`: it is SIGKILLed after `--kill-after`, or after the grace when
    /// there is none (a process that fails its liveness check may not stop by itself).
    mutating func endWith(_ code: Int32, _ cause: Ending, at now: Instant, bounded: Bool = false) -> [SupervisorAction] {
        if exitOverride == nil { exitOverride = code }
        end(cause, at: now)
        switch phase {
        case .running(var child):
            guard !child.stopRequested else { return [] }
            child.stopRequested = true
            child.live = nil
            if let killAfter = policy.killAfter ?? (bounded ? policy.grace : nil) { child.killDeadline = now + killAfter }
            phase = .running(child)
            let signal = policy.mainStopSignal
            return [.send(signal: signal, to: target(child))]
                + (continuesAfterStopping(signal) ? [.send(signal: SIGCONT, to: target(child))] : [])
        case .bringingUp, .pausing, .starting:
            return beginShutdown(exitCode: exitOverride ?? code, stopRequested: false, hurry: false, at: now)
        case .stoppingProcesses, .draining, .killing, .exited:
            return []
        }
    }
}
