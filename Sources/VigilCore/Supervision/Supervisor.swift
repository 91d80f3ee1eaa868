import CLinux

/// Where a forwarded signal goes.
enum SignalTarget: Equatable {
    case process(Int32)
    case processGroup(Int32)
}

/// Why the rest of the tree was SIGKILLed.
enum KillReason: Equatable {
    /// The grace period (its length) ran out.
    case graceExpired(Int64)
    case noGracePeriod
    case repeatedStopRequest
}

/// Something the runtime must do. The supervisor decides; the runtime performs, and logs what
/// the action carries.
enum SupervisorAction: Equatable {
    /// Send a signal to the main child or its process group.
    case send(signal: Int32, to: SignalTarget)
    /// Send a signal to every process vigil is responsible for, except itself: the whole
    /// namespace as PID 1, its descendants as a subreaper.
    case signalLeftovers(signal: Int32)
    /// SIGKILL whatever is left, and say which processes that was and why.
    case killLeftovers(reason: KillReason)
    /// Stop vigil itself (SIGSTOP), so that the shell above sees the job stop.
    case stopSelf
    /// Processes are still there this long after SIGKILL (stuck in the kernel): say so.
    case reportStragglers(after: Int64)
    case exit(code: Int32)
}

/// vigil's decisions as a plain value: events in, actions out, no system calls. Tests drive
/// it directly; the runtime feeds it what the kernel reports and performs what it returns.
///
/// The life of an init, each phase holding its own data:
/// - `running`: the main child runs; signals are forwarded to it.
/// - `pausing`: pause mode, no child; a stop request starts the shutdown.
/// - `draining`: the main child is gone (or pause mode was asked to stop); the rest has been
///   sent the stop signal and has until the grace deadline.
/// - `killing`: SIGKILL sent; waiting, briefly, for the kernel to finish them.
/// The shutdown ends, and vigil exits, the moment nothing is left.
struct Supervisor {
    /// The main child and what happened to it so far. Each supervised process keeps its own
    /// state in a value like this one.
    struct MainChild: Equatable {
        let pid: Int32
        /// A stop request has arrived.
        var stopRequested = false
        /// When `--kill-after` SIGKILLs it.
        var killDeadline: Instant? = nil
        /// A repeated stop request SIGKILLed it: the rest gets no grace period either.
        var hurry = false
        /// It was given the terminal and vigil is not PID 1: when it stops (^Z), vigil stops
        /// too, so that the shell above sees its job stop.
        var stopsVigilWhenStopped = false
    }

    /// A shutdown under way.
    struct Shutdown: Equatable {
        var deadline: Instant
        /// What vigil exits with once it is over.
        var exitCode: Int32
        /// A stop request arrived before or during it: another one is a repeat.
        var stopRequested: Bool
    }

    enum Phase: Equatable {
        case starting
        case running(MainChild)
        case pausing
        case draining(Shutdown)
        case killing(Shutdown)
        case exited
    }

    let policy: Policy
    private(set) var phase = Phase.starting

    init(policy: Policy) {
        self.policy = policy
    }

    static func isStopRequest(_ signal: Int32) -> Bool {
        signal == SIGTERM || signal == SIGINT || signal == SIGQUIT
    }

    /// Whether `pid` is the running main child.
    func isMainChild(_ pid: Int32) -> Bool {
        if case .running(let child) = phase { return child.pid == pid }
        return false
    }

    /// When vigil must next act without any event: nil means sleep until something happens.
    var deadline: Instant? {
        switch phase {
        case .running(let child): return child.killDeadline
        case .draining(let shutdown), .killing(let shutdown): return shutdown.deadline
        case .starting, .pausing, .exited: return nil
        }
    }

    /// True while vigil waits for the rest of the tree to be gone: the runtime then reports
    /// `nothingLeft` as soon as that is so.
    var awaitsEmptyTree: Bool {
        switch phase {
        case .draining, .killing: return true
        default: return false
        }
    }

    /// The main child started. `foreground`: it was given the terminal.
    mutating func started(mainChild pid: Int32, foreground: Bool = false) {
        precondition(phase == .starting, "the main child starts once")
        phase = .running(MainChild(pid: pid, stopsVigilWhenStopped: foreground && !policy.isNamespaceInit))
    }

    mutating func startedPausing() {
        precondition(phase == .starting, "pause mode starts once")
        phase = .pausing
    }

