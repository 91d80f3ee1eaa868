import CLinux

/// vigil's decisions as a plain value: events in, actions out, no system calls. Tests drive
/// it directly; the runtime feeds it what the kernel reports and performs what it returns.
///
/// The life of an init, each phase holding its own data:
/// - `bringingUp`: init tasks run one after another, then sidecars start one after another,
///   each ready before the next; then the main command starts.
/// - `running`: the main child runs; signals are forwarded to it; sidecars are restarted.
/// - `pausing`: no main command (pause mode, or sidecars only); a stop request stops all.
/// - `stoppingProcesses`: the main child is gone; sidecars are stopped one at a time, in
///   reverse start order, within the grace period.
/// - `draining`: the rest has been sent the stop signal and has until the grace deadline.
/// - `killing`: SIGKILL sent; waiting, briefly, for the kernel to finish them.
/// The shutdown ends, and vigil exits, the moment nothing is left.
struct Supervisor {
    /// The main child and what happened to it so far.
    struct MainChild: Equatable {
        let pid: Int32
        /// A stop request has arrived (or a required sidecar failed).
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
        /// When the grace period ends, for the whole sequence after the main child.
        var deadline: Instant
        /// What vigil exits with once it is over.
        var exitCode: Int32
        /// A stop request arrived before or during it: another one is a repeat.
        var stopRequested: Bool
    }

    enum Phase: Equatable {
        case starting
        /// `next`: the init task or sidecar now coming up.
        case bringingUp(next: Int)
        case running(MainChild)
        case pausing
        /// Supervised processes are stopped one at a time, in reverse start order.
        case stoppingProcesses(Shutdown)
        case draining(Shutdown)
        case killing(Shutdown)
        case exited
    }

    let policy: Policy
    // The stored state below is changed only by the supervisor itself, here and in its
    // extensions (Supervisor+*.swift), which is why it is not private.
    var phase = Phase.starting
    /// Init tasks and sidecars, in start order, each with its state.
    var processes: [Supervised]
    /// Set by the first stop request or failure that starts the end: nothing restarts after.
    var ending = false
    /// When the main child started, and how it ended (for `vigil status`).
    private(set) var mainStartedAt: Instant? = nil
    private(set) var mainExit: Int32? = nil
    /// What vigil exits with when something other than the main child decides it (a failed
    /// init task, a required sidecar down for good, a stop request before the main started).
    var exitOverride: Int32? = nil
    /// The main command was started (or is to be): without one, vigil pauses.
    let hasMain: Bool

    init(policy: Policy, processes: [ProcessSpec] = [], hasMain: Bool = true) {
        self.policy = policy
        self.processes = processes.map { Supervised(spec: $0) }
        self.hasMain = hasMain
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
        var earliest: Instant? = nil
        func consider(_ time: Instant?) {
            guard let time else { return }
            earliest = min(earliest ?? time, time)
        }
        switch phase {
        case .running(let child): consider(child.killDeadline)
        case .stoppingProcesses(let shutdown), .draining(let shutdown), .killing(let shutdown): consider(shutdown.deadline)
        case .starting, .bringingUp, .pausing, .exited: break
        }
        for process in processes {
            switch process.state {
            case .backingOff(let until): consider(until)
            case .stopping(_, let deadline, _): consider(deadline)
            case .starting: consider(process.nextCheck); consider(process.startDeadline); consider(process.checkDeadline)
            default: break
            }
        }
        return earliest
    }

    /// True while vigil waits for the rest of the tree to be gone: the runtime then reports
    /// `nothingLeft` as soon as that is so.
    var awaitsEmptyTree: Bool {
        switch phase {
        case .draining, .killing: return true
        default: return false
        }
    }

    // MARK: Starting

    /// Starts what comes first: the first init task or sidecar, or the main command, or
    /// nothing (pause mode).
    mutating func start(at now: Instant) -> [SupervisorAction] {
        precondition(phase == .starting, "vigil starts once")
        return bringUp(from: 0, at: now)
    }

