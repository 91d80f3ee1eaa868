import CLinux

/// One init task, sidecar or scheduled task and its own state machine: pending (waiting for
/// its dependencies), waiting, starting (started, not yet ready), running (with its liveness
/// check, if any), backing off, stopping, scheduled (a task: its runs and next due time), and
/// at the end exited (done or stopped with the rest), failed (down for good) or held (stopped
/// on request). What a state needs is in its
/// associated values; the transitions below are the only writers of `state`, and each
/// returns the actions it implies. The `Supervisor` decides which transition to take.
struct Supervised: Equatable {
    enum State: Equatable {
        /// Never started yet: it waits for what it depends on (`DependencyGraph`).
        case pending
        /// Its start is asked for, or it is about to be started again.
        case waiting
        /// Started; its readiness check has not passed yet.
        case starting(pid: Int32, since: Instant, check: Check)
        /// Running, and ready if it has a check; its liveness check, if it has one.
        case running(pid: Int32, since: Instant, live: LiveCheck?)
        /// Exited; starts again at `until`.
        case backingOff(until: Instant)
        /// Sent its stop signal; SIGKILLed at `deadline` (once `killed`, waited for until it).
        case stopping(pid: Int32, deadline: Instant, killed: Bool, then: AfterStop)
        /// Done: an init task that succeeded, or a process stopped with the rest.
        case exited
        /// Down for good: an init task that failed, or a sidecar that may not restart.
        case failed
        /// Stopped on request (`vigil stop`), and kept down until `vigil start`.
        case held
        /// A scheduled task whose dependencies are met: its runs and next due time
        /// (`Supervised+Task`).
        case scheduled(TaskRuns)
    }

    /// What follows a stop.
    enum AfterStop: Equatable {
        /// The container's stop goes on with the next process.
        case shutdown
        /// `vigil stop`: kept down; not a failure.
        case holdDown
        /// `vigil restart`: started again at once; not a failure.
        case restart
        /// It failed its liveness check: its exit counts as a failure, and its restart
        /// policy applies. `startedAt`: when it started, for the backoff.
        case liveFailure(startedAt: Instant)
    }

    /// A readiness check under way.
    struct Check: Equatable {
        /// When a start that is not ready yet counts as failed; nil once it has.
        var startDeadline: Instant?
        /// When the next attempt is due; nil while one is in flight, or for `notify`.
        var nextAttempt: Instant?
        /// The attempt in flight, if any.
        var attempt: Attempt? = nil
        /// A supervisord process: when its start has lasted `startsecs` (RUNNING).
        var runningAt: Instant? = nil
    }

    /// One readiness attempt: given up at `deadline`; an exec check runs as `pid` (nil for tcp,
    /// or for an exec check whose process has not been reported yet).
    struct Attempt: Equatable {
        var deadline: Instant
        var pid: Int32? = nil
    }

    let spec: ProcessSpec
    /// Its place in the start order: actions name it by this.
    let index: Int
    private(set) var state = State.pending
    /// Restarts in the container's life (for `vigil status`).
    private(set) var restarts = 0
    /// Restarts in a row, each after a run shorter than `backoffReset`: `maxRestarts` limits
    /// these, so that a sidecar that fails once a day is not given up on after N days.
    private(set) var restartsInARow = 0
    /// The last exit (the shell's code, 128+N for a signal).
    private(set) var lastExit: Int32? = nil
    /// Exits in a row that came sooner than `backoffReset` after the start: the backoff
    /// doubles with each.
    private(set) var quickExits = 0
    /// It has started at least once; and has been ready (running) at least once. What
    /// waits for it looks at these: a condition met once stays met.
    private(set) var hasStarted = false
    private(set) var hasBeenReady = false
    /// supervisord's account of a supervisord process (`Supervised+Supervisord`).
    var record = SupervisordRecord()
    /// A scheduled task's runs skipped because its concurrency was used up, and when its
    /// last run started.
    private(set) var skipped = 0
    private(set) var lastRun: WallTime? = nil

    init(spec: ProcessSpec, index: Int) {
        self.spec = spec
        self.index = index
        // supervisord's autostart=false: STOPPED until started on request.
        if spec.supervisord?.autostart == false { state = .held }
    }

