import CLinux

/// The init tasks and sidecars: bringing them up in order, exits and restarts.
extension Supervisor {
    /// Starts processes[index] if there is one, else the main command (or pause).
    mutating func bringUp(from index: Int, at now: Instant) -> [SupervisorAction] {
        guard index < processes.count else {
            if hasMain { return [.startMain] }
            phase = .pausing
            return []
        }
        phase = .bringingUp(next: index)
        return processes[index].start()
    }

    /// The start order moves on when `index` was the process it waited for.
    mutating func bringUpAfter(_ index: Int, at now: Instant) -> [SupervisorAction] {
        guard case .bringingUp(let next) = phase, next == index else { return [] }
        return bringUp(from: index + 1, at: now)
    }

    /// The runtime started process `index` (`pid`), or could not (`errno`).
    mutating func processStarted(_ index: Int, pid: Int32?, errno: Int32, at now: Instant) -> [SupervisorAction] {
        guard processes.indices.contains(index) else { return [] }
        let spec = processes[index].spec
        guard let pid else {
            processes[index].couldNotStart()
            let state = ChildState.exited(code: policy.exitCodes.forSpawnFailure(errno: errno))
            return [.note(.cannotStart(name: spec.name, program: spec.command.first ?? "", errno: errno))]
                + exited(index, state, startedAt: now, at: now)
        }
        processes[index].started(pid: pid, at: now)
        guard case .starting = processes[index].state else {
            return spec.kind == .sidecar ? becameReady(index, at: now) : []
        }
        if case .notify = spec.readiness { return [] }
        return dueChecks(at: now)
    }

    /// processes[index] was reaped with `how`.
    mutating func processExited(_ index: Int, _ how: ChildState, at now: Instant) -> [SupervisorAction] {
        let actions = processes[index].dropAttempt(planNext: false)
        let startedAt = processes[index].recordExit(how.exitCode ?? 0, at: now)
        if let after = processes[index].stopEnded() { return actions + afterStop(index, after, at: now) }
        return actions + exited(index, how, startedAt: startedAt ?? now, at: now)
    }

    /// A stop of processes[index] ended (it is gone, or outlived SIGKILL's wait): the next
    /// process's turn, or, for `vigil restart`, its start again.
    mutating func afterStop(_ index: Int, _ after: Supervised.AfterStop, at now: Instant) -> [SupervisorAction] {
        after == .restart && !ending ? processes[index].start() : stopNextProcess(at: now)
    }

    /// processes[index] is gone, with `how`, after running since `startedAt`: restarted,
    /// done, or down for good, and what that means for the rest.
    mutating func exited(_ index: Int, _ how: ChildState, startedAt: Instant, at now: Instant) -> [SupervisorAction] {
        let spec = processes[index].spec
        let code = how.exitCode ?? 0
        if case .stoppingProcesses = phase {
            processes[index].end(failed: false)
            return []
        }
        if spec.kind == .initTask {
            if code == 0 {
                processes[index].end(failed: false)
                return bringUpAfter(index, at: now)
            }
            processes[index].end(failed: true)
            return [.note(.initFailed(name: spec.name, how: how))] + endWith(code, at: now)
        }
        if !ending && processes[index].restartsAfter(exitCode: code, ran: now - startedAt) {
            let delay = processes[index].backOff(startedAt: startedAt, at: now)
            let note = SupervisorAction.note(.exited(name: spec.name, how: how, restartIn: delay))
            return delay == 0 ? [note] + processes[index].start() : [note]
        }
        processes[index].end(failed: !ending)
        if ending { return [] }
        let note = SupervisorAction.note(.failed(name: spec.name, how: how, required: spec.required))
        if spec.required { return [note] + endWith(code, at: now) }
        // Not required: the rest carries on; the start-up too, if it waited on this one.
        return [note] + bringUpAfter(index, at: now)
    }

    /// Something other than the main child decided how vigil ends (a failed init task, a
    /// required sidecar down for good): the main child is asked to stop, then the rest.
    mutating func endWith(_ code: Int32, at now: Instant) -> [SupervisorAction] {
        if exitOverride == nil { exitOverride = code }
        ending = true
        switch phase {
        case .running(var child):
            guard !child.stopRequested else { return [] }
            child.stopRequested = true
            if let killAfter = policy.killAfter { child.killDeadline = now + killAfter }
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
