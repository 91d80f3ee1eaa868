/// The supervisor's side of a recovery after a fault: where it stands, as a `RecoveryState`, and
/// a supervisor that carries on from one, adopting the processes as they were and restarting
/// none of them.
extension Supervisor {
    /// Where the supervisor stands; nil while nothing has started that a fault could take down
    /// (a fault then ends vigil). `exitCode`: the code of an exit just decided.
    func recoveryState(exitCode: Int32?) -> RecoveryState? {
        var state = RecoveryState()
        for process in processes {
            if let adopted = process.recoveryProcess { state.processes.append(adopted) }
            state.processes += process.recoveryRuns
        }
        state.processes += runit.recoveryProcesses
        switch phase {
        case .starting:
            return nil
        case .bringingUp:
            if state.processes.isEmpty { return nil }
            // Without a main command there is nothing the start-up was for but the processes:
            // those that started carry on, as when all had; the rest never start.
            state.phase = hasMain ? .bringingUp : .pausing
        case .running(let child):
            state.phase = .running
            state.main = child
        case .pausing:
            state.phase = .pausing
        case .stoppingProcesses(let shutdown):
            state.phase = .stoppingProcesses
            state.shutdown = shutdown
        case .draining(let shutdown):
            state.phase = .draining
            state.shutdown = shutdown
        case .killing(let shutdown):
            state.phase = .killing
            state.shutdown = shutdown
        case .exited:
            guard let exitCode else { return nil }
            state.phase = .exited
            state.exitCode = exitCode
        }
        state.ending = ending
        state.exitOverride = exitOverride
        if let settings = runit.settings, runit.scanned {
            var step = runit.shutdown
            // Outside the stop's first phase a step left under way (a hurried stop) is over.
            if case .stoppingProcesses = phase {} else if step != .notBegun { step = .done }
            state.myInitStop = RecoveryState.MyInitStop(timeout: settings.stopTimeout, step: step)
        }
        return state
    }

    /// A supervisor that carries on from `state` under `policy`: each process adopted as it
    /// was, running or being stopped. Only the states are taken: what the faulted image had
    /// already sent is not sent again. `runit`: my_init's shutdown scripts, when its stop is
    /// to run them (`RecoveryState.myInitStop`).
    init(adopting state: RecoveryState, policy: Policy, runit: RunitSettings? = nil, at now: Instant) {
        self.init(policy: policy, processes: state.adoptedSpecs, hasMain: state.hasMain, runit: runit)
        if runit != nil { self.runit.adopt(state.myInitStop?.step ?? .done) }
        for (index, process) in state.processes.enumerated() {
            processes[index].started(pid: process.pid, at: now)
            guard let stop = process.stopping else { continue }
            // A stop outside the container's own (`vigil stop`, `restart`) ends the process.
            let then: Supervised.AfterStop = state.phase == .stoppingProcesses ? .shutdown : .holdDown
            _ = processes[index].stop(with: policy.stopSignal, deadline: stop.deadline, then: then, continues: false)
            if stop.killed { _ = processes[index].kill(waitUntil: stop.deadline) }
        }
        ending = state.ending
        exitOverride = state.exitOverride
        let lost = Shutdown(deadline: now, exitCode: policy.internalFailureExitCode, stopRequested: false)
        switch state.phase {
        case .bringingUp: phase = .bringingUp
        case .running: phase = state.main.map { .running($0) } ?? .pausing
        case .pausing: phase = .pausing
        case .stoppingProcesses: phase = .stoppingProcesses(state.shutdown ?? lost)
        case .draining: phase = .draining(state.shutdown ?? lost)
        case .killing: phase = .killing(state.shutdown ?? lost)
        case .exited: phase = .exited
        }
    }

    /// What the adopted supervisor does at once: decide on a main child reaped before the
    /// fault, go on with a stop, or exit as decided. A start-up that had not reached the main
    /// command cannot go on (a recovery has no command to start): what started is stopped, and
    /// vigil exits as on its own failure.
    mutating func resume(_ state: RecoveryState, at now: Instant) -> [SupervisorAction] {
        switch phase {
        case .bringingUp:
            ending = true
            let code = exitOverride ?? policy.internalFailureExitCode
            exitOverride = code
            return beginShutdown(exitCode: code, stopRequested: false, hurry: false, at: now)
        case .running(let child):
            guard let status = state.mainStatus else { return [] }
            return childChanged(child.pid, ChildState(waitStatus: status), at: now)
        case .stoppingProcesses:
            return afterRunit(runit.resumeShutdown(at: now), at: now) + stopWhatMayStop(at: now)
        case .exited:
            return [.exit(code: state.exitCode ?? policy.internalFailureExitCode)]
        case .starting, .pausing, .draining, .killing:
            return []
        }
    }
}

extension Supervised {
    /// A scheduled task's runs under way, as a recovery adopts them: each one a sidecar of the
    /// task's name, stop signal and grace, never restarted. A recovery starts no new run, and a
    /// run's exit code no longer decides anything (a required task's failed run then ends
    /// nothing).
    var recoveryRuns: [RecoveryState.Process] {
        runs.map { run in
            var process = RecoveryState.Process(name: ProcessName.sanitized(spec.name), kind: .sidecar, pid: run.pid,
                                                stopSignal: spec.stopSignal,
                                                grace: spec.grace)
            if run.stage != .running {
                process.stopping = RecoveryState.Stopping(deadline: run.deadline ?? run.startedAt, killed: run.stage == .killed)
            }
            return process
        }
    }

    /// The process as a recovery adopts it; nil when it is not alive.
    var recoveryProcess: RecoveryState.Process? {
        guard let pid else { return nil }
        var process = RecoveryState.Process(name: ProcessName.sanitized(spec.name), kind: spec.kind, pid: pid, stopSignal: spec.stopSignal,
                                            grace: spec.grace, required: spec.required)
        process.stopsGroup = stopTarget(pid, kill: false) == .processGroup(pid)
        process.killsGroup = stopTarget(pid, kill: true) == .processGroup(pid)
        if case .stopping(_, let deadline, let killed, _) = state {
            process.stopping = RecoveryState.Stopping(deadline: deadline, killed: killed)
        }
        return process
    }
}

extension RunitServices {
    /// The services' processes under way as a recovery adopts them: sidecars named as `sv`
    /// names them (`web`, `web.log`), each logger before its service, so that the stop (last
    /// started first) ends a service before its logger. Never restarted; the `supervise/`
    /// files are no longer kept. Each has `KILL_PROCESS_TIMEOUT` to stop, as with `sv`.
    var recoveryProcesses: [RecoveryState.Process] {
        var adopted: [RecoveryState.Process] = []
        for (index, service) in services.enumerated() {
            for isLog in service.parts.count > 1 ? [true, false] : [false] {
                let part = ServicePart(service: index, isLog: isLog)
                guard self[part].pid > 0 else { continue }
                adopted.append(RecoveryState.Process(name: ProcessName.sanitized(partName(part)), kind: .sidecar, pid: self[part].pid,
                                                     grace: settings?.stopTimeout))
            }
        }
        return adopted
    }
}
