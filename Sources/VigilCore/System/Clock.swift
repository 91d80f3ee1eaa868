import CLinux

enum Clock {
    /// CLOCK_MONOTONIC, for deadlines.
    static func now() -> Instant { read(CLOCK_MONOTONIC) }

    /// CLOCK_REALTIME, for schedules.
    static func wallNow() -> WallTime { read(CLOCK_REALTIME) }

    private static func read(_ clock: clockid_t) -> Int64 {
        var spec = timespec()
        clock_gettime(clock, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }
}
