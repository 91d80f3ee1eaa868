import CLinux

/// One init task or sidecar and its own small state machine: waiting, starting (started, not
/// yet ready), running, backing off, stopping, and at the end exited (done or stopped with the
/// rest) or failed (down for good). Plain values; the `Supervisor` moves them.
struct Supervised: Equatable {
    enum State: Equatable {
        /// Not started yet (later in the start order), or held down on request.
        case waiting
        /// Started; its readiness check has not passed yet.
        case starting(pid: Int32, since: Instant)
        /// Running, and ready if it has a check.
        case running(pid: Int32, since: Instant)
        /// Exited; starts again at `until`.
        case backingOff(until: Instant)
        /// Sent its stop signal; SIGKILLed at `deadline` (once `killed`, waited for until it).
        case stopping(pid: Int32, deadline: Instant, killed: Bool)
        /// Done: an init task that succeeded, or a process stopped with the rest.
        case exited
        /// Down for good: an init task that failed, or a sidecar that may not restart.
        case failed
        /// Stopped on request (`vigil stop`), and kept down until `vigil start`.
        case held
    }

    let spec: ProcessSpec
    var state = State.waiting
    /// Restarts in the container's life (for `vigil status`).
    var restarts = 0
    /// Restarts in a row, each after a run shorter than `backoffReset`: `maxRestarts` limits
    /// these, so that a sidecar that fails once a day is not given up on after N days.
    var restartsInARow = 0
    /// The last exit (the shell's code, 128+N for a signal).
    var lastExit: Int32? = nil
    /// Exits in a row that came sooner than `backoffReset` after the start: the backoff doubles
    /// with each.
    var quickExits = 0
    /// The process of the exec check in flight.
    var checkPID: Int32? = nil
    /// When the attempt in flight (exec or tcp) is given up; nil when none is in flight.
    var checkDeadline: Instant? = nil
    /// When the next readiness attempt is due.
    var nextCheck: Instant? = nil
    /// When a start that is not ready yet counts as failed.
    var startDeadline: Instant? = nil
    /// Being stopped on request: when gone, it is held down (`vigil stop`) or started again
    /// at once (`vigil restart`), neither counting as a failure.
    var onRequestedStop: RequestedStop? = nil

    enum RequestedStop: Equatable { case holdDown, restart }

    init(spec: ProcessSpec) {
        self.spec = spec
    }

    var pid: Int32? {
        switch state {
        case .starting(let pid, _), .running(let pid, _), .stopping(let pid, _, _): return pid
        default: return nil
        }
    }

    /// Alive: started and not yet reaped.
    var isAlive: Bool { pid != nil }

    /// The state's name for `vigil status`.
    var stateName: String {
        switch state {
        case .waiting: return "waiting"
        case .starting: return "starting"
        case .running: return spec.readiness == nil ? "running" : "ready"
        case .backingOff: return "backing-off"
        case .stopping: return "stopping"
        case .exited: return "exited"
        case .failed: return "failed"
        case .held: return "stopped"
        }
    }

    /// Whether an exit with `code` (the shell's convention) after a run of `ran` is to be
    /// followed by a restart.
    func restartsAfter(exitCode code: Int32, ran: Int64) -> Bool {
        guard spec.kind == .sidecar else { return false }
        let inARow = ran < spec.backoffReset ? restartsInARow : 0
        if let limit = spec.maxRestarts, inARow >= limit { return false }
        switch spec.restart {
        case .always: return true
        case .onFailure: return code != 0
        case .never: return false
        }
    }

    /// The delay before the next restart, after an exit at `now` of a process started at
    /// `startedAt`: from `backoff`, doubling with each quick exit, up to `backoffMax`. A
    /// process that ran `backoffReset` or longer starts the doubling over. Returns the delay
    /// and the new count of quick exits.
    func backoff(startedAt: Instant, now: Instant) -> (delay: Int64, quickExits: Int) {
        let quick = now - startedAt < spec.backoffReset ? quickExits : 0
        var delay = spec.backoff
        var doublings = quick
        while doublings > 0 && delay < spec.backoffMax {
            delay = delay > Int64.max / 2 ? Int64.max : delay * 2
            doublings -= 1
        }
        return (min(delay, max(spec.backoffMax, spec.backoff)), quick + 1)
    }
}
