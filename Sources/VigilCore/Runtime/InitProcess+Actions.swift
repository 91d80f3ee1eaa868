import CLinux

extension InitProcess {
    /// Performs the supervisor's actions, and feeds back what starting things reports.
    /// Returns an exit code when one of them is "exit".
    mutating func perform(_ actions: [SupervisorAction]) -> Int32? {
        for action in actions {
            switch action {
            case .send(let signal, let target):
                send(signal, to: target)
            case .signalLeftovers(let signal):
                let signalled = leftovers.signalAll(signal, describe: log.verbosity >= Verbosity.info)
                if !signalled.isEmpty { log.info("sent \(SignalNames.name(of: signal)) to \(list(signalled))") }
            case .killLeftovers(let reason):
                let killed = leftovers.killAll()
                leftoversKilled += killed.count
                if !killed.isEmpty { log.warning("\(describe(reason)); sent SIGKILL to \(list(killed))") }
            case .stopSelf:
                log.debug("stopping with the child")
                ProcessSetup.stopSelf()
            case .reportStragglers(let after):
                let left = leftovers.stillAlive()
                log.warning("processes still left \(Durations.format(after)) after SIGKILL\(left.isEmpty ? "" : ": " + list(left, withState: true)); exiting anyway")
            case .start(let index, let spec):
                if let code = handle(start(index, spec)) { return code }
            case .startMain:
                guard let channel else { continue }
                if let code = handle(spawnMain(channel)) { return code }
            case .check(let index, let readiness):
                if let event = check(index, readiness), let code = handle(event) { return code }
            case .abandonProbe(let index):
                launcher?.probes.abandon(index)
            case .note(let note):
                report(note)
            case .reply(let reply):
                answer(with: reply)
            case .supervisord(let action):
                performSupervisord(action)
            case .runit(let action):
                if let code = performRunit(action) { return code }
            case .exit(let code):
                return code
            }
        }
        return nil
    }

    private func send(_ signal: Int32, to target: SignalTarget) {
        if signal == SIGCONT, let group = terminalGroup, let error = Terminal.giveBack(to: group) {
            log.debug("cannot give the terminal back: \(error.description)")
        }
        let error: SystemError?
        switch target {
        case .process(let pid):
            if signal == SIGKILL { log.info("sending SIGKILL to \(pid)") }
            error = Processes.signal(pid, signal)
        case .processGroup(let leader):
            if signal == SIGKILL { log.info("sending SIGKILL to the process group of \(leader)") }
            error = Processes.signalGroup(of: leader, signal)
        }
        if let error {
            log.warning("cannot forward \(SignalNames.name(of: signal)): \(error.description)")
        }
    }

    /// Starts an init task or sidecar: what the supervisor is told.
    private func start(_ index: Int, _ spec: ProcessSpec) -> SupervisorEvent {
        guard let launcher else { return .spawned(process: index, pid: nil, errno: ENOENT) }
        switch launcher.spawn(index, spec, argv: nil, words: spec.command) {
        case .success(let pid):
            if !spec.isSupervisord { log.info("\(spec.name): started (pid \(pid))") }
            return .spawned(process: index, pid: pid, errno: 0)
        case .failure(let error):
            return .spawned(process: index, pid: nil, errno: error.errno)
        }
    }

    /// One attempt of a readiness or liveness check of process `index` (the main process:
    /// `Supervisor.mainIndex`): what the supervisor is told now. A tcp or http check under way
    /// says nothing yet: the loop polls its socket and reports the verdict when it comes.
    /// `notify` comes by itself.
    private func check(_ index: Int, _ check: ProcessSpec.Readiness) -> SupervisorEvent? {
        guard let launcher else { return nil }
        switch check {
        case .exec(let words):
            let spec = index == Supervisor.mainIndex ? configuration.main : configuration.processes[index]
            return .checkSpawned(process: index, pid: launcher.spawnCheck(spec, words))
        case .tcp, .http:
            return launcher.probes.start(index, check).map { .checkResult(process: index, passed: $0) }
        case .notify:
            return nil
        }
    }

    /// Sends the reply to the client whose request is being handled. What changes a process
    /// is logged at the default verbosity, with who asked: the container's log shows it.
    private func answer(with reply: ControlProtocol.Reply) {
        guard let control, let (client, request) = replyingTo else { return }
        control.answer(client.client, reply)
        guard reply.error == nil, let change = ControlProtocol.describeChange(request) else { return }
        log.warning("\(change), asked by uid \(Int64(client.uid)) (pid \(client.pid))")
    }

    private func report(_ note: ProcessNote) {
        switch note {
        case .ready(let name): log.info("\(name): ready")
        case .exited(let name, let how, let delay):
            if let delay {
                log.warning("\(name): \(describe(how)); restarting in \(Durations.format(delay))")
            } else {
                log.info("\(name): \(describe(how))")
            }
        case .failed(let name, let how, let required):
            if required {
                log.error("\(name): \(describe(how)) and stays down; stopping everything")
            } else {
                log.warning("\(name): \(describe(how)) and stays down")
            }
        case .initFailed(let name, let how): log.error("\(name): \(describe(how)); nothing more starts")
        case .startTimedOut(let name): log.warning("\(name): not ready in time; stopping it")
        case .checkTimedOut(let name, let after):
            log.warning("\(name): readiness check still running after \(Durations.format(after)); trying again")
        case .cannotStart(let name, let program, let errno): log.error("\(name): \(messages.cannotRunText(program, errno: errno))")
        case .stopping(let name, let signal): log.info("\(name): stopping with \(SignalNames.name(of: signal))")
        case .killing(let name): log.warning("\(name): still running at the end of its grace; sending SIGKILL")
        case .signalDropped(let signal, let sender):
            log.info("not forwarding \(SignalNames.name(of: signal)) from pid \(sender): glibc keeps it for itself")
        case .liveFailing(let name, let limit): log.info("\(name): liveness check failed; \(limit) failures in a row stop it")
        case .liveFailed(let name, let failures, let main):
            log.warning("\(name): liveness check failed \(failures) times in a row; \(main ? "stopping the container" : "stopping it")")
        case .supervisord(let note):
            reportSupervisord(note)
        case .task(let note): report(note)
        }
    }
}

private func describe(_ reason: KillReason) -> String {
    switch reason {
    case .noGracePeriod: return "no grace period"
    case .repeatedStopRequest: return "repeated stop request"
    case .graceExpired(let grace): return "grace period of \(Durations.format(grace)) expired"
    }
}

/// "12 (sleep), 13 (sh)", with each state letter when asked: "12 (sleep) D".
private func list(_ entries: [ProcessEntry], withState: Bool = false) -> LogText {
    var items: [LogText] = []
    for entry in entries {
        var item: LogText = "\(entry.pid) (\(entry.name))"
        if withState { item.append(" \(String(decoding: [entry.state], as: UTF8.self))") }
        items.append(item)
    }
    // Room for the rest of the line (the reason, vigil's prefix) within one pipe write.
    return LogText.list(items, counting: "processes", within: LogOutput.longestLine - 512)
}
