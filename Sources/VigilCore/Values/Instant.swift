/// Monotonic time in nanoseconds (CLOCK_MONOTONIC, read by `Clock.now()` in System):
/// deadlines use it, so that wall-clock jumps do not matter.
typealias Instant = Int64
