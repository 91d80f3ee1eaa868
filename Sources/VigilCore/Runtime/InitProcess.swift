import CLinux

/// Ends the process with `code`.
public func exitProcess(_ code: Int32) -> Never {
    exit(code)
}

/// The running init: sets up signals, starts the child, then loops "wait, forward, reap",
/// performing what the `Supervisor` decides.
struct InitProcess {
    let configuration: Configuration
    let log: Log
    let messages: Messages
    let parentAtStart: pid_t
    let ownPID = getpid()
    var supervisor: Supervisor
    var leftovers: Leftovers { Leftovers(ownPID: ownPID) }
    /// Set when the child's group was made the terminal's foreground group at spawn: after
    /// vigil stopped with it and was resumed, the terminal goes back to that group.
    var terminalGroup: pid_t? = nil

    init(configuration: Configuration, parentAtStart: pid_t) {
        self.configuration = configuration
        let log = Log(
            verbosity: configuration.verbosity,
            style: configuration.wording == .tini ? .tini : .named(configuration.personality.programName))
        self.log = log
        self.messages = Messages(wording: configuration.wording, log: log)
        self.parentAtStart = parentAtStart
        self.supervisor = Supervisor(policy: Supervisor.Policy(configuration))
    }

    /// Supervises the command `argv`; nil `argv` is pause mode. Returns the exit code.
    mutating func run(
        argv: UnsafePointer<UnsafeMutablePointer<CChar>?>?,
        envp: UnsafePointer<UnsafeMutablePointer<CChar>?>
    ) -> Int32 {
        // Signals first: from here on none can arrive unobserved, SIGCHLD above all.
        let channel: SignalChannel
        do {
            channel = try SignalChannel.open()
        } catch {
            log.error("cannot set up signal handling: \(error.description)")
            return configuration.personality.internalFailureExitCode
        }
        guard becomeSubreaperIfNeeded() else { return configuration.personality.internalFailureExitCode }
        let parentGone = setParentDeathSignal()

        if let argv {
            if let failure = startChild(argv: argv, envp: envp, channel: channel) {
                return failure
            }
        } else {
            supervisor.startedPausing()
            log.info("pause mode: reaping orphans until TERM, INT or QUIT")
        }
        // Only now: the child has exec'd and kept the caller's directory. vigil itself must
        // not keep a mount busy.
        if chdir("/") != 0 { log.debug("chdir /: \(SystemError.last("chdir").description)") }

        if let signal = parentGone, let code = handle(.signal(signal)) { return code }
        return loop(channel)
    }

    /// Spawns the main child. Returns an exit code when it could not be started.
    private mutating func startChild(
        argv: UnsafePointer<UnsafeMutablePointer<CChar>?>,
        envp: UnsafePointer<UnsafeMutablePointer<CChar>?>,
        channel: SignalChannel
    ) -> Int32? {
        var request = Spawner.Request(
            argv: argv, envp: envp, signals: channel.inherited, inheritMask: configuration.childInheritsSignalMask)
        request.shellFallback = configuration.personality.runsScriptsWithoutShebangThroughShell
        if configuration.session {
            request.newSession = true
            handTerminalToChild(channel)
        } else if configuration.personality == .dumbInit {
            // dumb-init's single-child mode leaves the child in its group and terminal.
            request.newGroup = false
        } else {
            request.takeTerminal = isatty(0) == 1 && tcgetpgrp(0) == getpgrp()
        }
        switch Spawner.spawn(request) {
        case .success(let child):
            supervisor.started(mainChild: child)
            if request.takeTerminal {
                terminalGroup = child
                supervisor.policy.stopsWithChild = ownPID != 1
            }
            messages.spawned(String(cString: argv[0]!), child, foreground: request.takeTerminal)
            return nil
        case .failure(let error):
            messages.cannotRun(String(cString: argv[0]!), errno: error.errno)
            return configuration.personality.spawnFailureExitCode(errno: error.errno)
        }
    }

