import CLinux

/// The main command: as the kernel passed it (exec gets these bytes unchanged), or the
/// configuration file's words.
struct Command {
    /// NULL-terminated; nil when the command is `words`.
    var argv: UnsafePointer<UnsafeMutablePointer<CChar>?>?
    var words: [String] = []

    var name: String { argv.map { String(cString: $0[0]!) } ?? words.first ?? "" }
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

    /// Starts what the supervisor asks for; made once the signals are set up.
    var launcher: Launcher? = nil
    /// The main command, started when the supervisor says so.
    var command: Command? = nil
    /// Where signals come from; set once, at the start.
    var channel: SignalChannel? = nil
    /// Where `vigil status` and the control commands come from.
    var control: ControlChannel? = nil

    init(configuration: Configuration, parentAtStart: pid_t, hasMain: Bool) {
        self.configuration = configuration
        log = Log(verbosity: configuration.verbosity, style: configuration.logStyle)
        messages = Messages(wording: configuration.wording, log: log)
        self.parentAtStart = parentAtStart
        supervisor = Supervisor(policy: Policy(configuration, isNamespaceInit: getpid() == 1),
                                processes: configuration.processes, hasMain: hasMain)
        procIsOwn = ProcessTable.describesOwnNamespace(ownPID: getpid())
    }

    /// Supervises `command` (nil: none, pause mode) and the configured processes. Returns the
    /// exit code.
    mutating func run(_ command: Command?) -> Int32 {
        self.command = command
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

        if configuration.controlChannel {
            control = ControlChannel.open()
            if control == nil { log.info("no control channel: \(SystemError.last("bind").description)") }
        }
        let launcher = Launcher(configuration: configuration, signals: channel.inherited, ownPID: ownPID)
        launcher.prepare(log: log)
        self.launcher = launcher
        if command == nil && configuration.processes.isEmpty {
            log.info("pause mode: reaping orphans until TERM, INT or QUIT")
        }
        if let code = handle(.start(channel)) { return finish(code) }
        // Only now: the children have exec'd and kept the caller's directory.
        if let error = ProcessSetup.leaveWorkingDirectory() { log.debug("\(error.description)") }

        if let signal = parentGone, let code = handle(.signal(signal)) { return finish(code) }
        return finish(loop(channel))
    }

