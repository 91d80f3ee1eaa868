/// The liveness check of a running process (a ready sidecar, or the main process): an attempt
/// every period, each bounded by its timeout, and the failures in a row. It exists only while
/// the process runs, so nothing wakes vigil for it otherwise.
struct LiveCheck: Equatable {
    enum Outcome: Equatable {
        case passed
        /// Failed, `failures` in a row, fewer than the limit.
        case failed(failures: Int)
        /// The limit of failures in a row is reached: the process is to be stopped.
        case failedTooOften(failures: Int)
    }

    /// When the next attempt is due; nil while one is in flight.
    private(set) var nextAttempt: Instant?
    private(set) var attempt: Supervised.Attempt? = nil
    /// Failed attempts in a row.
    private(set) var failures = 0
    /// An attempt has ended since the process started.
    private(set) var checked = false

    /// The first attempt comes one period after the process is ready.
    init(readyAt now: Instant, period: Int64) {
        nextAttempt = now + period
    }

    var deadline: Instant? {
        guard let attempt else { return nextAttempt }
        return min(nextAttempt ?? attempt.deadline, attempt.deadline)
    }

    /// Whether an attempt is due at `now`; it then starts, given up at `now + timeout`.
    mutating func due(at now: Instant, timeout: Int64) -> Bool {
        guard attempt == nil, let next = nextAttempt, next <= now else { return false }
        nextAttempt = nil
        attempt = Supervised.Attempt(deadline: now + timeout)
        return true
    }

    /// The attempt's exec check started as `pid`.
    mutating func started(pid: Int32) {
        attempt?.pid = pid
    }

    /// The attempt in flight outlived its deadline.
    func isOverdue(at now: Instant) -> Bool {
        attempt.map { $0.deadline <= now } ?? false
    }

    /// The attempt in flight ended (a timeout is a failure); the next is due a period later.
    mutating func ended(passed: Bool, at now: Instant, period: Int64, limit: Int) -> Outcome {
        attempt = nil
        nextAttempt = now + period
        checked = true
        if passed {
            failures = 0
            return .passed
        }
        failures += 1
        return failures >= limit ? .failedTooOften(failures: failures) : .failed(failures: failures)
    }

    /// Forgets the attempt in flight (its process is killed, its socket closed by the caller)
    /// and plans no more: returns it.
    mutating func drop() -> Supervised.Attempt? {
        let dropped = attempt
        attempt = nil
        nextAttempt = nil
        return dropped
    }

    /// What `vigil status` shows: `pending` until an attempt ended, then `ok` or `failing`.
    var result: String {
        guard checked else { return "pending" }
        return failures == 0 ? "ok" : "failing"
    }
}
