/// Wall-clock time in nanoseconds since 1970-01-01T00:00:00 UTC (CLOCK_REALTIME, read by
/// `Clock.wallNow()` in System). Schedules are in wall-clock time; everything else vigil waits
/// for is an `Instant`, which clock changes do not move.
typealias WallTime = Int64
