import CLinux

/// vigil's decisions as a plain value: events in, actions out, no system calls. Tests drive
/// it directly; the runtime feeds it what the kernel reports (`handle`) and performs what it
/// returns.
///
/// The life of an init, each phase holding its own data:
/// - `bringingUp`: init tasks and sidecars start as their dependencies are met
///   (`DependencyGraph`: without declarations, one after another, each ready before the
///   next); then the main command starts, once what it waits for is met.
/// - `running`: the main child runs; signals are forwarded to it; sidecars are restarted;
///   liveness checks run.
/// - `pausing`: no main command (pause mode, or sidecars only); a stop request stops all.
/// - `stoppingProcesses`: the main child is gone; each supervised process is stopped once
///   everything that waits for it has exited (without declarations: one at a time, in
///   reverse start order), within the grace period.
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
        /// Its liveness check, if it has one (nil once it is being stopped).
        var live: LiveCheck? = nil
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
        /// Init tasks and sidecars come up; the main command has not started.
        case bringingUp
        case running(MainChild)
        case pausing
        /// Supervised processes are stopped as the dependency graph allows.
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
    /// Who waits for whom, to start and to stop.
    let graph: DependencyGraph
    /// The main process's settings (its liveness check).
    let mainSpec: ProcessSpec
    /// `.startMain` was asked for.
    var mainStartAsked = false
    /// What ended the container, when the stop began, and what had to be SIGKILLed: for the
    /// line vigil says when it exits (`exitReport`).
    var endedBy: Ending? = nil
    var stopStartedAt: Instant? = nil
    var killedAtGraceEnd: [String] = []
    var mainEnd: ChildState? = nil
    /// Set by the first stop request or failure that starts the end: nothing restarts after.
    var ending = false
    /// When the main child started, and how it ended (for `vigil status`).
    var mainStartedAt: Instant? = nil
    var mainExit: Int32? = nil
    /// What vigil exits with when something other than the main child decides it (a failed
    /// init task, a required sidecar down for good, a stop request before the main started).
    var exitOverride: Int32? = nil
    /// The main command was started (or is to be): without one, vigil pauses.
    let hasMain: Bool
    /// A supervisord configuration's event listener pools, and what `Supervisor+Events` keeps.
    var listeners = ListenerPools()
    var events = EventSchedule()
    /// XML-RPC calls waiting for processes to start or stop (`Supervisor+RPC`).
    var waitingCalls: [WaitingCall] = []
    /// The wall clock at the event being handled, and the monotonic time then: schedules are
    /// in wall-clock time (`Supervisor+Tasks`).
    var wallClock: WallTime = 0
    var wallClockReadAt: Instant = 0
    /// runit's services and my_init's shutdown scripts (`Supervisor+Runit`).
    var runit: RunitServices

    init(policy: Policy, processes: [ProcessSpec] = [], hasMain: Bool = true,
         main: ProcessSpec = ProcessSpec(name: "main", kind: .main, command: []), runit: RunitSettings? = nil) {
        self.policy = policy
        self.runit = RunitServices(settings: runit, killWait: policy.killWait)
        self.processes = processes.enumerated().map { Supervised(spec: $1, index: $0) }
        self.hasMain = hasMain
        graph = DependencyGraph(processes: processes, main: main)
        mainSpec = main
        for (index, spec) in processes.enumerated() {
            guard let listener = spec.supervisord?.listener else { continue }
            listeners.add(process: index, pool: listener.pool, subscriptions: listener.events,
                          bufferSize: listener.bufferSize, handler: listener.resultHandler)
        }
    }

    /// The index that names the main process in checks' actions and events.
    static let mainIndex = -1

    /// The one entry: what to do about `event`, at `now`, when the wall clock reads `wall`
    /// (tests may leave it out: then it reads `now`). After any event, whatever has its
    /// dependencies met starts.
    mutating func handle(_ event: SupervisorEvent, at now: Instant, wall: WallTime? = nil) -> [SupervisorAction] {
        // The jump of a clock set: how far the wall clock is from where it would be.
        let jump = (wall ?? now) - (wallClock + (now - wallClockReadAt))
        wallClock = wall ?? now
        wallClockReadAt = now
        if case .wallClockSet = event { return clockWasSet(jump: jump, at: now) + startWhatIsDue(at: now) + publish(at: now) }
        let actions = decide(event, at: now)
        let started = startWhatIsDue(at: now)
        return actions + started + publish(at: now)
    }

    private mutating func decide(_ event: SupervisorEvent, at now: Instant) -> [SupervisorAction] {
        switch event {
        case .start:
            precondition(phase == .starting, "vigil starts once")
            phase = .bringingUp
            return []
        case .signal(let number, let sender):
            // glibc's own two are not the child's unless the user named them (ReservedSignals).
            if ReservedSignals.isDropped(number, parentDeathSignal: policy.parentDeathSignal, rewrite: policy.rewrite) {
                return [.note(.signalDropped(signal: number, sender: sender))]
            }
            return signalArrived(number, at: now)
        case .reaped(let pid, let state): return childChanged(pid, state, at: now)
        case .deadline: return deadlinePassed(now)
        case .nothingLeft: return treeEmpty()
        case .waitFailed: return waitingFailed(at: now)
        case .mainStarted(let pid, let foreground):
            mainStarted(pid, foreground: foreground, at: now)
            return []
        case .mainCouldNotStart(let errno): return mainCouldNotStart(errno: errno, at: now)
        case .spawned(let index, let pid, let errno): return processStarted(index, pid: pid, errno: errno, at: now)
        case .checkSpawned(let index, let pid):
            return isLiveCheck(index) ? liveCheckStarted(index, pid: pid, at: now) : checkStarted(index, pid: pid, at: now)
        case .checkResult(let index, let passed):
            guard isLiveCheck(index) else { return attemptEnded(index, passed: passed, at: now) }
            return passed.map { liveCheckEnded(index, passed: $0, at: now) } ?? []
        case .notified(let index, let sender, let group): return readyNotified(index, sender: sender, senderGroup: group, at: now)
        case .control(let request, let ownPID): return controlRequest(request, at: now, ownPID: ownPID)
        case .supervisord(let event): return supervisordEvent(event, at: now)
        case .wallClockSet: return []
        case .runit(let event): return runitEvent(event, at: now)
        }
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
        var earliest = phaseDeadline
        for process in processes {
            // A running process's only deadline is its liveness check's, which ends with vigil.
            if ending, case .running = process.state { continue }
            if let time = process.deadline { earliest = min(earliest ?? time, time) }
        }
        if !ending, case .running(let child) = phase, let time = child.live?.deadline { earliest = min(earliest ?? time, time) }
        if let time = events.nextTick { earliest = min(earliest ?? time, time) }
        if let time = drainDeadline { earliest = min(earliest ?? time, time) }
        if let time = runit.deadline { earliest = min(earliest ?? time, time) }
        return earliest
    }

    var phaseDeadline: Instant? {
        switch phase {
        case .running(let child): return child.killDeadline
        case .stoppingProcesses(let shutdown), .draining(let shutdown), .killing(let shutdown): return shutdown.deadline
        case .starting, .bringingUp, .pausing, .exited: return nil
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

    var isBringingUp: Bool {
        if case .bringingUp = phase { return true }
        return false
    }

    /// The runtime found nothing left to wait for.
    mutating func treeEmpty() -> [SupervisorAction] {
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
    mutating func waitingFailed(at now: Instant) -> [SupervisorAction] {
        let code = policy.internalFailureExitCode
        exitOverride = code
        end(.waitFailed, at: now)
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
            endAliveProcesses()
            let shutdown = Shutdown(deadline: now + policy.grace, exitCode: code, stopRequested: true)
            return startDraining(shutdown, at: now)
        case .exited:
            return []
        }
    }

    /// Every supervised process still alive is taken as stopped with the rest of the tree.
    mutating func endAliveProcesses() {
        for index in processes.indices where processes[index].isAlive { processes[index].end(failed: false) }
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