    /// The main child started. `foreground`: it was given the terminal.
    mutating func started(mainChild pid: Int32, foreground: Bool = false, at now: Instant = 0) {
        precondition(phase == .starting || isBringingUp, "the main child starts once")
        mainStartedAt = now
        phase = .running(MainChild(pid: pid, stopsVigilWhenStopped: foreground && !policy.isNamespaceInit))
    }

    mutating func startedPausing() {
        precondition(phase == .starting || isBringingUp, "pause mode starts once")
        phase = .pausing
    }

    /// The main command could not be started: stop what runs and exit with `code`.
    mutating func mainCouldNotStart(code: Int32, at now: Instant) -> [SupervisorAction] {
        exitOverride = code
        ending = true
        return beginShutdown(exitCode: code, stopRequested: false, hurry: false, at: now)
    }

    var isBringingUp: Bool {
        if case .bringingUp = phase { return true }
        return false
    }

    // MARK: Events

    /// A signal arrived for vigil (never SIGCHLD, which only means "reap").
    mutating func received(_ signal: Int32, at now: Instant) -> [SupervisorAction] {
        let isStop = Supervisor.isStopRequest(signal)
        switch phase {
        case .starting, .exited, .killing:
            return []
        case .bringingUp:
            guard isStop else { return [] }
            // Nothing more starts; what did start is stopped, as after the main child.
            ending = true
            let code = hasMain ? 128 + signal : 0
            exitOverride = code
            return beginShutdown(exitCode: code, stopRequested: true, hurry: false, at: now)
        case .running(var child):
            let repeated = isStop && child.stopRequested
            if isStop && !repeated {
                child.stopRequested = true
                ending = true
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
            if isStop {
                ending = true
                return beginShutdown(exitCode: exitOverride ?? 0, stopRequested: true, hurry: false, at: now)
            }
            // Without a main command, signals go to every sidecar.
            guard let forwarded = policy.rewrite.apply(signal) else { return [] }
            return processes.compactMap { $0.pid.map { .send(signal: forwarded, to: .processGroup($0)) } }
        case .stoppingProcesses(var shutdown), .draining(var shutdown):
            let repeated = isStop && shutdown.stopRequested
            if isStop {
                shutdown.stopRequested = true
                phase = phase.withShutdown(shutdown)
            }
            if repeated && policy.repeatedStopKills {
                return kill(.repeatedStopRequest, shutdown, at: now)
            }
            // The sidecars are already being stopped one by one, last started first: a stop
            // request sent to all of them would break that order.
            if isStop, case .stoppingProcesses = phase { return [] }
            // A tree that is stopping gets only what makes sense for it: stop requests, and
            // signals the user chose to rewrite. WINCH, USR1 and the like are not broadcast.
            guard isStop || policy.rewrite.isChosen(signal), let forwarded = policy.rewrite.apply(signal) else { return [] }
            return [.signalLeftovers(signal: forwarded)]
                + (isStop && continuesAfterStopping(forwarded) ? [.signalLeftovers(signal: SIGCONT)] : [])
        }
    }

    /// A child was reaped, or reported stopped.
    mutating func reaped(_ pid: Int32, _ state: ChildState, at now: Instant) -> [SupervisorAction] {
        if let index = processes.firstIndex(where: { $0.checkPID == pid }) {
            guard let code = state.exitCode else { return [] }
            return checkResult(index, passed: code == 0, at: now)
        }
        if let index = processes.firstIndex(where: { $0.pid == pid }) {
            guard let code = state.exitCode else { return [] }
            processes[index].lastExit = code
            return dropCheck(index) + exited(index, state, at: now)
        }
        guard case .running(let child) = phase, pid == child.pid else { return [] }
        if case .stopped = state { return child.stopsVigilWhenStopped ? [.stopSelf] : [] }
        guard let code = state.exitCode else { return [] }
        mainExit = code
        let exitCode = exitOverride ?? policy.exitMap.apply(code)
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
            ending = true
            return beginShutdown(exitCode: exitCode, stopRequested: child.stopRequested, hurry: child.hurry, at: now)
        }
    }

