// Fuzz target: the bytes of a connection to the supervisord socket as vigil frames them into
// HTTP requests (`HTTPRequestFraming`), and their Basic credentials (`BasicAuthorization`).
//
// Input: what a client sent. Requests are framed one after another; each takes bytes from the
// input and no more than it holds.
@testable import VigilCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPRequest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var rest = bytes[...]
    while !rest.isEmpty {
        switch HTTPRequestFraming.parse(rest) {
        case .incomplete, .failure:
            return 0
        case .empty(let consumed):
            precondition(consumed > 0 && consumed <= rest.count, "an empty request outside the input")
            rest = rest.dropFirst(consumed)
        case .request(let request, let body, let consumed):
            precondition(consumed > 0 && consumed <= rest.count, "a request outside the input")
            precondition(body.count <= HTTPRequestFraming.maximumBody, "a body past the limit")
            precondition(ASCII.equals(request.method, "POST") || body.isEmpty, "a body for a request that has none")
            _ = request.keepsAlive
            _ = request.header("content-length")
            _ = BasicAuthorization.check(request, username: "root", password: "{SHA}e982f17bcbe0f724063b708a4f76db211a999304")
            _ = BasicAuthorization.check(request, username: "user", password: "plain")
            rest = rest.dropFirst(consumed)
        }
    }
    return 0
}
