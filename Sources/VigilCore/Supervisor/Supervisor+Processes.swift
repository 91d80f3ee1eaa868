import CLinux

/// The init tasks and sidecars: bringing them up in order, readiness, exits and restarts.
extension Supervisor {
    /// The runtime started process `index` (`pid`), or could not (`errno`).
    mutating func spawned(_ index: Int, pid: Int32?, errno: Int32 = 0, at now: Instant) -> [SupervisorAction] {
        guard processes.indices.contains(index) else { return [] }
        let spec = processes[index].spec
        guard let pid else {
            processes[index].lastExit = 127
            let state = ChildState.exited(code: policy.exitCodes.forSpawnFailure(errno: errno))
            return [.note(.cannotStart(name: spec.name, program: spec.command.first ?? "", errno: errno))] + exited(index, state, at: now)
        }
        if let readiness = spec.readiness, spec.kind == .sidecar {
            processes[index].state = .starting(pid: pid, since: now)
            processes[index].startDeadline = now + spec.startTimeout
            if case .notify = readiness { return [] }
            processes[index].nextCheck = now
            return dueChecks(at: now)
        }
        processes[index].state = .running(pid: pid, since: now)
        return spec.kind == .sidecar ? becameReady(index, at: now) : []
    }

    /// An exec check's process started (nil: it could not; the attempt failed).
    mutating func checkSpawned(_ index: Int, pid: Int32?, at now: Instant) -> [SupervisorAction] {
        guard processes.indices.contains(index), case .starting = processes[index].state else { return [] }
        if let pid {
            processes[index].checkPID = pid
            return []
        }
        return checkResult(index, passed: false, at: now)
    }

    /// One readiness attempt ended: passed, failed (try again shortly), or nil (still going).
    mutating func checkResult(_ index: Int, passed: Bool?, at now: Instant) -> [SupervisorAction] {
        guard processes.indices.contains(index), case .starting = processes[index].state else { return [] }
        processes[index].checkPID = nil
        // A tcp attempt still connecting (nil) keeps its deadline.
        if passed != nil { processes[index].checkDeadline = nil }
        if passed == true { return becameReady(index, at: now) }
        processes[index].nextCheck = now + policy.checkInterval
        return []
    }

    /// `READY=1` arrived on process `index`'s notify socket from `sender` (in process group
    /// `senderGroup`). Only the process itself, or one in its process group, can make it ready.
    mutating func notified(_ index: Int, sender: Int32, senderGroup: Int32, at now: Instant) -> [SupervisorAction] {
        guard processes.indices.contains(index), case .starting(let pid, _) = processes[index].state,
              sender > 0, sender == pid || senderGroup == pid
        else { return [] }
        return becameReady(index, at: now)
    }

    mutating func becameReady(_ index: Int, at now: Instant) -> [SupervisorAction] {
        if case .starting(let pid, let since) = processes[index].state {
            processes[index].state = .running(pid: pid, since: since)
        }
        processes[index].nextCheck = nil
        processes[index].startDeadline = nil
        processes[index].checkDeadline = nil
        var actions: [SupervisorAction] = processes[index].spec.readiness == nil ? [] : [.note(.ready(name: processes[index].spec.name))]
        if case .bringingUp(let next) = phase, next == index { actions += bringUp(from: index + 1, at: now) }
        return actions
    }

    /// Starts processes[index] if there is one, else the main command (or pause).
    mutating func bringUp(from index: Int, at now: Instant) -> [SupervisorAction] {
        guard index < processes.count else {
            if hasMain { return [.startMain] }
            phase = .pausing
            return []
        }
        phase = .bringingUp(next: index)
        return [.start(process: index, processes[index].spec)]
    }

    /// processes[index] is gone, with `code`.
    mutating func exited(_ index: Int, _ how: ChildState, at now: Instant) -> [SupervisorAction] {
        let spec = processes[index].spec
        let code = how.exitCode ?? 0
        let startedAt: Instant
        switch processes[index].state {
        case .starting(_, let since), .running(_, let since): startedAt = since
        case .stopping(_, _, _) where processes[index].onRequestedStop != nil:
            // Stopped on request: held down, or started again at once; not a failure.
            let request = processes[index].onRequestedStop
            processes[index].onRequestedStop = nil
            processes[index].state = .held
            return request == .restart && !ending ? restart(index, at: now) : stopNextProcess(at: now)
        case .stopping:
            // Stopped as part of the shutdown: the next one's turn.
            processes[index].state = .exited
            return stopNextProcess(at: now)
        default: startedAt = now
        }
        processes[index].nextCheck = nil
        processes[index].startDeadline = nil
        if case .stoppingProcesses = phase {
            processes[index].state = .exited
            return []
        }
        if spec.kind == .initTask {
            if code == 0 {
                processes[index].state = .exited
                if case .bringingUp(let next) = phase, next == index { return bringUp(from: index + 1, at: now) }
                return []
            }
            processes[index].state = .failed
            return [.note(.initFailed(name: spec.name, how: how))] + endWith(code, at: now)
        }
        if !ending && processes[index].restartsAfter(exitCode: code, ran: now - startedAt) {
            let (delay, quick) = processes[index].backoff(startedAt: startedAt, now: now)
            processes[index].quickExits = quick
            processes[index].restarts += 1
            processes[index].restartsInARow = now - startedAt < spec.backoffReset ? processes[index].restartsInARow + 1 : 1
            processes[index].state = .backingOff(until: now + delay)
            let note = SupervisorAction.note(.exited(name: spec.name, how: how, restartIn: delay))
            return delay == 0 ? [note] + restart(index, at: now) : [note]
        }
        processes[index].state = ending ? .exited : .failed
        if ending { return [] }
        let note = SupervisorAction.note(.failed(name: spec.name, how: how, required: spec.required))
        if spec.required { return [note] + endWith(code, at: now) }
        // Not required: the rest carries on; the start-up too, if it waited on this one.
        if case .bringingUp(let next) = phase, next == index { return [note] + bringUp(from: index + 1, at: now) }
        return [note]
    }

    mutating func restart(_ index: Int, at now: Instant) -> [SupervisorAction] {
        processes[index].state = .waiting
        return [.start(process: index, processes[index].spec)]
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

    /// Readiness attempts that are due.
    mutating func dueChecks(at now: Instant) -> [SupervisorAction] {
        var actions: [SupervisorAction] = []
        for index in processes.indices {
            guard case .starting = processes[index].state, processes[index].checkPID == nil,
                  let due = processes[index].nextCheck, due <= now, let readiness = processes[index].spec.readiness
            else { continue }
            processes[index].nextCheck = nil
            if processes[index].checkDeadline == nil { processes[index].checkDeadline = now + processes[index].spec.readyTimeout }
            actions.append(.check(process: index, readiness))
        }
        return actions
    }

    /// Forgets the check in flight: an exec check's process group is SIGKILLed, a tcp check
    /// still connecting is closed. A check goes with the start it was checking, and one that
    /// never ends would otherwise pile up.
    mutating func dropCheck(_ index: Int) -> [SupervisorAction] {
        var actions: [SupervisorAction] = []
        if let pid = processes[index].checkPID { actions.append(.send(signal: SIGKILL, to: .processGroup(pid))) }
        if processes[index].checkDeadline != nil, case .tcp = processes[index].spec.readiness {
            actions.append(.abandonProbe(process: index))
        }
        processes[index].checkPID = nil
        processes[index].checkDeadline = nil
        return actions
    }
}
