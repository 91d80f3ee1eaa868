import CLinux

/// The command to run, as the kernel passed it: exec gets these bytes unchanged.
struct Command {
    /// NULL-terminated.
    var argv: UnsafePointer<UnsafeMutablePointer<CChar>?>
    /// NULL-terminated.
    var envp: UnsafePointer<UnsafeMutablePointer<CChar>?>

    var name: String { String(cString: argv[0]!) }
}

/// The running init, in the order tini's `main` tells it: set up signals and reaping, spawn
/// the child, then loop "wait, reap, handle", performing what the `Supervisor` decides.
struct InitProcess {
    let configuration: Configuration
    let log: Log
    let messages: Messages
    let ownPID = getpid()
    let parentAtStart: pid_t
    var supervisor: Supervisor
    /// The child's group, when it was made the terminal's foreground group at spawn: after
    /// vigil stopped with it and was resumed, the terminal goes back to that group.
    var terminalGroup: pid_t? = nil
    /// /proc shows this PID namespace: only then does vigil read it.
    let procIsOwn: Bool
    /// The process group the main child started, if it has its own.
    var childGroup: pid_t? = nil
    var leftovers: Leftovers { Leftovers(ownPID: ownPID, procIsOwn: procIsOwn, childGroup: childGroup) }

    init(configuration: Configuration, parentAtStart: pid_t) {
        self.configuration = configuration
        log = Log(verbosity: configuration.verbosity, style: configuration.logStyle)
        messages = Messages(wording: configuration.wording, log: log)
        self.parentAtStart = parentAtStart
        supervisor = Supervisor(policy: Policy(configuration, isNamespaceInit: getpid() == 1))
        procIsOwn = ProcessTable.describesOwnNamespace(ownPID: getpid())
    }

    /// Supervises `command`; nil is pause mode. Returns the exit code.
    mutating func run(_ command: Command?) -> Int32 {
        // Signals first: from here on none can arrive unobserved, SIGCHLD above all.
        let channel: SignalChannel
        do {
            channel = try SignalChannel.open()
        } catch {
            log.error("cannot set up signal handling: \(error.description)")
            return configuration.exitCodes.internalFailure
        }
        guard setUpReaping() else { return configuration.exitCodes.internalFailure }
        let parentGone = setUpParentDeathSignal()
        if !procIsOwn && (configuration.mainChildExit == .stopTheRest || configuration.warnOnReap) {
            log.warning(ownPID == 1
                ? "/proc does not show this PID namespace (not mounted, or another namespace's): what is left at the end gets kill(-1) and is checked every 50 ms, and no process is named"
                : "/proc does not show this PID namespace (not mounted, or another namespace's): at the end only the child's process group can be stopped, and no process is named")
        }

        if let command {
            if let failure = spawn(command, channel) { return failure }
        } else {
            supervisor.startedPausing()
            log.info("pause mode: reaping orphans until TERM, INT or QUIT")
        }
        // Only now: the child has exec'd and kept the caller's directory.
        if let error = ProcessSetup.leaveWorkingDirectory() { log.debug("\(error.description)") }

        if let signal = parentGone, let code = handle(.signal(signal)) { return code }
        return loop(channel)
    }

    /// Registers as child subreaper when vigil is not PID 1 and the configuration wants it.
    /// Returns false only when registration was required and the kernel refused.
    private func setUpReaping() -> Bool {
        if ownPID == 1 { return true }
        switch configuration.subreaper {
        case .off(let warn):
            if warn && !ProcessSetup.isSubreaper { messages.cannotReap() }
            return true
        case .automatic, .required:
            guard let error = ProcessSetup.becomeSubreaper() else {
                messages.registeredSubreaper(ownPID)
                return true
            }
            if configuration.subreaper == .required {
                log.error("cannot register as child subreaper: \(error.description)")
                return false
            }
            log.warning("not PID 1 and cannot register as child subreaper (\(SystemError.reason(error.errno))); orphaned processes will not be reaped")
            return true
        }
    }

