// Fuzz target: durations (`--grace`, `--kill-after`, `VIGIL_GRACE`...), `Durations.parse`.
//
// Input: the text to parse. Its first 8 bytes, read as a number, also drive a round trip
// through `Durations.format`, the way vigil prints a duration it parsed.
@testable import VigilCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDurations(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    if let nanoseconds = Durations.parse(String(decoding: input, as: UTF8.self)) {
        precondition(nanoseconds >= 0 && nanoseconds <= Durations.maximum, "parsed \(nanoseconds)")
        checkRoundTrip(nanoseconds)
    }
    if size >= 8 {
        let raw = input.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        checkRoundTrip(Int64(raw % UInt64(Durations.maximum + 1)))
    }
    return 0
}

/// What vigil prints parses back, to the precision printed: whole seconds exactly, tenths
/// of a second above one second, milliseconds below.
private func checkRoundTrip(_ nanoseconds: Int64) {
    let text = Durations.format(nanoseconds)
    guard let back = Durations.parse(text) else { preconditionFailure("'\(text)' does not parse") }
    let precision = nanoseconds % Durations.second == 0 ? 1
        : nanoseconds < Durations.second ? Durations.millisecond : Durations.second / 10
    precondition(back <= nanoseconds && nanoseconds - back < precision,
                 "\(nanoseconds) printed as '\(text)' parses as \(back)")
}
