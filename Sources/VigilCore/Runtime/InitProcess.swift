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
/// Setting up and spawning are here; the loop is in `InitProcess+Loop`, the performing of
/// actions in `InitProcess+Actions`.
struct InitProcess {
    let configuration: Configuration
    let log: Log
    let messages: Messages
    let ownPID: pid_t
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
    /// The control request being handled, and who sent it: its `.reply` goes there.
    var replyingTo: (ControlChannel.Request, ControlProtocol.Request)? = nil
    /// Processes SIGKILLed when the grace period ran out, for the exit's explanation.
    var leftoversKilled = 0
    /// A supervisord configuration's XML-RPC server.
    var rpc: RPCServer? = nil
    /// Scheduled tasks' timer (when there are tasks), and the wall-clock time it is armed for.
    var timer: WallTimer? = nil
    var timerArmedAt: WallTime? = nil
    /// Keeps the state a recovery after a fault needs published (`InitProcess+Recovery`).
    var recoveryTracker = RecoveryTracker()
    /// runit's services' files and pipes (the my_init personality).
    var runitFiles: RunitProcesses? = nil
    /// The environment the last startup file left in /etc/container_environment.
    var importedEnvironment: InstalledEnvironment? = nil

    init(configuration: Configuration, parentAtStart: pid_t, hasMain: Bool) {
        self.configuration = configuration
        log = Log(verbosity: configuration.verbosity, style: configuration.logStyle)
        messages = Messages(wording: configuration.wording, log: log)
        self.parentAtStart = parentAtStart
        let pid = getpid()
        ownPID = pid
        var policy = Policy(configuration, isNamespaceInit: pid == 1, wallClockOffset: Clock.wallClockOffset())
        policy.ownPID = pid
        if configuration.isSupervisord { policy.localZone = Clock.localZone() }
        supervisor = Supervisor(policy: policy, processes: configuration.processes, hasMain: hasMain, main: configuration.main,
                                runit: configuration.runit)
        procIsOwn = ProcessTable.describesOwnNamespace(ownPID: pid)
    }

    /// Supervises `command` (nil: none, pause mode) and the configured processes. Returns the
    /// exit code.
    mutating func run(_ command: Command?) -> Int32 {
        self.command = command
        // supervisord's programs start with PIPE and XFSZ ignored, as Python leaves them.
        if configuration.isSupervisord { for signal in [SIGPIPE, SIGXFSZ] { _ = clinux_ignore_signal(signal, nil) } }
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
            switch ControlChannel.open() {
            case .success(let channel): control = channel
            case .failure(let error) where error.errno == EADDRINUSE && ControlChannel.heldFromOutside:
                log.warning("no control channel: its name is held by a process outside this container")
            case .failure(let error):
                log.info("no control channel: \(error.description)")
            }
        }
        if configuration.processes.contains(where: { $0.kind == .task }) {
            switch WallTimer.open() {
            case .success(let opened): timer = opened
            case .failure(let error):
                log.error("cannot set up the timer of scheduled tasks: \(error.description)")
                return configuration.exitCodes.internalFailure
            }
        }
        if let code = setUpSupervisord() { return code }
        let launcher = Launcher(configuration: configuration, signals: channel.inherited, ownPID: ownPID)
        launcher.prepare(log: log)
        self.launcher = launcher
        if configuration.runit != nil { runitFiles = RunitProcesses(launcher: launcher, log: log) }
        if command == nil && configuration.processes.isEmpty {
            log.info("pause mode: reaping orphans until TERM, INT or QUIT")
        }
        self.channel = channel
        if let code = handle(.start) { return finish(code) }
        // Only now: the children have exec'd and kept the caller's directory.
        launcher.leaveStartingDirectory(log: log)

        if let signal = parentGone, let code = handle(.signal(signal)) { return finish(code) }
        // In two steps: `finish` must see the supervisor as the loop left it.
        let code = loop(channel)
        return finish(code)
    }

    /// What is said on the way out: relayed output still waiting, and why vigil exits.
    private func finish(_ code: Int32) -> Int32 {
        launcher?.relay.flush()
        launcher?.programs.flush()
        tearDownSupervisord()
        control?.close()
        if configuration.explainsExit { explainExit(code) }
        return code
    }

    /// One line saying why vigil exits (with `-v` unless something went wrong that the log has
    /// not said whole), and the same with the sidecars' restart counts in the termination log.
    private func explainExit(_ code: Int32) {
        let report = supervisor.exitReport(code: code, at: Clock.now(), leftoversKilled: leftoversKilled)
        if report.isWorthSaying { log.error(report.line) } else { log.info(report.line) }
        let path = configuration.terminationLog ?? TerminationLog.defaultPath
        let message = report.message(longest: TerminationLog.longest)
        if let error = TerminationLog.write(message, to: path, create: configuration.terminationLog != nil) {
            if configuration.terminationLog != nil { log.warning("cannot write the termination log: \(error.description)") }
            else { log.debug("no termination log: \(error.description)") }
        }
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

    /// Spawns the main child: what the supervisor is told.
    mutating func spawnMain(_ channel: SignalChannel) -> SupervisorEvent {
        guard let command, let launcher else { return .mainCouldNotStart(errno: ENOENT) }
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
            && launcher.childrenInheritDirectory
        let result = plain && command.argv != nil
            ? Spawner.spawn(request)
            : launcher.spawn(Launcher.mainIndex, main, argv: command.argv, words: command.words, base: request)
        switch result {
        case .success(let child):
            if configuration.grouping != .callersGroup { childGroup = child }
            if request.takeTerminal { terminalGroup = child }
            messages.spawned(command.name, child, foreground: request.takeTerminal)
            return .mainStarted(pid: child, foreground: request.takeTerminal)
        case .failure(let error):
            messages.cannotRun(command.name, errno: error.errno)
            return .mainCouldNotStart(errno: error.errno)
        }
    }
}
