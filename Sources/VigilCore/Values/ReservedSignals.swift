/// Signals 32 and 33, which glibc keeps for its threads (SIGCANCEL and SIGSETXID): no glibc
/// program can catch, block or ignore them, so a child that gets one dies of it with a strange
/// status. tini and dumb-init never pass them on (their glibc refuses to), and neither does
/// vigil, unless the user named the signal: as the parent-death signal (`-p 32`) or in a
/// rewrite (`--rewrite 33:TERM`).
enum ReservedSignals {
    static let numbers: [Int32] = [32, 33]

    /// Whether a signal vigil received is dropped rather than forwarded.
    static func isDropped(_ signal: Int32, parentDeathSignal: Int32?, rewrite: SignalRewrite) -> Bool {
        numbers.contains(signal) && signal != parentDeathSignal && !rewrite.isChosen(signal)
    }
}
