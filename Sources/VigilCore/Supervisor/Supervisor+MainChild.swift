import CLinux

/// The main command: started, not started, stopped or gone.
extension Supervisor {
    /// The main child started. `foreground`: it was given the terminal.
    mutating func mainStarted(_ pid: Int32, foreground: Bool, at now: Instant) {
        precondition(phase == .starting || isBringingUp, "the main child starts once")
        mainStartedAt = now
        var child = MainChild(pid: pid, stopsVigilWhenStopped: foreground && !policy.isNamespaceInit)
        if mainSpec.liveness != nil { child.live = LiveCheck(readyAt: now, period: mainSpec.livePeriod) }
        phase = .running(child)
    }

    /// The main command could not be started: with nothing else running, vigil exits at once
    /// with the code for `errno`, as tini does; otherwise what runs is stopped first.
    mutating func mainCouldNotStart(errno: Int32, at now: Instant) -> [SupervisorAction] {
        let code = failureCode(policy.exitCodes.forSpawnFailure(errno: errno))
        exitOverride = code
        end(.mainCouldNotStart(errno: errno), at: now)
        if processes.isEmpty {
            phase = .exited
            return [.exit(code: code)]
        }
        return beginShutdown(exitCode: code, stopRequested: false, hurry: false, at: now)
    }

    /// A child was reaped, or reported stopped: a readiness check's, a supervised process, or
    /// the main child.
    mutating func childChanged(_ pid: Int32, _ state: ChildState, at now: Instant) -> [SupervisorAction] {
        if let actions = runitReaped(pid, state, at: now) { return actions }
        if let index = processes.firstIndex(where: { $0.checkPID == pid }) {
            guard let code = state.exitCode else { return [] }
            if case .running = processes[index].state { return liveAttemptEnded(index, passed: code == 0, at: now) }
            return attemptEnded(index, passed: code == 0, at: now)
        }
        if isMainLiveCheck(pid) {
            guard let code = state.exitCode else { return [] }
            return mainLiveAttemptEnded(passed: code == 0, at: now)
        }
        if let index = processes.firstIndex(where: { $0.pid == pid }) {
            guard state.exitCode != nil else { return [] }
            return processExited(index, state, at: now)
        }
        if let index = processes.firstIndex(where: { $0.hasRun(pid) }) {
            guard state.exitCode != nil else { return [] }
            return runEnded(index, pid: pid, state, at: now)
        }
        guard case .running(let child) = phase, pid == child.pid else { return [] }
        if case .stopped = state { return child.stopsVigilWhenStopped ? [.stopSelf] : [] }
        guard let code = state.exitCode else { return [] }
        mainExit = code
        mainEnd = state
        let exitCode = exitOverride ?? mainExitCode(state, stopRequested: child.stopRequested)
        switch policy.mainChildExit {
        case .exitAtOnce:
            phase = .exited
            return [.exit(code: exitCode)]
        case .forwardTermAndExit:
            phase = .exited
            var actions: [SupervisorAction] = []
            if let term = policy.rewrite.apply(SIGTERM) {
                actions.append(.send(signal: term, to: target(child)))
            }
            return actions + [.exit(code: exitCode)]
        case .stopTheRest:
            end(.mainExited(state), at: now)
            return beginShutdown(exitCode: exitCode, stopRequested: child.stopRequested, hurry: child.hurry, at: now)
        }
    }
}
