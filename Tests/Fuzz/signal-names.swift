// Fuzz target: signal names and numbers (`--stop-signal`, `-p`, `VIGIL_STOP_SIGNAL`...),
// `SignalNames.parse`.
//
// Input: the text to parse. Its first byte, as a signal number, also drives a round trip
// through `SignalNames.name(of:)`, the way vigil prints a signal.
@testable import VigilCore

private let realtime = RealtimeSignals.current

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSignalNames(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    let text = String(decoding: input, as: UTF8.self)
    let number = SignalNames.parse(text, realtime: realtime)
    if let number {
        precondition(number >= 1 && number <= realtime.max, "'\(text)' parsed as \(number)")
        checkRoundTrip(number)
    }
    // Names are case-insensitive, and SIG is optional before a name (not before a number).
    let upper = String(decoding: ASCII.uppercased(text), as: UTF8.self)
    precondition(SignalNames.parse(upper, realtime: realtime) == number, "'\(text)' and '\(upper)' differ")
    if !ASCII.hasPrefix(ASCII.uppercased(text), "SIG") && ASCII.parseInteger(text) == nil {
        precondition(SignalNames.parse("SIG" + text, realtime: realtime) == number, "'\(text)' and 'SIG\(text)' differ")
    }
    if let first = input.first { checkRoundTrip(Int32(first % 80)) }
    return 0
}

/// A signal's printed name parses back to it. Numbers without a name print as
/// `signal N`, which is not meant to be parsed.
private func checkRoundTrip(_ number: Int32) {
    let name = SignalNames.name(of: number, realtime: realtime)
    guard ASCII.hasPrefix(name.utf8, "SIG") else { return }
    precondition(SignalNames.parse(name, realtime: realtime) == number, "\(number) printed as \(name)")
}
