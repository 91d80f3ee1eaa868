// Fuzz target: what an event listener writes on its stdout (`ListenerProtocol`), and the events
// sent to it (`ListenerEvent`).
//
// Input: the listener's output in chunks separated by 0xFF bytes; between chunks supervisor
// sends an event when the listener is READY. Nothing comes out after the listener goes UNKNOWN;
// an envelope's `len` counts the characters of its payload.
@testable import VigilCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzListenerReply(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var listener = ListenerProtocol()
    for chunk in bytes.split(separator: 0xFF, omittingEmptySubsequences: false) {
        let wasUnknown = listener.state == .unknown
        let outcomes = listener.feed(Array(chunk))
        precondition(!wasUnknown || outcomes.isEmpty, "output taken from an UNKNOWN listener")
        for outcome in outcomes {
            if case .rejected(let body) = outcome { precondition(body.count <= ListenerProtocol.maximumResult, "a result past the limit") }
        }
        listener.eventSent()
        let event = ListenerEvent.processLog(process: "web", group: "web", pid: 7, stderr: false, data: Array(chunk))
        let envelope = event.envelope(identifier: "supervisor", serial: 1, pool: "p", poolSerial: 1)
        guard let newline = envelope.firstIndex(of: 0x0A) else { preconditionFailure("an envelope without a header line") }
        let header = String(decoding: envelope[..<newline], as: UTF8.self)
        precondition(header.utf8.elementsEqual(("ver:3.0 server:supervisor serial:1 pool:p poolserial:1 eventname:PROCESS_LOG_STDOUT len:"
            + decimal(PythonText.length(event.payload[...]))).utf8), "a header whose len is not the payload's length")
    }
    return 0
}