    /// A signal arrived for vigil (never SIGCHLD, which only means "reap").
    mutating func received(_ signal: Int32, at now: Instant) -> [SupervisorAction] {
        let isStop = Supervisor.isStopRequest(signal)
        switch phase {
        case .starting, .exited, .killing:
            return []
        case .running(var child):
            let repeated = isStop && child.stopRequested
            if isStop && !repeated {
                child.stopRequested = true
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
        case .pausing:
            guard isStop else { return [] }
            return beginShutdown(exitCode: 0, stopRequested: true, hurry: false, at: now)
        case .draining(var shutdown):
            let repeated = isStop && shutdown.stopRequested
            if isStop {
                shutdown.stopRequested = true
                phase = .draining(shutdown)
            }
            if repeated && policy.repeatedStopKills {
                return kill(.repeatedStopRequest, shutdown, at: now)
            }
            // A tree that is stopping gets only what makes sense for it: stop requests, and
            // signals the user chose to rewrite. WINCH, USR1 and the like are not broadcast.
            guard isStop || policy.rewrite.isChosen(signal), let forwarded = policy.rewrite.apply(signal) else { return [] }
            return [.signalLeftovers(signal: forwarded)]
                + (isStop && continuesAfterStopping(forwarded) ? [.signalLeftovers(signal: SIGCONT)] : [])
        }
    }

    /// A child was reaped, or reported stopped.
    mutating func reaped(_ pid: Int32, _ state: ChildState, at now: Instant) -> [SupervisorAction] {
        guard case .running(let child) = phase, pid == child.pid else { return [] }
        if case .stopped = state { return child.stopsVigilWhenStopped ? [.stopSelf] : [] }
        guard let code = state.exitCode else { return [] }
        let exitCode = policy.exitMap.apply(code)
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
            return beginShutdown(exitCode: exitCode, stopRequested: child.stopRequested, hurry: child.hurry, at: now)
        }
    }

    /// The deadline passed.
    mutating func timeReached(_ now: Instant) -> [SupervisorAction] {
        guard let deadline, now >= deadline else { return [] }
        switch phase {
        case .running(var child):
            child.killDeadline = nil
            phase = .running(child)
            return [.send(signal: SIGKILL, to: target(child))]
        case .draining(let shutdown):
            return kill(.graceExpired(policy.grace), shutdown, at: now)
        case .killing(let shutdown):
            phase = .exited
            return [.reportStragglers(after: policy.killWait), .exit(code: shutdown.exitCode)]
        case .starting, .pausing, .exited:
            return []
        }
    }

    /// The runtime found nothing left to wait for.
    mutating func nothingLeft() -> [SupervisorAction] {
        switch phase {
        case .draining(let shutdown), .killing(let shutdown):
            phase = .exited
            return [.exit(code: shutdown.exitCode)]
        default:
            return []
        }
    }

    /// Waiting for events failed for good. Where vigil stops the tree, it still does (the
    /// runtime then checks by sleeping instead of waiting), and exits with its failure code.
    mutating func waitFailed(at now: Instant) -> [SupervisorAction] {
        let code = policy.internalFailureExitCode
        switch phase {
        case .draining(var shutdown), .killing(var shutdown):
            shutdown.exitCode = code
            phase = phase.isKilling ? .killing(shutdown) : .draining(shutdown)
            return []
        case .running, .pausing, .starting:
            guard policy.mainChildExit == .stopTheRest else {
                phase = .exited
                return [.exit(code: code)]
            }
            // The main child is stopped with the rest: it is among them.
            return beginShutdown(exitCode: code, stopRequested: true, hurry: false, at: now)
        case .exited:
            return []
        }
    }

    private mutating func beginShutdown(
        exitCode: Int32, stopRequested: Bool, hurry: Bool, at now: Instant
    ) -> [SupervisorAction] {
        let shutdown = Shutdown(deadline: now + policy.grace, exitCode: exitCode, stopRequested: stopRequested)
        if hurry { return kill(.repeatedStopRequest, shutdown, at: now) }
        if policy.grace <= 0 { return kill(.noGracePeriod, shutdown, at: now) }
        phase = .draining(shutdown)
        return [.signalLeftovers(signal: policy.stopSignal)]
            + (continuesAfterStopping(policy.stopSignal) ? [.signalLeftovers(signal: SIGCONT)] : [])
    }

    private mutating func kill(_ reason: KillReason, _ shutdown: Shutdown, at now: Instant) -> [SupervisorAction] {
        var shutdown = shutdown
        shutdown.deadline = now + policy.killWait
        phase = .killing(shutdown)
        return [.killLeftovers(reason: reason)]
    }

    /// A stopped process cannot handle a stop signal until it is continued: in vigil's own
    /// stop, CONT follows it at once, as systemd does. tini and dumb-init send none.
    private func continuesAfterStopping(_ signal: Int32) -> Bool {
        policy.mainChildExit == .stopTheRest && signal != SIGKILL && signal != SIGCONT && signal != SIGSTOP
    }

    private func target(_ child: MainChild) -> SignalTarget {
        policy.forwardToGroup ? .processGroup(child.pid) : .process(child.pid)
    }
}

extension Supervisor.Phase {
    var isKilling: Bool {
        if case .killing = self { return true }
        return false
    }
}
