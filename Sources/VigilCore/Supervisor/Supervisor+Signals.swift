import CLinux

/// Signals that reach vigil: forwarded to the main child, or the start of the stop.
extension Supervisor {
    mutating func signalArrived(_ signal: Int32, at now: Instant) -> [SupervisorAction] {
        let isStop = Supervisor.isStopRequest(signal)
        switch phase {
        case .starting, .exited, .killing:
            return []
        case .bringingUp:
            guard isStop else { return [] }
            // Nothing more starts; what did start is stopped, as after the main child.
            end(.stopRequest(signal: signal), at: now)
            let code = stopRequestCode(signal)
            exitOverride = code
            return beginShutdown(exitCode: code, stopRequested: true, hurry: false, at: now)
        case .running(let child):
            return forwardToMain(signal, child, at: now)
        case .pausing:
            if isStop {
                end(.stopRequest(signal: signal), at: now)
                return beginShutdown(exitCode: exitOverride ?? stopRequestCode(signal), stopRequested: true, hurry: false, at: now)
            }
            if policy.followsSupervisord { return supervisordSignal(signal) }
            // Without a main command, signals go to every sidecar.
            guard let forwarded = policy.rewrite.apply(signal) else { return [] }
            return processes.compactMap { $0.pid.map { .send(signal: forwarded, to: .processGroup($0)) } }
        case .stoppingProcesses(var shutdown), .draining(var shutdown):
            let repeated = isStop && shutdown.stopRequested
            if isStop {
                shutdown.stopRequested = true
                phase = phase.withShutdown(shutdown)
            }
            if repeated && policy.repeatedStopKills {
                return kill(.repeatedStopRequest, shutdown, at: now)
            }
            // The sidecars are already being stopped one by one, last started first: a stop
            // request sent to all of them would break that order.
            if isStop, case .stoppingProcesses = phase { return [] }
            // A tree that is stopping gets only what makes sense for it: stop requests, and
            // signals the user chose to rewrite. WINCH, USR1 and the like are not broadcast.
            guard isStop || policy.rewrite.isChosen(signal), let forwarded = policy.rewrite.apply(signal) else { return [] }
            return [.signalLeftovers(signal: forwarded)]
                + (isStop && continuesAfterStopping(forwarded) ? [.signalLeftovers(signal: SIGCONT)] : [])
        }
    }

    /// While the main child runs: forwarded to it (rewritten), a stop request noted, and a
    /// repeated one turned into SIGKILL when asked.
    private mutating func forwardToMain(_ signal: Int32, _ running: MainChild, at now: Instant) -> [SupervisorAction] {
        var child = running
        let isStop = Supervisor.isStopRequest(signal)
        let repeated = isStop && child.stopRequested
        if isStop && !repeated {
            child.stopRequested = true
            end(.stopRequest(signal: signal), at: now)
            if let killAfter = policy.killAfter { child.killDeadline = now + killAfter }
        }
        if repeated && policy.repeatedStopKills {
            child.hurry = true
            phase = .running(child)
            return [.send(signal: SIGKILL, to: target(child))]
        }
        phase = .running(child)
        var actions: [SupervisorAction] = []
        if let forwarded = policy.rewrite.apply(signal) {
            actions.append(.send(signal: forwarded, to: target(child)))
            if isStop && continuesAfterStopping(forwarded) { actions.append(.send(signal: SIGCONT, to: target(child))) }
        }
        if policy.stopsWithTerminalStopSignals && (signal == SIGTSTP || signal == SIGTTIN || signal == SIGTTOU) {
            actions.append(.stopSelf)
        }
        return actions
    }

    /// A stopped process cannot handle a stop signal until it is continued: in vigil's own
    /// stop, CONT follows it at once, as systemd does (`Policy.continuesStoppedProcesses`;
    /// tini and dumb-init send none).
    func continuesAfterStopping(_ signal: Int32) -> Bool {
        policy.continuesStoppedProcesses && signal != SIGKILL && signal != SIGCONT && signal != SIGSTOP && signal != 0
    }

    func target(_ child: MainChild) -> SignalTarget {
        policy.forwardToGroup ? .processGroup(child.pid) : .process(child.pid)
    }
}
