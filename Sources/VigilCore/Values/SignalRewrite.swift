import CLinux

/// Signals to forward as a different signal, or not at all (`--rewrite`, dumb-init's `-r`).
struct SignalRewrite: Equatable, Sendable {
    /// Index: the received signal. nil: forward unchanged; 0: drop; otherwise the new signal.
    private var table: [Int32?] = Array(repeating: nil, count: 65)
    /// Bit N-1: the user asked for signal N's rewrite (rather than a mode's default).
    private var chosen: UInt64 = 0

    init() {}

    /// Forwards `from` as `to`; `to` 0 drops it. The user's choice.
    mutating func set(_ from: Int32, to: Int32) {
        guard from > 0 && Int(from) < table.count else { return }
        table[Int(from)] = to
        chosen |= 1 << UInt64(from - 1)
    }

    /// The user asked for `signal` to be rewritten (or dropped).
    func isChosen(_ signal: Int32) -> Bool {
        signal > 0 && Int(signal) < table.count && chosen & (1 << UInt64(signal - 1)) != 0
    }

    func isSet(_ signal: Int32) -> Bool {
        signal > 0 && Int(signal) < table.count && table[Int(signal)] != nil
    }

    /// The signal to forward for `signal`, or nil to forward nothing.
    func apply(_ signal: Int32) -> Int32? {
        guard signal > 0 && Int(signal) < table.count, let to = table[Int(signal)] else { return signal }
        return to == 0 ? nil : to
    }

    /// Parses `FROM:TO`: names or numbers; TO may be `0` or `none` to drop. FROM cannot be a
    /// signal vigil never forwards (KILL, STOP, CHLD).
    static func parsePair(_ text: String, realtime: RealtimeSignals) -> (Int32, Int32)? {
        let parts = ASCII.split(text, separator: UInt8(ascii: ":"))
        guard parts.count == 2, text.utf8.filter({ $0 == UInt8(ascii: ":") }).count == 1,
              let from = SignalNames.parse(parts[0], realtime: realtime),
              from != SIGKILL, from != SIGSTOP, from != SIGCHLD
        else { return nil }
        if ASCII.equals(parts[1], "0") || ASCII.equals(ASCII.uppercased(parts[1]), "NONE") {
            return (from, 0)
        }
        guard let to = SignalNames.parse(parts[1], realtime: realtime) else { return nil }
        return (from, to)
    }

    /// Session mode's default: terminal stop signals become SIGSTOP, which the child's
    /// orphaned process group cannot ignore, unless the user chose otherwise.
    mutating func stopOnTerminalSignals() {
        for signal in [SIGTSTP, SIGTTIN, SIGTTOU] where !isSet(signal) {
            table[Int(signal)] = SIGSTOP
        }
    }
}
