import CLinux

/// Monotonic time in nanoseconds. Deadlines use it so that wall-clock jumps do not matter.
typealias Instant = Int64

enum Clock {
    static func now() -> Instant {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }
}