    /// Wait, forward, reap, and during a shutdown watch what is left, until the supervisor
    /// decides to exit.
    private mutating func loop(_ channel: SignalChannel) -> Int32 {
        var watched: [Int32] = []
        var recheck: Instant? = nil
        while true {
            let deadline = earliest(supervisor.deadline, recheck)
            do throws(SystemError) {
                if watched.isEmpty {
                    if let signal = try channel.waitForOne(until: deadline), let code = receive(signal) { return code }
                } else {
                    // Processes that are not vigil's children are watched through pidfds, so
                    // signals then come through the signalfd, polled together with them.
                    defer { for fd in watched { close(fd) } }
                    try EventWait.wait(for: [channel.fd] + watched, until: deadline)
                    for signal in try channel.drain() {
                        if let code = receive(signal) { return code }
                    }
                }
            } catch {
                return abandonLoop(error)
            }
            watched = []
            recheck = nil

            let reaping = reapAll()
            if let code = reaping.exitCode { return code }
            if let due = supervisor.deadline, Clock.now() >= due {
                if case .killing = supervisor.phase {
                    log.warning("processes still left \(Durations.format(supervisor.policy.killWait)) after SIGKILL; exiting anyway")
                }
                if let code = handle(.deadline) { return code }
            }
            guard supervisor.isShuttingDown else { continue }
            switch leftovers.remaining(hasChildren: reaping.hasChildren) {
            case .nothing:
                log.debug("nothing left")
                if let code = handle(.nothingLeft) { return code }
            case .children:
                break
            case .others(let pidfds):
                watched = pidfds
            case .unwatchable:
                recheck = Clock.now() + 50 * Durations.millisecond
            }
        }
    }

    /// The wait itself failed in a way that would fail again at once (a bad descriptor or
    /// mask): retrying would spin PID 1 at full CPU. vigil says so once, stops the tree
    /// without the event loop, sleeping between checks, and exits with its failure code.
    /// tini and dumb-init exit at once, as they do when their own wait fails.
    private mutating func abandonLoop(_ error: SystemError) -> Int32 {
        let code = configuration.personality.internalFailureExitCode
        log.error("cannot wait for events: \(error.description); stopping")
        guard supervisor.policy.mainChildExit == .stopTheRest else { return code }
        func drained(until deadline: Instant) -> Bool {
            while true {
                while case .reaped = Processes.reapOne() {}
                let othersLeft = ownPID == 1 ? kill(-1, 0) == 0 : Processes.peek() != .noChildren
                if !othersLeft { return true }
                if Clock.now() >= deadline { return false }
                var pause = timespec(tv_sec: 0, tv_nsec: 10_000_000)
                nanosleep(&pause, nil)
            }
        }
        // A shutdown already under way keeps its deadline; otherwise the stop starts now.
        var stopBy = Clock.now() + supervisor.policy.grace
        if supervisor.isShuttingDown, let deadline = supervisor.deadline {
            stopBy = deadline
        } else {
            leftovers.signalAll(supervisor.policy.stopSignal, describe: false)
        }
        if drained(until: stopBy) { return code }
        let killed = leftovers.signalAll(SIGKILL, describe: true)
        if !killed.isEmpty { log.warning("sent SIGKILL to \(list(killed))") }
        _ = drained(until: Clock.now() + supervisor.policy.killWait)
        return code
    }

    /// Forwards or otherwise acts on one signal vigil received.
    private mutating func receive(_ signal: ReceivedSignal) -> Int32? {
        guard shouldForward(signal) else { return nil }
        messages.received(signal.number, from: signal.sender)
        return handle(.signal(signal.number))
    }

