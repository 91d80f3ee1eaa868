// Fuzz target: the text of a readiness or liveness check (`--ready NAME=CHECK`, `--live`,
// `ready = "..."`), `ReadinessCheck.parse`, with the IPv6 and HTTP URL parsers it calls.
//
// Input: the text to parse.
@testable import VigilCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCheckText(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let check = try? ReadinessCheck.parse(text, place: "--ready") else { return 0 }
    switch check {
    case .tcp(let endpoint): checkEndpoint(endpoint, text)
    case .http(let target):
        checkEndpoint(target.endpoint, text)
        precondition(target.path.utf8.first == UInt8(ascii: "/") && target.path.utf8.count <= HTTPTarget.longestPath,
                     "'\(text)': path \(target.path)")
        // The request is one request: no byte of the path or host can end a line early.
        let request = target.request
        let lines = request.split(separator: 0x0A, omittingEmptySubsequences: false)
        precondition(lines.count == 7 && request.suffix(4) == [0x0D, 0x0A, 0x0D, 0x0A], "'\(text)': request \(request)")
    case .exec(let words): precondition(!words.isEmpty, "'\(text)': empty exec check")
    case .notify: break
    }
    return 0
}

/// A port in range, and an IPv6 address that prints and parses back to itself.
private func checkEndpoint(_ endpoint: Endpoint, _ text: String) {
    precondition(endpoint.port >= 1, "'\(text)': port 0")
    if case .v6(let bytes) = endpoint.address {
        precondition(bytes.count == 16, "'\(text)': \(bytes.count) bytes")
        precondition(IPAddress.parseIPv6(endpoint.address.text.utf8) == bytes, "'\(text)': round trip")
    }
}