    /// Sets `-p`. Returns the signal to act on at once when the parent is already gone.
    private func setUpParentDeathSignal() -> Int32? {
        guard let signal = configuration.parentDeathSignal else { return nil }
        switch ProcessSetup.setParentDeathSignal(signal, parentAtStart: parentAtStart) {
        case .failure(let error):
            log.warning("cannot set the parent-death signal: \(error.description)")
            return nil
        case .success(let parentGone):
            guard parentGone else { return nil }
            log.info("parent already gone; acting on \(SignalNames.name(of: signal)) now")
            return signal
        }
    }

    /// Spawns the main child. Returns an exit code when it could not be started.
    private mutating func spawn(_ command: Command, _ channel: SignalChannel) -> Int32? {
        var mask = channel.inherited.mask
        if !configuration.childInheritsSignalMask { sigemptyset(&mask) }
        var request = Spawner.Request(
            argv: command.argv, envp: command.envp, grouping: configuration.grouping,
            shellFallback: configuration.shellFallback, signalDefaults: channel.inherited.changed, signalMask: mask)
        switch configuration.grouping {
        case .newSession:
            switch Terminal.giveUp(channel, ownPID: ownPID) {
            case .success(let discarded):
                for signal in discarded { log.debug("ignoring \(SignalNames.name(of: signal)) from the terminal hand-off") }
            case .failure(let error):
                log.debug("cannot detach from the terminal: \(error.description)")
            }
        case .ownGroup:
            request.takeTerminal = Terminal.isOursInForeground
        case .callersGroup:
            break
        }
        switch Spawner.spawn(request) {
        case .success(let child):
            if configuration.grouping != .callersGroup { childGroup = child }
            supervisor.started(mainChild: child, foreground: request.takeTerminal)
            if request.takeTerminal { terminalGroup = child }
            messages.spawned(command.name, child, foreground: request.takeTerminal)
            return nil
        case .failure(let error):
            messages.cannotRun(command.name, errno: error.errno)
            return configuration.exitCodes.forSpawnFailure(errno: error.errno)
        }
    }

    /// Wait, reap, act on deadlines, and during a shutdown watch what is left, until the
    /// supervisor decides to exit.
    private mutating func loop(_ channel: SignalChannel) -> Int32 {
        var left = Leftovers.Remaining.children
        var canWait = true
        while true {
            if canWait {
                do throws(SystemError) {
                    if let code = try wait(channel, watching: left) { return code }
                } catch {
                    // Retrying would fail again at once and spin PID 1: say so once, and let
                    // the supervisor stop the tree while vigil sleeps between checks.
                    log.error("cannot wait for events: \(error.description); stopping")
                    canWait = false
                    if let code = handle(.waitFailed) { return code }
                }
            } else {
                ProcessSetup.sleep(10 * Durations.millisecond, until: supervisor.deadline)
            }
            let reaping = reapAll()
            if let code = reaping.exitCode { return code }
            // An empty tree counts before a deadline that passed meanwhile: a long reaping
            // pass must not turn a clean end into a reported one.
            if supervisor.awaitsEmptyTree {
                left = leftovers.remaining(hasChildren: reaping.hasChildren)
                if left == .nothing {
                    log.debug("nothing left")
                    if let code = handle(.nothingLeft) { return code }
                }
            } else {
                left = .children
            }
            if let due = supervisor.deadline, Clock.now() >= due, let code = handle(.deadline) { return code }
        }
    }

    /// Sleeps until a signal, the exit of a watched process or the deadline, and acts on the
    /// signals taken. Processes that are not vigil's children are watched through pidfds;
    /// signals then come through the signalfd, polled together with them.
    private mutating func wait(_ channel: SignalChannel, watching left: Leftovers.Remaining) throws(SystemError) -> Int32? {
        switch left {
        case .others(let pids):
            try EventWait.wait(for: channel.fd, orExitOf: pids, until: supervisor.deadline)
            for signal in try channel.drain() {
                if let code = receive(signal) { return code }
            }
            return nil
        case .unwatchable:
            let recheck = Clock.now() + EventWait.recheckInterval
            if let signal = try channel.waitForOne(until: min(supervisor.deadline ?? recheck, recheck)) {
                return receive(signal)
            }
            return nil
        case .nothing, .children:
            if let signal = try channel.waitForOne(until: supervisor.deadline) { return receive(signal) }
            return nil
        }
    }