    /// SIGCHLD only means "reap". A SIGPIPE that vigil raised on itself by writing to a closed
    /// stderr is vigil's business, not the child's.
    private func shouldForward(_ signal: ReceivedSignal) -> Bool {
        if signal.number == SIGCHLD { return false }
        if signal.number == SIGPIPE && signal.sender == ownPID && signal.code == SI_USER { return false }
        return true
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
                    if pid != supervisor.mainChild { name = ProcessTable.entry(pid)?.name }
                    result = Processes.reap(pid)
                }
            } else {
                result = Processes.reapOne()
            }
            guard case .reaped(let pid, let status) = result else { return (nil, result != .noChildren) }
            let state = ChildState(waitStatus: status)
            if pid == supervisor.mainChild {
                messages.mainChildChanged(pid, state)
            } else if state.exitCode == nil {
                log.debug("process \(pid) \(describe(state))")
            } else {
                messages.reaped(pid, state, name: configuration.warnOnReap ? name ?? "?" : nil)
            }
            if let code = handle(.reaped(pid, state)) { return (code, true) }
        }
    }

    private enum Event {
        case signal(Int32)
        case reaped(pid_t, ChildState)
        case deadline
        case nothingLeft
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
        }
        return perform(actions)
    }

    /// Performs actions; returns an exit code when one of them is "exit".
    private func perform(_ actions: [SupervisorAction]) -> Int32? {
        for action in actions {
            switch action {
            case .send(let signal, let target):
                let pid: pid_t
                switch target {
                case .process(let process): pid = process
                case .processGroup(let group): pid = -group
                }
                if signal == SIGKILL { log.info("sending SIGKILL to \(pid)") }
                if signal == SIGCONT { giveTerminalBack() }
                if let error = Processes.signal(pid, signal) {
                    log.warning("cannot forward \(SignalNames.name(of: signal)) to \(pid): \(error.description)")
                }
            case .signalLeftovers(let signal):
                let signalled = leftovers.signalAll(signal, describe: log.verbosity >= Verbosity.info)
                if !signalled.isEmpty {
                    log.info("sent \(SignalNames.name(of: signal)) to \(list(signalled))")
                }
            case .killLeftovers:
                let killed = leftovers.signalAll(SIGKILL, describe: true)
                if !killed.isEmpty {
                    log.warning("\(killReason()); sent SIGKILL to \(list(killed))")
                }
            case .stopSelf:
                // The kernel ignores this for PID 1: nobody above could resume it anyway.
                log.debug("stopping with the child")
                _ = kill(getpid(), SIGSTOP)
            case .exit(let code):
                return code
            }
        }
        return nil
    }

    private func killReason() -> String {
        switch supervisor.killReason {
        case .noGracePeriod: return "no grace period"
        case .repeatedStopRequest: return "repeated stop request"
        case .graceExpired, nil: return "grace period of \(Durations.format(supervisor.policy.grace)) expired"
        }
    }

    /// After a ^Z, the shell that resumes vigil (`fg`) makes vigil's group the foreground
    /// again; the child's group needs it back before it continues.
    private func giveTerminalBack() {
        guard let group = terminalGroup, tcgetpgrp(0) == getpgrp() else { return }
        if tcsetpgrp(0, group) != 0 {
            log.debug("cannot give the terminal back: \(SystemError.last("tcsetpgrp").description)")
        }
    }

    /// Registers as child subreaper when vigil is not PID 1, so orphans still come to it.
    /// Returns false only when `-s` demanded it and the kernel refused.
    private func becomeSubreaperIfNeeded() -> Bool {
        if ownPID == 1 { return true }
        let personality = configuration.personality
        guard configuration.requireSubreaper || personality.registersSubreaperByDefault else {
            // The bit survives exec: a wrapper may have set it before running vigil.
            if personality == .tini && clinux_is_child_subreaper() != 1 {
                messages.cannotReap()
            }
            return true
        }
        if clinux_set_child_subreaper() == 0 {
            messages.registeredSubreaper(ownPID)
            return true
        }
        let error = SystemError.last("prctl(PR_SET_CHILD_SUBREAPER)")
        if configuration.requireSubreaper {
            log.error("cannot register as child subreaper: \(error.description)")
            return false
        }
        log.warning("not PID 1 and cannot register as child subreaper (\(SystemError.reason(error.errno))); orphaned processes will not be reaped")
        return true
    }

    /// Sets `-p`. Returns the signal to act on at once when the parent is already gone,
    /// because the kernel will then never send it.
    private func setParentDeathSignal() -> Int32? {
        guard let signal = configuration.parentDeathSignal else { return nil }
        if clinux_set_parent_death_signal(signal) != 0 {
            log.warning("cannot set the parent-death signal: \(SystemError.last("prctl").description)")
            return nil
        }
        guard getppid() != parentAtStart else { return nil }
        log.info("parent already gone; acting on \(SignalNames.name(of: signal)) now")
        return signal
    }

    /// Session mode: vigil gives up stdin's terminal so that the child can make it its own.
    /// When vigil led the session, the kernel then sends SIGHUP and SIGCONT to the terminal's
    /// foreground group, vigil included; those two are discarded here, before any child
    /// exists, instead of being forwarded to it. Other pending signals stay queued.
    private func handTerminalToChild(_ signals: SignalChannel) {
        guard isatty(0) == 1 else { return }
        let wasLeader = getsid(0) == ownPID
        if clinux_detach_terminal(0) != 0 {
            log.debug("cannot detach from the terminal: \(SystemError.last("TIOCNOTTY").description)")
            return
        }
        guard wasLeader else { return }
        for signal in signals.discardPending([SIGHUP, SIGCONT]) {
            log.debug("ignoring \(SignalNames.name(of: signal)) from the terminal hand-off")
        }
    }
}

private func earliest(_ a: Instant?, _ b: Instant?) -> Instant? {
    guard let a else { return b }
    guard let b else { return a }
    return min(a, b)
}

private func list(_ entries: [ProcessEntry]) -> String {
    var text = ""
    for entry in entries {
        if !text.isEmpty { text += ", " }
        text += "\(entry.pid) (\(entry.name))"
    }
    return text
}
