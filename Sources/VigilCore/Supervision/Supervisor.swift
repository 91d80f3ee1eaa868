import CLinux

/// Where a forwarded signal goes.
public enum SignalTarget: Equatable, Sendable {
    case process(Int32)
    case processGroup(Int32)
}

/// Something the runtime must do. The supervisor decides; the runtime performs.
public enum SupervisorAction: Equatable, Sendable {
    /// Send a signal to the main child or its process group.
    case send(signal: Int32, to: SignalTarget)
    /// Send a signal to every process vigil is responsible for, except itself: the whole
    /// namespace as PID 1, its descendants as a subreaper.
    case signalLeftovers(signal: Int32)
    /// SIGKILL whatever is left, and say which processes that was.
    case killLeftovers
    /// Stop vigil itself (SIGSTOP), so that the shell above sees the job stop.
    case stopSelf
    case exit(code: Int32)
}

/// vigil's decisions as a plain value: events in, actions out, no system calls. Tests drive
/// it directly; the runtime feeds it what the kernel reports and performs what it returns.
///
/// The life of an init:
/// - `running`: the main child runs; signals are forwarded to it.
/// - `pausing`: pause mode, no child; a stop request starts the shutdown.
/// - `draining`: the main child is gone (or pause mode was asked to stop); the rest has been
///   sent the stop signal and has until the grace deadline.
/// - `killing`: SIGKILL sent; waiting, briefly, for the kernel to finish them.
/// The shutdown ends, and vigil exits, the moment nothing is left.
public struct Supervisor: Sendable {
    /// What to do when the main child exits.
    public enum MainChildExit: Equatable, Sendable {
        /// Stop the rest of the tree gracefully, then exit (vigil's own mode).
        case stopTheRest
        /// Exit at once; as PID 1 the kernel kills what is left (tini's behaviour).
        case exitAtOnce
        /// Forward SIGTERM (rewritten) as any signal, then exit at once (dumb-init's behaviour).
        case forwardTermAndExit
    }

    public struct Policy: Equatable, Sendable {
        public var forwardToGroup = false
        public var exitMap = ExitMap()
        public var stopSignal: Int32 = SIGTERM
        public var grace: Int64 = 5 * Durations.second
        public var killAfter: Int64? = nil
        public var repeatedStopKills = false
        public var mainChildExit = MainChildExit.stopTheRest
        public var rewrite = SignalRewrite()
        /// After forwarding TSTP, TTIN or TTOU, stop vigil too (session mode).
        public var stopsWithTerminalSignals = false
        /// When the main child stops (^Z at the terminal it was given), stop vigil too, so
        /// that the shell above sees its job stop instead of waiting on a running vigil. The
        /// runtime sets this only when vigil is not PID 1 and gave the child the terminal.
        public var stopsWithChild = false
        /// How long to wait for SIGKILLed processes to be gone before exiting anyway (a process
        /// in uninterruptible sleep dies only when its I/O ends).
        public var killWait: Int64 = 2 * Durations.second

        public init() {}

        public init(_ configuration: Configuration) {
            forwardToGroup = configuration.forwardToGroup
            exitMap = configuration.exitMap
            stopSignal = configuration.stopSignal
            grace = configuration.grace
            killAfter = configuration.killAfter
            repeatedStopKills = configuration.repeatedStopKills
            rewrite = configuration.rewrite
            stopsWithTerminalSignals = configuration.stopsWithTerminalStopSignals
            if configuration.stopsTheRest {
                mainChildExit = .stopTheRest
            } else {
                mainChildExit = configuration.personality == .dumbInit ? .forwardTermAndExit : .exitAtOnce
            }
        }
    }

    /// Why the rest was SIGKILLed.
    public enum KillReason: Equatable, Sendable {
        case graceExpired, noGracePeriod, repeatedStopRequest
    }

    public enum Phase: Equatable, Sendable {
        case starting
        case running(child: Int32)
        case pausing
        case draining(deadline: Instant)
        case killing(deadline: Instant)
        case exited
    }

    public var policy: Policy
    public private(set) var phase = Phase.starting
    /// When the first stop request arrived.
    public private(set) var firstStopRequest: Instant? = nil
    /// What vigil will exit with once the shutdown is over.
    public private(set) var exitCode: Int32 = 0
    /// The kill-after deadline while the main child runs.
    private var killAfterDeadline: Instant? = nil
    /// A repeated stop request asked for SIGKILL: no grace period for the rest either.
    private var hurry = false
    /// Set when the rest is SIGKILLed.
    public private(set) var killReason: KillReason? = nil

    public init(policy: Policy) {
        self.policy = policy
    }