    /// Moves to `new`: only for supervisord's transitions, which keep `record` in step.
    mutating func enter(_ new: State) { state = new }

    var pid: Int32? {
        switch state {
        case .starting(let pid, _, _), .running(let pid, _, _), .stopping(let pid, _, _, _): return pid
        default: return nil
        }
    }

    /// Alive: started and not yet reaped (a task: a run under way).
    var isAlive: Bool { pid != nil || !runs.isEmpty }

    var isStopping: Bool {
        if case .stopping = state { return true }
        if case .scheduled(let task) = state { return task.stop != nil }
        return false
    }

    /// The process of the exec check in flight, readiness or liveness.
    var checkPID: Int32? {
        switch state {
        case .starting(_, _, let check): return check.attempt?.pid
        case .running(_, _, let live): return live?.attempt?.pid
        default: return nil
        }
    }

    /// It exited 0 and stays down: an init task that succeeded, or a sidecar that does not
    /// restart after a clean exit.
    var isDone: Bool {
        lastExit == 0 && (state == .exited || state == .failed)
    }

    /// Down for good (not a success), or held down on request: nobody waits for it any more.
    var isDownForGood: Bool { state == .failed || state == .held }

    // MARK: Transitions

    /// Changes the readiness check of a starting process; nil when it is not starting.
    @discardableResult
    mutating func withCheck<Result>(_ change: (inout Check) -> Result) -> Result? {
        guard case .starting(let pid, let since, var check) = state else { return nil }
        let result = change(&check)
        state = .starting(pid: pid, since: since, check: check)
        return result
    }

    /// Its start is asked for: it waits for the runtime's `spawned`.
    mutating func start(at now: Instant = 0) -> [SupervisorAction] {
        if spec.isSupervisord { return supervisordStart(at: now) }
        state = .waiting
        return [.start(process: index, spec)]
    }

    /// It started as `pid`: starting until ready (a sidecar with a check), else running. The
    /// first attempt of a polling check is due at once.
    mutating func started(pid: Int32, at now: Instant) {
        hasStarted = true
        if spec.isSupervisord { return supervisordStarted(pid: pid, at: now) }
        guard let readiness = spec.readiness, spec.kind == .sidecar else {
            run(pid: pid, since: now, at: now)
            return
        }
        let isPolling: Bool
        if case .notify = readiness { isPolling = false } else { isPolling = true }
        state = .starting(pid: pid, since: now, check: Check(startDeadline: now + spec.startTimeout,
                                                            nextAttempt: isPolling ? now : nil))
    }

    /// Its readiness check passed (or it has none).
    mutating func becameReady(at now: Instant) {
        if case .starting(let pid, let since, _) = state { run(pid: pid, since: since, at: now) }
    }

    /// Running and ready from `now`: its liveness check starts counting.
    private mutating func run(pid: Int32, since: Instant, at now: Instant) {
        hasBeenReady = true
        state = .running(pid: pid, since: since, live: spec.liveness.map { _ in LiveCheck(readyAt: now, period: spec.livePeriod) })
    }

    /// Changes the liveness check of a running process; nil when it has none running.
    @discardableResult
    mutating func withLive<Result>(_ change: (inout LiveCheck) -> Result) -> Result? {
        guard case .running(let pid, let since, var live?) = state else { return nil }
        let result = change(&live)
        state = .running(pid: pid, since: since, live: live)
        return result
    }

    /// Sends it `signal`, and SIGKILL at `deadline` unless it is gone; `then` says what
    /// follows. The one stop sequence of a sidecar, for the container's stop and for `vigil
    /// stop` and `restart` alike. `continues`: SIGCONT follows, so that a stopped process can
    /// handle the signal.
    mutating func stop(with signal: Int32, deadline: Instant, then next: AfterStop, continues: Bool) -> [SupervisorAction] {
        guard let pid else {
            var actions: [SupervisorAction] = []
            withTask { actions = $0.stopAll(signal: signal, deadline: deadline, then: next, continues: continues) }
            return actions.isEmpty ? [] : [.note(.stopping(name: spec.name, signal: signal))] + actions
        }
        var actions = dropAttempt(planNext: false)
        state = .stopping(pid: pid, deadline: deadline, killed: false, then: next)
        recordStopping(pid: pid)
        let target = stopTarget(pid, kill: false)
        actions += [.note(.stopping(name: spec.name, signal: signal)), .send(signal: signal, to: target)]
        if continues { actions.append(.send(signal: SIGCONT, to: target)) }
        return actions
    }

