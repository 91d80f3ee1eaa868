import CLinux

/// The realtime signal numbers available to applications (glibc keeps the first two for itself).
struct RealtimeSignals: Equatable, Sendable {
    var min: Int32
    var max: Int32

    init(min: Int32, max: Int32) {
        self.min = min
        self.max = max
    }

    /// The range of the running system.
    static var current: RealtimeSignals {
        RealtimeSignals(min: clinux_sigrtmin(), max: clinux_sigrtmax())
    }
}

/// Converts between signal numbers and names such as `TERM`, `SIGTERM`, `15` and `RTMIN+2`.
enum SignalNames {
    /// Standard Linux signals, aliases after the preferred name so that formatting picks it.
    static let table: [(name: String, number: Int32)] = [
        ("HUP", SIGHUP), ("INT", SIGINT), ("QUIT", SIGQUIT), ("ILL", SIGILL), ("TRAP", SIGTRAP),
        ("ABRT", SIGABRT), ("IOT", SIGIOT), ("BUS", SIGBUS), ("FPE", SIGFPE), ("KILL", SIGKILL),
        ("USR1", SIGUSR1), ("SEGV", SIGSEGV), ("USR2", SIGUSR2), ("PIPE", SIGPIPE),
        ("ALRM", SIGALRM), ("TERM", SIGTERM), ("STKFLT", SIGSTKFLT), ("CHLD", SIGCHLD),
        ("CLD", SIGCHLD), ("CONT", SIGCONT), ("STOP", SIGSTOP), ("TSTP", SIGTSTP),
        ("TTIN", SIGTTIN), ("TTOU", SIGTTOU), ("URG", SIGURG), ("XCPU", SIGXCPU),
        ("XFSZ", SIGXFSZ), ("VTALRM", SIGVTALRM), ("PROF", SIGPROF), ("WINCH", SIGWINCH),
        ("IO", SIGIO), ("POLL", SIGPOLL), ("PWR", SIGPWR), ("SYS", SIGSYS),
    ]

    /// Parses a signal given as a name (any case, with or without `SIG`), a number, or
    /// `RTMIN+n` / `RTMAX-n`. Returns nil for anything that is not a valid signal.
    static func parse(_ text: String, realtime: RealtimeSignals = .current) -> Int32? {
        var name = ASCII.uppercased(text)[...]
        if let number = ASCII.parseInteger(name) {
            return number >= 1 && number <= Int64(realtime.max) ? Int32(number) : nil
        }
        if ASCII.hasPrefix(name, "SIG") { name = name.dropFirst(3) }
        for entry in table where ASCII.equals(name, entry.name) { return entry.number }
        return parseRealtime(name, realtime: realtime)
    }

    private static func parseRealtime(_ name: ArraySlice<UInt8>, realtime: RealtimeSignals) -> Int32? {
        let base: Int32
        let sign: Int64
        if ASCII.hasPrefix(name, "RTMIN") {
            base = realtime.min
            sign = 1
        } else if ASCII.hasPrefix(name, "RTMAX") {
            base = realtime.max
            sign = -1
        } else {
            return nil
        }
        var rest = name.dropFirst(5)
        if rest.isEmpty { return base }
        guard rest.first == (sign > 0 ? UInt8(ascii: "+") : UInt8(ascii: "-")) else { return nil }
        rest = rest.dropFirst()
        guard let offset = ASCII.parseInteger(rest) else { return nil }
        let number = Int64(base) + sign * offset
        guard number >= Int64(realtime.min), number <= Int64(realtime.max) else { return nil }
        return Int32(number)
    }

    /// The conventional name of a signal: `SIGTERM`, `SIGRTMIN+3`, or `signal 40` when unnamed.
    static func name(of number: Int32, realtime: RealtimeSignals = .current) -> String {
        for entry in table where entry.number == number { return "SIG" + entry.name }
        if number >= realtime.min && number <= realtime.max {
            let offset = number - realtime.min
            return offset == 0 ? "SIGRTMIN" : "SIGRTMIN+" + decimal(offset)
        }
        return "signal " + decimal(number)
    }
}
