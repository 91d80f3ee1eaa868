import CLinux

/// Ends the process with `code`.
public func exitProcess(_ code: Int32) -> Never {
    exit(code)
}

/// The running init: sets up signals, starts the child, and loops "wait, forward, reap".
struct InitProcess {
    let configuration: Configuration
    let log: Log
    let parentAtStart: pid_t
    let ownPID = getpid()
    var supervisor: Supervisor

    init(configuration: Configuration, log: Log, parentAtStart: pid_t) {
        self.configuration = configuration
        self.log = log
        self.parentAtStart = parentAtStart
        self.supervisor = Supervisor(policy: Supervisor.Policy(configuration))
    }

    mutating func run(
        argv: UnsafePointer<UnsafeMutablePointer<CChar>?>,
        envp: UnsafePointer<UnsafeMutablePointer<CChar>?>
    ) -> Int32 {
        let channel: SignalChannel
        do {
            channel = try SignalChannel.open()
        } catch {
            log.error("cannot set up signal handling: \(error.description)")
            return ExitCodes.internalFailure
        }
        guard becomeSubreaperIfNeeded() else { return ExitCodes.internalFailure }
        var early: [ReceivedSignal] = []
        if let signal = configuration.parentDeathSignal {
            if clinux_set_parent_death_signal(signal) != 0 {
                log.warning("cannot set the parent-death signal: \(SystemError.last("prctl").description)")
            } else if getppid() != parentAtStart {
                // The parent died before the request took effect; the kernel will not send it.
                log.info("parent already gone; acting on \(SignalNames.name(of: signal)) now")
                early.append(ReceivedSignal(number: signal))
            }
        }

        let takeTerminal = isatty(0) == 1 && tcgetpgrp(0) == getpgrp()
        let child: pid_t
        switch Spawner.spawn(.init(argv: argv, envp: envp, takeTerminal: takeTerminal)) {
        case .success(let pid):
            child = pid
        case .failure(let error):
            let name = String(cString: argv[0]!)
            log.error("cannot run '\(name)': \(spawnReason(error.errno))")
            return ExitCodes.forSpawnFailure(errno: error.errno)
        }
        // Only now: posix_spawn returned after the child's exec, so the child kept the
        // caller's directory. vigil itself must not pin a mount.
        if chdir("/") != 0 { log.debug("chdir /: \(SystemError.last("chdir").description)") }
        supervisor.started(mainChild: child)
        log.debug("started child \(child)\(takeTerminal ? " in the terminal's foreground" : "")")

        for signal in early {
            if let code = perform(supervisor.received(signal.number)) { return code }
        }
        while true {
            EventWait.wait(for: [channel.fd], until: nil)
            for signal in channel.drain() {
                guard shouldForward(signal) else { continue }
                log.debug("received \(SignalNames.name(of: signal.number)) from pid \(signal.sender)")
                if let code = perform(supervisor.received(signal.number)) { return code }
            }
            if let code = reapAll() { return code }
        }
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
    private mutating func reapAll() -> Int32? {
        while true {
            let result: ReapResult
            var name: String? = nil
            if configuration.warnOnReap {
                result = Processes.peekExited()
                if case .reaped(let pid, _) = result, pid != supervisor.mainChild {
                    name = Processes.commandName(pid)
                }
            } else {
                result = Processes.reapOne()
            }
            guard case .reaped(let pid, var status) = result else { return nil }
            if configuration.warnOnReap {
                guard let reapedStatus = Processes.reap(pid) else { continue }
                status = reapedStatus
            }
            let state = ChildState(waitStatus: status)
            if pid == supervisor.mainChild {
                log.info("child \(pid) \(describe(state))")
            } else if configuration.warnOnReap {
                log.warning("reaped zombie process \(pid) (\(name ?? "?")), \(describe(state))")
            } else {
                log.debug("reaped process \(pid), \(describe(state))")
            }
            if let code = perform(supervisor.reaped(pid, state)) { return code }
        }
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
                if let error = Processes.signal(pid, signal) {
                    log.warning("cannot forward \(SignalNames.name(of: signal)) to \(pid): \(error.description)")
                }
            case .exit(let code):
                return code
            }
        }
        return nil
    }

    /// Registers as child subreaper when vigil is not PID 1, so orphans still come to it.
    /// Returns false only when `-s` demanded it and the kernel refused.
    private func becomeSubreaperIfNeeded() -> Bool {
        if ownPID == 1 { return true }
        if clinux_set_child_subreaper() == 0 {
            log.info("not PID 1 (pid \(ownPID)); registered as child subreaper")
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

    private func spawnReason(_ errno: Int32) -> String {
        switch errno {
        case ENOENT: return "command not found"
        case EACCES: return "permission denied"
        case ENOEXEC: return "not an executable format"
        default: return SystemError.reason(errno)
        }
    }
}

func describe(_ state: ChildState) -> String {
    switch state {
    case .exited(let code): return "exited with code \(code)"
    case .killed(let signal, let core):
        return "killed by \(SignalNames.name(of: signal))\(core ? " (core dumped)" : "")"
    case .stopped(let signal): return "stopped by \(SignalNames.name(of: signal))"
    case .continued: return "continued"
    }
}
