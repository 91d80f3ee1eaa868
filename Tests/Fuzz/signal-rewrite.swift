// Fuzz target: signal rewrites (`--rewrite FROM:TO`, dumb-init's `-r s:r`, each item of
// `VIGIL_REWRITE`), `SignalRewrite.parsePair`.
//
// Input: the text to parse.
@testable import VigilCore
import CLinux

private let realtime = RealtimeSignals.current

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSignalRewrite(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let (from, to) = SignalRewrite.parsePair(text, realtime: realtime) else { return 0 }
    precondition(from >= 1 && from <= realtime.max, "'\(text)': from \(from)")
    precondition(from != SIGKILL && from != SIGSTOP && from != SIGCHLD, "'\(text)': rewrites \(from)")
    precondition(to >= 0 && to <= realtime.max, "'\(text)': to \(to)")
    var rewrite = SignalRewrite()
    rewrite.set(from, to: to)
    precondition(rewrite.apply(from) == (to == 0 ? nil : to), "'\(text)': applied wrongly")
    return 0
}
