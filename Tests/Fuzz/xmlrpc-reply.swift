// Fuzz target: what vigil's supervisorctl reads from the server its URL names: the HTTP reply
// (`HTTPResponseFraming`) and its body as an XML-RPC method response (`XMLRPCReply.parse`).
//
// Input: the bytes the server sent before closing. A framed body is never longer than the
// input, and its status is three digits.
@testable import VigilCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzXMLRPCReply(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if case .reply(_, let body) = HTTPResponseFraming.parse(bytes, ended: false) {
        precondition(body.count <= bytes.count, "a body longer than the reply")
    }
    switch HTTPResponseFraming.parse(bytes, ended: true) {
    case .reply(let status, let body):
        precondition(status >= 100 && status <= 999, "a status of \(status)")
        _ = try? XMLRPCReply.parse(body)
    case .incomplete: preconditionFailure("an ended reply that is incomplete")
    case .malformed: break
    }
    _ = try? XMLRPCReply.parse(bytes)
    return 0
}
