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

extension Clock {
    /// The wall clock minus the monotonic clock, in nanoseconds, as of now.
    static func wallClockOffset() -> Int64 {
        var wall = timespec()
        clock_gettime(CLOCK_REALTIME, &wall)
        return Int64(wall.tv_sec) * 1_000_000_000 + Int64(wall.tv_nsec) - now()
    }

    /// The local time zone as the C library (and Python) take it: `$TZ`, else /etc/localtime,
    /// else UTC.
    static func localZone() -> ZoneRules {
        let read: (String) -> [UInt8]? = { Processes.readFile($0, limit: 1 << 20) }
        if let name = ProcessSetup.environment("TZ") {
            let directory = ProcessSetup.environment("TZDIR") ?? "/usr/share/zoneinfo"
            return (try? ZoneRules.named(name, directory: directory, readFile: read)) ?? .utc
        }
        guard let bytes = read("/etc/localtime") else { return .utc }
        return (try? TZif.parse(bytes)) ?? .utc
    }
}