    /// The main child, while it runs.
    public var mainChild: Int32? {
        if case .running(let child) = phase { return child }
        return nil
    }

    /// When vigil must next act without any event: nil means sleep until something happens.
    public var deadline: Instant? {
        switch phase {
        case .running: return killAfterDeadline
        case .draining(let deadline), .killing(let deadline): return deadline
        case .starting, .pausing, .exited: return nil
        }
    }

    /// True while vigil waits for the rest of the tree to be gone.
    public var isShuttingDown: Bool {
        switch phase {
        case .draining, .killing: return true
        default: return false
        }
    }

    public static func isStopRequest(_ signal: Int32) -> Bool {
        signal == SIGTERM || signal == SIGINT || signal == SIGQUIT
    }

    public mutating func started(mainChild pid: Int32) {
        phase = .running(child: pid)
    }

    public mutating func startedPausing() {
        phase = .pausing
    }

    /// A signal arrived for vigil (never SIGCHLD, which only means "reap").
    public mutating func received(_ signal: Int32, at now: Instant) -> [SupervisorAction] {
        let isStop = Supervisor.isStopRequest(signal)
        let repeated = isStop && firstStopRequest != nil
        if isStop && firstStopRequest == nil {
            firstStopRequest = now
        }
        switch phase {
        case .starting, .exited, .killing:
            return []
        case .running(let child):
            if isStop, killAfterDeadline == nil, !repeated, let killAfter = policy.killAfter {
                killAfterDeadline = now + killAfter
            }
            if repeated && policy.repeatedStopKills {
                hurry = true
                return [.send(signal: SIGKILL, to: childTarget(child))]
            }
            var actions: [SupervisorAction] = []
            if let forwarded = policy.rewrite.apply(signal) {
                actions.append(.send(signal: forwarded, to: childTarget(child)))
            }
            if policy.stopsWithTerminalSignals && (signal == SIGTSTP || signal == SIGTTIN || signal == SIGTTOU) {
                actions.append(.stopSelf)
            }
            return actions
        case .pausing:
            guard isStop else { return [] }
            exitCode = 0
            return beginShutdown(at: now)
        case .draining:
            if repeated && policy.repeatedStopKills {
                return kill(.repeatedStopRequest, at: now)
            }
            guard let forwarded = policy.rewrite.apply(signal) else { return [] }
            return [.signalLeftovers(signal: forwarded)]
        }
    }

    /// A child was reaped.
    public mutating func reaped(_ pid: Int32, _ state: ChildState, at now: Instant) -> [SupervisorAction] {
        guard case .running(let child) = phase, pid == child else { return [] }
        if case .stopped = state { return policy.stopsWithChild ? [.stopSelf] : [] }
        guard let code = state.exitCode else { return [] }
        exitCode = policy.exitMap.apply(code)
        killAfterDeadline = nil
        switch policy.mainChildExit {
        case .exitAtOnce:
            phase = .exited
            return [.exit(code: exitCode)]
        case .forwardTermAndExit:
            phase = .exited
            var actions: [SupervisorAction] = []
            if let term = policy.rewrite.apply(SIGTERM) {
                actions.append(.send(signal: term, to: childTarget(child)))
            }
            return actions + [.exit(code: exitCode)]
        case .stopTheRest:
            return beginShutdown(at: now)
        }
    }

    /// The deadline passed.
    public mutating func timeReached(_ now: Instant) -> [SupervisorAction] {
        guard let deadline, now >= deadline else { return [] }
        switch phase {
        case .running(let child):
            killAfterDeadline = nil
            return [.send(signal: SIGKILL, to: childTarget(child))]
        case .draining:
            return kill(.graceExpired, at: now)
        case .killing:
            phase = .exited
            return [.exit(code: exitCode)]
        case .starting, .pausing, .exited:
            return []
        }
    }

    /// The runtime found nothing left to wait for.
    public mutating func nothingLeft() -> [SupervisorAction] {
        guard isShuttingDown else { return [] }
        phase = .exited
        return [.exit(code: exitCode)]
    }

    private mutating func beginShutdown(at now: Instant) -> [SupervisorAction] {
        if hurry { return kill(.repeatedStopRequest, at: now) }
        if policy.grace <= 0 { return kill(.noGracePeriod, at: now) }
        phase = .draining(deadline: now + policy.grace)
        return [.signalLeftovers(signal: policy.stopSignal)]
    }

    private mutating func kill(_ reason: KillReason, at now: Instant) -> [SupervisorAction] {
        killReason = reason
        phase = .killing(deadline: now + policy.killWait)
        return [.killLeftovers]
    }

    private func childTarget(_ child: Int32) -> SignalTarget {
        policy.forwardToGroup ? .processGroup(child) : .process(child)
    }
}