    /// Forwards or otherwise acts on one signal vigil received. SIGCHLD only means "reap". A
    /// SIGPIPE that vigil raised on itself by writing to a closed stderr is not the child's.
    private mutating func receive(_ signal: ReceivedSignal) -> Int32? {
        if signal.number == SIGCHLD { return nil }
        if signal.number == SIGPIPE && signal.sender == ownPID && signal.code == SI_USER { return nil }
        messages.received(signal.number, from: signal.sender)
        return handle(.signal(signal.number))
    }

    /// Drains every exited child. Coalesced SIGCHLDs lose nothing because this runs on every
    /// wake-up until waitpid has nothing more.
    private mutating func reapAll() -> (exitCode: Int32?, hasChildren: Bool) {
        while true {
            var name: String? = nil
            let result: ReapResult
            if configuration.warnOnReap {
                // -w names each process, so look before reaping while /proc still has it.
                switch Processes.peek() {
                case .noneReady: return (nil, true)
                case .noChildren: return (nil, false)
                case .child(let pid):
                    if !supervisor.isMainChild(pid) { name = procIsOwn ? ProcessTable.entry(pid)?.name ?? "?" : "?" }
                    result = Processes.reap(pid)
                }
            } else {
                result = Processes.reapOne()
            }
            guard case .reaped(let pid, let status) = result else { return (nil, result != .noChildren) }
            let state = ChildState(waitStatus: status)
            if supervisor.isMainChild(pid) {
                messages.mainChildChanged(pid, state)
            } else if state.exitCode == nil {
                log.debug("process \(pid) \(describe(state))")
            } else {
                messages.reaped(pid, state, name: name)
            }
            if let code = handle(.reaped(pid, state)) { return (code, true) }
        }
    }

    private enum Event {
        case signal(Int32)
        case reaped(pid_t, ChildState)
        case deadline
        case nothingLeft
        case waitFailed
    }

    /// Lets the supervisor decide, then performs its decision. Returns the exit code when the
    /// decision is to exit.
    private mutating func handle(_ event: Event) -> Int32? {
        let now = Clock.now()
        let actions: [SupervisorAction]
        switch event {
        case .signal(let number): actions = supervisor.received(number, at: now)
        case .reaped(let pid, let state): actions = supervisor.reaped(pid, state, at: now)
        case .deadline: actions = supervisor.timeReached(now)
        case .nothingLeft: actions = supervisor.nothingLeft()
        case .waitFailed: actions = supervisor.waitFailed(at: now)
        }
        return perform(actions)
    }

    /// Performs actions; returns an exit code when one of them is "exit".
    private func perform(_ actions: [SupervisorAction]) -> Int32? {
        for action in actions {
            switch action {
            case .send(let signal, let target):
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
            case .signalLeftovers(let signal):
                let signalled = leftovers.signalAll(signal, describe: log.verbosity >= Verbosity.info)
                if !signalled.isEmpty { log.info("sent \(SignalNames.name(of: signal)) to \(list(signalled))") }
            case .killLeftovers(let reason):
                let killed = leftovers.killAll()
                if !killed.isEmpty { log.warning("\(describe(reason)); sent SIGKILL to \(list(killed))") }
            case .stopSelf:
                log.debug("stopping with the child")
                ProcessSetup.stopSelf()
            case .reportStragglers(let after):
                let left = leftovers.stillAlive()
                log.warning("processes still left \(Durations.format(after)) after SIGKILL\(left.isEmpty ? "" : ": " + list(left, withState: true)); exiting anyway")
            case .exit(let code):
                return code
            }
        }
        return nil
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
    var text: LogText = ""
    for entry in entries {
        if !text.bytes.isEmpty { text.append(", ") }
        text.append("\(entry.pid) (\(entry.name))")
        if withState { text.append(" \(String(decoding: [entry.state], as: UTF8.self))") }
    }
    return text
}