    /// What is said on the way out: relayed output still waiting.
    private func finish(_ code: Int32) -> Int32 {
        launcher?.relay.flush()
        control?.close()
        return code
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

    /// Spawns the main child. Returns the errno when it could not be started.
    mutating func spawnMain(_ channel: SignalChannel) -> Int32? {
        guard let command, let launcher else { return ENOENT }
        var mask = channel.inherited.mask
        if !configuration.childInheritsSignalMask { sigemptyset(&mask) }
        var request = Spawner.Request(
            argv: command.argv ?? UnsafePointer(clinux_argv()!), envp: UnsafePointer(clinux_envp()!),
            grouping: configuration.grouping, shellFallback: configuration.shellFallback,
            signalDefaults: channel.inherited.changed, signalMask: mask)
        switch configuration.grouping {
        case .newSession:
            switch Terminal.giveUp(channel, ownPID: ownPID) {
            case .success(let discarded):
                for signal in discarded { log.debug("ignoring \(SignalNames.name(of: signal)) from the terminal hand-off") }
            case .failure(let error):
                log.debug("cannot detach from the terminal: \(error.description)")
            }
        case .ownGroup:
            // A relayed main child writes to its pipes, not the terminal: it does not take it.
            request.takeTerminal = Terminal.isOursInForeground && !configuration.main.prefixOutput
        case .callersGroup:
            break
        }
        let main = configuration.main
        let plain = main.environment.isEmpty && main.workingDirectory == nil && main.identity == nil && !main.prefixOutput
        let result = plain && command.argv != nil
            ? Spawner.spawn(request)
            : launcher.spawn(Launcher.mainIndex, main, argv: command.argv, words: command.words, base: request)
        switch result {
        case .success(let child):
            if configuration.grouping != .callersGroup { childGroup = child }
            supervisor.started(mainChild: child, foreground: request.takeTerminal, at: Clock.now())
            if request.takeTerminal { terminalGroup = child }
            messages.spawned(command.name, child, foreground: request.takeTerminal)
            return nil
        case .failure(let error):
            messages.cannotRun(command.name, errno: error.errno)
            return error.errno
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

    /// Sleeps until a signal, the exit of a watched process, a notify datagram, relayed
    /// output, or the deadline, and acts on what came. With nothing but signals to wait for,
    /// one sigtimedwait does it. Otherwise signals come through the signalfd, polled together
    /// with the rest; processes that are not vigil's children are watched through pidfds.
    private mutating func wait(_ channel: SignalChannel, watching left: Leftovers.Remaining) throws(SystemError) -> Int32? {
        var deadline = earliest(supervisor.deadline, control?.deadline)
        if left == .unwatchable {
            let recheck = Clock.now() + EventWait.recheckInterval
            deadline = min(deadline ?? recheck, recheck)
        }
        var pids: [pid_t] = []
        if case .others(let roots) = left { pids = roots }
        let notify = launcher?.notifySockets ?? []
        let relay = launcher?.relay
        if pids.isEmpty && notify.isEmpty && relay?.isEmpty ?? true && control == nil {
            if let signal = try channel.waitForOne(until: deadline) { return receive(signal) }
            return nil
        }
        var entries = [pollfd(fd: channel.fd, events: Int16(POLLIN), revents: 0)]
        entries += notify.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
        entries += relay?.pollEntries() ?? []
        entries += control?.pollEntries() ?? []
        try EventWait.wait(&entries, orExitOf: pids, until: deadline)
        relay?.pump()
        if let control {
            for request in control.pump(now: Clock.now(), log: log) {
                if let code = answer(request, on: control) { return code }
            }
        }
        for (process, sender) in launcher?.readyNotifications() ?? [] {
            if let code = handle(.notified(process, sender: sender)) { return code }
        }
        for signal in try channel.drain() {
            if let code = receive(signal) { return code }
        }
        return nil
    }

    /// Answers one control request, and performs what it asks. What changes a process is
    /// logged at the default verbosity, with who asked: the container's log shows it.
    private mutating func answer(_ received: ControlChannel.Request, on control: ControlChannel) -> Int32? {
        let request: ControlProtocol.Request
        do {
            request = try ControlProtocol.parse(received.line, realtime: .current)
        } catch {
            control.answer(received.client, ControlProtocol.Reply(error: error.message))
            return nil
        }
        let (reply, actions) = supervisor.control(request, at: Clock.now(), ownPID: ownPID)
        control.answer(received.client, reply)
        if reply.error == nil, let change = ControlProtocol.describeChange(request) {
            log.warning("\(change), asked by uid \(Int64(received.uid)) (pid \(received.pid))")
        }
        return perform(actions)
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

    enum Event {
        case start(SignalChannel)
        case signal(Int32)
        case reaped(pid_t, ChildState)
        case deadline
        case nothingLeft
        case waitFailed
        case spawned(Int, Result<pid_t, SystemError>)
        case mainCouldNotStart(code: Int32)
        case checkSpawned(Int, pid_t?)
        case checkResult(Int, passed: Bool?)
        case notified(Int, sender: pid_t)
    }

    /// Lets the supervisor decide, then performs its decision. Returns the exit code when the
    /// decision is to exit. Out of line: it is called from many places.
    @inline(never)
    mutating func handle(_ event: Event) -> Int32? {
        let now = Clock.now()
        let actions: [SupervisorAction]
        switch event {
        case .start(let channel):
            self.channel = channel
            actions = supervisor.start(at: now)
        case .signal(let number): actions = supervisor.received(number, at: now)
        case .reaped(let pid, let state): actions = supervisor.reaped(pid, state, at: now)
        case .deadline: actions = supervisor.timeReached(now)
        case .nothingLeft: actions = supervisor.nothingLeft()
        case .waitFailed: actions = supervisor.waitFailed(at: now)
        case .spawned(let index, .success(let pid)): actions = supervisor.spawned(index, pid: pid, at: now)
        case .spawned(let index, .failure(let error)):
            actions = supervisor.spawned(index, pid: nil, errno: error.errno, at: now)
        case .mainCouldNotStart(let code): actions = supervisor.mainCouldNotStart(code: code, at: now)
        case .checkSpawned(let index, let pid): actions = supervisor.checkSpawned(index, pid: pid, at: now)
        case .checkResult(let index, let passed): actions = supervisor.checkResult(index, passed: passed, at: now)
        case .notified(let index, let sender):
            actions = supervisor.notified(index, sender: sender, senderGroup: getpgid(sender), at: now)
        }
        return perform(actions)
    }
}

private func earliest(_ a: Instant?, _ b: Instant?) -> Instant? {
    guard let a else { return b }
    guard let b else { return a }
    return min(a, b)
}