    /// A stop under way is now for `next` (a `vigil stop` or `restart` during one).
    mutating func changeStop(then next: AfterStop) {
        if case .stopping(let pid, let deadline, let killed, _) = state {
            state = .stopping(pid: pid, deadline: deadline, killed: killed, then: next)
        }
        withTask { $0.stop = $0.stop.map { _ in next } }
    }

    /// Its stop's deadline came while it is still there: SIGKILL, waited for until
    /// `waitUntil`.
    mutating func kill(waitUntil deadline: Instant) -> [SupervisorAction] {
        guard case .stopping(let pid, _, _, let next) = state else { return [] }
        state = .stopping(pid: pid, deadline: deadline, killed: true, then: next)
        return [.note(.killing(name: spec.name)), .send(signal: SIGKILL, to: stopTarget(pid, kill: true))]
    }

    /// A stop ended: it exited, or outlived SIGKILL's wait. Returns what was to follow.
    mutating func stopEnded() -> AfterStop? {
        if case .scheduled(let task) = state, let next = task.stop, task.runs.isEmpty {
            state = next == .holdDown ? .held : .exited
            return next
        }
        guard case .stopping(let pid, _, _, let next) = state else { return nil }
        recordStopped(pid: pid)
        state = next == .holdDown ? .held : .exited
        return next
    }

    /// It exited with `code`: the last exit, and how long it ran (nil when it was not running).
    mutating func recordExit(_ code: Int32, at now: Instant) -> Instant? {
        lastExit = code
        switch state {
        case .starting(_, let since, _), .running(_, let since, _): return since
        default: return nil
        }
    }

    /// It exited at `now` after starting at `startedAt` and will be restarted: backs off for
    /// a delay from `backoff`, doubling with each quick exit, up to `backoffMax`. A process
    /// that ran `backoffReset` or longer starts the doubling over. Returns the delay.
    mutating func backOff(startedAt: Instant, at now: Instant) -> Int64 {
        let ran = now - startedAt
        let quick = ran < spec.backoffReset ? quickExits : 0
        var delay = spec.backoff
        var doublings = quick
        while doublings > 0 && delay < spec.backoffMax {
            delay = delay > Int64.max / 2 ? Int64.max : delay * 2
            doublings -= 1
        }
        delay = min(delay, max(spec.backoffMax, spec.backoff))
        quickExits = quick + 1
        restarts += 1
        restartsInARow = ran < spec.backoffReset ? restartsInARow + 1 : 1
        state = .backingOff(until: now + delay)
        return delay
    }

    /// Done for good: `exited` (succeeded, or stopped with the rest) or `failed`.
    mutating func end(failed: Bool) {
        state = failed ? .failed : .exited
    }

    /// Held down on request, not running.
    mutating func hold() {
        state = .held
    }

    /// Changes a scheduled task's runs, when it is scheduled. One copy, out of line: the
    /// callers keep what they need in their own variables.
    @inline(never)
    mutating func withTask(_ change: (inout TaskRuns) -> Void) {
        guard case .scheduled(var task) = state else { return }
        change(&task)
        state = .scheduled(task)
    }

    /// A task's schedule begins at `wall` (again, after `vigil stop`): scheduled, with
    /// `@every` counting from here.
    mutating func beginSchedule(at wall: WallTime) {
        state = .scheduled(TaskRuns(next: spec.task.runTime(after: wall, anchor: wall), anchor: wall))
    }

    /// A task's run started at `wall`, or was skipped.
    mutating func recordRun(at wall: WallTime) { lastRun = wall }
    mutating func recordSkip() { skipped += 1 }

    /// A start that could not happen (the program could not be run): counts as exit 127.
    mutating func couldNotStart() {
        lastExit = 127
    }
}
