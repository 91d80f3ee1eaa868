import CLinux

// Surviving vigil's own faults: the running vigil keeps the recovery state published and
// forwards the fault signals sent with kill() that the handler kept; the image a fault
// re-executed adopts the tree and carries on (`recover`).
extension InitProcess {
    /// Publishes where vigil stands for the fault handler, when the decision that returned
    /// `actions` changed it.
    mutating func publishRecoveryState(after actions: [SupervisorAction]) {
        guard recoveryTracker.isOn, !recoveryTracker.isCurrent(supervisor) else { return }
        recoveryTracker.remember(supervisor)
        var exitCode: Int32? = nil
        for case .exit(let code) in actions { exitCode = code }
        guard var state = supervisor.recoveryState(exitCode: exitCode) else {
            FaultHandler.disarm()
            return
        }
        state.rules = RecoveryState.Rules(configuration)
        state.mainStatus = recoveryTracker.mainStatus
        state.childGroup = childGroup
        state.terminalGroup = terminalGroup
        state.relay = launcher?.relay.pipes ?? []
        if let programs = launcher?.programs, configuration.supervisord != nil {
            state.relay += programs.recoveryPipes { configuration.processes[$0].name }
            state.kept = programs.keptEnds
        }
        let text = state.encoded()
        let descriptors = state.relay.flatMap { [$0.readEnd, $0.writeEnd] } + state.kept.map { $0.fd }
        if text.count <= RecoveryTracker.longestState && FaultHandler.publish(text, descriptors: descriptors) { return }
        FaultHandler.disarm()
        if !recoveryTracker.failed {
            recoveryTracker.failed = true
            log.warning("cannot keep the state a recovery needs (\(text.count) bytes): a fault of vigil's own would end it")
        }
    }

    /// The main child was reaped with `status`: published at once, before anything is decided.
    mutating func noteMainReaped(_ status: Int32) {
        guard recoveryTracker.isOn, ChildState(waitStatus: status).exitCode != nil else { return }
        recoveryTracker.mainReaped(status)
        publishRecoveryState(after: [])
    }

    /// Forwards the fault signals sent with kill() that the fault handler kept (it raised
    /// SIGCHLD to say so), as any other signal.
    mutating func receiveSentFaults() -> Int32? {
        while let signal = FaultHandler.takeSent() {
            messages.received(signal.number, from: signal.sender)
            if let code = handle(.signal(signal.number)) { return code }
        }
        return nil
    }

    /// Carries on after a fault from `state`: adopts the processes that are still its
    /// children, relays the pipes it was relaying, says once what happened, then loops as
    /// ever until the supervisor decides to exit. Returns the exit code.
    mutating func recover(_ state: RecoveryState, after fault: FaultReport) -> Int32 {
        recoveryTracker.isOn = false
        let channel: SignalChannel
        do {
            channel = try SignalChannel.open()
        } catch {
            log.error("cannot set up signal handling: \(error.description)")
            return configuration.exitCodes.internalFailure
        }
        self.channel = channel
        childGroup = state.childGroup
        terminalGroup = state.terminalGroup
        let launcher = Launcher(configuration: configuration, signals: channel.inherited, ownPID: ownPID)
        for pipe in state.relay where Adoption.takePipe(pipe.readEnd, writable: false)
            && Adoption.takePipe(pipe.writeEnd, writable: true) {
            launcher.relay.adopt(pipe)
        }
        // Held open, never used: see `RecoveryState.KeptEnd`.
        for end in state.kept { _ = Adoption.takePipe(end.fd, writable: end.writable) }
        self.launcher = launcher
        var adopted = state
        let gone = dropGone(&adopted)
        let now = Clock.now()
        supervisor = Supervisor(adopting: adopted, policy: supervisor.policy, runit: configuration.runit, at: now)
        log.warning(recoveredText(adopted, gone: gone, fault, after: now - fault.at))
        let code = perform(supervisor.resume(adopted, at: now)) ?? loop(channel)
        launcher.relay.flush()
        return code
    }

    /// Drops from `state` the processes that are no longer this process's children (reaped
    /// by the faulted image after it last published), and names them; a shutdown script so
    /// gone counts as ended. A main child gone that
    /// way counts as vigil's own failure, its status being lost.
    private func dropGone(_ state: inout RecoveryState) -> [(String, Int32)] {
        var gone: [(String, Int32)] = []
        state.processes.removeAll { process in
            if Adoption.isChild(process.pid) { return false }
            gone.append((process.name, process.pid))
            return true
        }
        if let main = state.main, state.mainStatus == nil, !Adoption.isChild(main.pid) {
            gone.append(("main", main.pid))
            state.mainStatus = configuration.exitCodes.internalFailure << 8
        }
        // A shutdown script reaped so: the next one runs (its exit status is lost too).
        if case .script(let post, let index, let pid?, let deadline, _) = state.myInitStop?.step, !Adoption.isChild(pid) {
            gone.append(("shutdown script", pid))
            state.myInitStop?.step = .script(post: post, index: index + 1, pid: nil, deadline: deadline, killed: false)
        }
        return gone
    }

    /// The one line a recovery writes: the fault, how long the recovery took, what was
    /// adopted and what was gone, and what no longer works.
    private func recoveredText(_ state: RecoveryState, gone: [(String, Int32)], _ fault: FaultReport,
                               after elapsed: Int64) -> LogText {
        var adopted = state.processes.map { ($0.name, $0.pid) }
        if let main = state.main, !gone.contains(where: { $0.1 == main.pid }) { adopted.insert(("main", main.pid), at: 0) }
        var text: LogText = "recovered from \(fault.description) in \(max(0, elapsed) / 1000) µs: adopted "
        text.append(adopted.isEmpty ? "no process" : list(adopted))
        if !gone.isEmpty { text.append("; gone, exit status lost: " + list(gone)) }
        text.append("; sidecars are no longer restarted, and readiness checks and the control channel are off")
        if state.rules.followedSupervisord {
            text.append("; supervisord's server and events are off, and programs' log files now go to vigil's output")
        }
        return text
    }
}

/// "main (7), log (8)".
private func list(_ processes: [(String, Int32)]) -> LogText {
    var text: LogText = ""
    for (index, (name, pid)) in processes.enumerated() {
        text.append(index == 0 ? "\(name) (\(pid))" : ", \(name) (\(pid))")
    }
    return text
}
