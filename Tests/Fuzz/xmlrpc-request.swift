// Fuzz target: the body of an XML-RPC request (`XMLRPCRequest.parse`, with `XMLTreeReader`), as
// any client of the supervisord socket can send it, and the reply vigil would write back.
//
// Input: the body. A call that reads has a method name; its parameters written as a reply
// (`XMLRPCResponse`) read back the same, when the reply can hold them.
@testable import VigilCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzXMLRPCRequest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let call = try? XMLRPCRequest.parse(bytes) else { return 0 }
    precondition(!call.method.isEmpty, "a call without a method name")
    _ = call.route
    let value = XMLRPCValue.array(call.params)
    guard roundTrips(value), let reply = XMLRPCResponse.result(value) else { return 0 }
    let body = "<methodCall><methodName>a.b</methodName><params><param>" + String(decoding: reply.dropFirst(56).dropLast(37), as: UTF8.self)
        + "</param></params></methodCall>"
    guard let again = try? XMLRPCRequest.parse(Array(body.utf8)) else { preconditionFailure("a reply that does not read back") }
    precondition(again.params == [value], "a value that reads back differently")
    return 0
}

/// Whether a value survives being written and read: text without characters XML cannot carry
/// (or that it changes: CR), and no nil.
private func roundTrips(_ value: XMLRPCValue) -> Bool {
    func clean(_ text: String) -> Bool {
        var index = 0
        let bytes = Array(text.utf8)
        while index < bytes.count {
            let found = PythonText.scalar(at: index, in: bytes[...])
            guard XMLTreeReader.isCharacter(found.value), found.value != 0x0D else { return false }
            index += found.length
        }
        return true
    }
    switch value {
    case .string(let text), .double(let text), .dateTime(let text): return clean(text)
    case .array(let items): return items.allSatisfy(roundTrips)
    case .structure(let members): return members.allSatisfy { clean($0.name) && roundTrips($0.value) }
    case .int, .boolean: return true
    case .none: return false
    }
}
