// Fuzz target: a request line on the control channel (`ControlProtocol.parse`), as any local
// client can send it, and a reply as `vigil status` reads it (`ControlProtocol.Reply.parse`).
//
// Input: the line (without its newline). A request that parses prints back as the same line.
@testable import VigilCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzControlRequest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let request = try ControlProtocol.parse(bytes, realtime: RealtimeSignals(min: 34, max: 64))
        let line = Array(ControlProtocol.line(request).utf8)
        precondition(line.last == 0x0A, "a request line without its newline")
        let again = try ControlProtocol.parse(line.dropLast(), realtime: RealtimeSignals(min: 34, max: 64))
        precondition(again == request, "a request that prints back differently")
    } catch {
        precondition(!error.message.isEmpty, "an error without a message")
    }
    if let reply = ControlProtocol.Reply.parse(bytes) {
        precondition(ControlProtocol.Reply.parse(Array(reply.text.utf8)) == reply, "a reply that reads back differently")
    }
    return 0
}
