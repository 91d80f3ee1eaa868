// Fuzz target: the first bytes of an HTTP check's reply, `HTTPReply.verdict`, as vigil reads
// them: a piece at a time, up to `HTTPReply.longestRead` bytes.
//
// Input: the reply's bytes; its first byte also chooses where the pieces are cut.
@testable import VigilCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPReply(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: min(size, HTTPReply.longestRead)))
    let whole = HTTPReply.verdict(bytes[...])
    if case .status(let code) = whole { precondition(code >= 0 && code <= 999, "status \(code)") }
    // Read in pieces, the verdict is the same once one is given: a verdict never changes.
    let step = max(1, Int(bytes.first ?? 1) % 16)
    var end = 0
    while end < bytes.count {
        end = min(bytes.count, end + step)
        let partial = HTTPReply.verdict(bytes[..<end])
        if partial != .incomplete {
            precondition(partial == whole, "\(bytes[..<end]) says \(partial), the whole \(whole)")
            break
        }
    }
    return 0
}