    /// The deadline passed.
    mutating func timeReached(_ now: Instant) -> [SupervisorAction] {
        var actions: [SupervisorAction] = []
        for index in processes.indices {
            switch processes[index].state {
            case .backingOff(let until) where until <= now:
                actions += ending ? [] : restart(index, at: now)
            case .stopping(let pid, let deadline, let killed) where deadline <= now:
                if killed {
                    // Not gone even after SIGKILL: the next one's turn anyway.
                    let requested = processes[index].onRequestedStop
                    processes[index].onRequestedStop = nil
                    processes[index].state = requested == nil ? .exited : .held
                    actions += requested == .restart && !ending ? restart(index, at: now) : stopNextProcess(at: now)
                } else {
                    processes[index].state = .stopping(pid: pid, deadline: stopDeadline(now, index, afterKill: true), killed: true)
                    actions += [.note(.killing(name: processes[index].spec.name)), .send(signal: SIGKILL, to: .processGroup(pid))]
                }
            case .starting(let pid, _):
                if let deadline = processes[index].startDeadline, deadline <= now {
                    // Not ready in time: a failed start. It is stopped, and its exit decides.
                    processes[index].startDeadline = nil
                    processes[index].nextCheck = nil
                    actions += dropCheck(index)
                    actions += [.note(.startTimedOut(name: processes[index].spec.name)),
                                .send(signal: SIGKILL, to: .processGroup(pid))]
                } else if let deadline = processes[index].checkDeadline, deadline <= now {
                    // One attempt took too long: it failed, and the next one follows.
                    actions += dropCheck(index)
                    actions.append(.note(.checkTimedOut(name: processes[index].spec.name, after: processes[index].spec.readyTimeout)))
                    actions += checkResult(index, passed: false, at: now)
                }
            default:
                break
            }
        }
        actions += dueChecks(at: now)
        guard let deadline = phaseDeadline, now >= deadline else { return actions }
        switch phase {
        case .running(var child):
            child.killDeadline = nil
            phase = .running(child)
            return actions + [.send(signal: SIGKILL, to: target(child))]
        case .stoppingProcesses(let shutdown):
            // The grace period is over: whatever supervised process is left is killed with the rest.
            for index in processes.indices where processes[index].isAlive { processes[index].state = .exited }
            return actions + kill(.graceExpired(policy.grace), shutdown, at: now)
        case .draining(let shutdown):
            return actions + kill(.graceExpired(policy.grace), shutdown, at: now)
        case .killing(let shutdown):
            phase = .exited
            return actions + [.reportStragglers(after: policy.killWait), .exit(code: shutdown.exitCode)]
        case .starting, .bringingUp, .pausing, .exited:
            return actions
        }
    }

    private var phaseDeadline: Instant? {
        switch phase {
        case .running(let child): return child.killDeadline
        case .stoppingProcesses(let shutdown), .draining(let shutdown), .killing(let shutdown): return shutdown.deadline
        default: return nil
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
        exitOverride = code
        ending = true
        switch phase {
        case .stoppingProcesses(var shutdown), .draining(var shutdown), .killing(var shutdown):
            shutdown.exitCode = code
            phase = phase.withShutdown(shutdown)
            return []
        case .running, .pausing, .starting, .bringingUp:
            guard policy.mainChildExit == .stopTheRest else {
                phase = .exited
                return [.exit(code: code)]
            }
            // The main child is stopped with the rest: it is among them.
            for index in processes.indices where processes[index].isAlive { processes[index].state = .exited }
            let shutdown = Shutdown(deadline: now + policy.grace, exitCode: code, stopRequested: true)
            return startDraining(shutdown, at: now)
        case .exited:
            return []
        }
    }

}

extension Supervisor.Phase {
    var isKilling: Bool {
        if case .killing = self { return true }
        return false
    }

    /// The same phase with its shutdown replaced.
    func withShutdown(_ shutdown: Supervisor.Shutdown) -> Supervisor.Phase {
        switch self {
        case .stoppingProcesses: return .stoppingProcesses(shutdown)
        case .draining: return .draining(shutdown)
        case .killing: return .killing(shutdown)
        default: return self
        }
    }
}
