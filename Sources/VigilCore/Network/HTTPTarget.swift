/// What an `http:` check asks for: where it connects, the Host header it sends, and the path.
/// Written `http:PORT/PATH` (on 127.0.0.1) or `http://HOST[:PORT][/PATH]`, HOST being an IPv4
/// literal, an IPv6 literal in brackets, or `localhost`. There is no TLS, and no name is
/// resolved.
struct HTTPTarget: Equatable, Sendable {
    var endpoint: Endpoint
    /// The Host header's value, as the check wrote the host (`localhost:8080`, `[::1]:8080`).
    var host: String
    /// From `/`, query included.
    var path: String

    /// Why a check's text is not an HTTP target.
    enum TargetProblem: Error, Equatable {
        /// Not shaped like either form.
        case shape
        case port
        case host
        case path
    }

    /// The longest path taken: a request line must stay small.
    static let longestPath = 1024

    /// Parses what follows `http:`: `PORT/PATH` or `//HOST[:PORT][/PATH]`.
    static func parse(_ text: ArraySlice<UInt8>) throws(TargetProblem) -> HTTPTarget {
        if ASCII.hasPrefix(text, "//") { return try parseURL(text.dropFirst(2)) }
        guard let slash = text.firstIndex(of: UInt8(ascii: "/")), slash > text.startIndex else { throw .shape }
        let port = try Self.port(text[..<slash])
        let path = try Self.path(text[slash...])
        return HTTPTarget(endpoint: Endpoint(address: .loopback, port: port), host: "127.0.0.1:" + decimal(Int64(port)),
                          path: path)
    }

    /// `HOST[:PORT][/PATH]`, after `http://`.
    private static func parseURL(_ text: ArraySlice<UInt8>) throws(TargetProblem) -> HTTPTarget {
        let end = text.firstIndex(of: UInt8(ascii: "/")) ?? text.endIndex
        let authority = text[..<end]
        let path = end == text.endIndex ? "/" : try Self.path(text[end...])
        var hostText = authority
        var portText: ArraySlice<UInt8>? = nil
        if authority.first == UInt8(ascii: "[") {
            guard let close = authority.firstIndex(of: UInt8(ascii: "]")) else { throw .host }
            hostText = authority[...close]
            let rest = authority[(close + 1)...]
            if !rest.isEmpty {
                guard rest.first == UInt8(ascii: ":") else { throw .host }
                portText = rest.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: UInt8(ascii: ":")) {
            hostText = authority[..<colon]
            portText = authority[(colon + 1)...]
        }
        var port: UInt16 = 80
        if let portText { port = try Self.port(portText) }
        let address = try Self.address(hostText)
        let host = String(decoding: hostText, as: UTF8.self) + (portText == nil ? "" : ":" + decimal(Int64(port)))
        return HTTPTarget(endpoint: Endpoint(address: address, port: port), host: host, path: path)
    }

    private static func address(_ host: ArraySlice<UInt8>) throws(TargetProblem) -> IPAddress {
        if ASCII.equals(host, "localhost") { return .loopback }
        if host.first == UInt8(ascii: "[") && host.last == UInt8(ascii: "]") {
            guard let bytes = IPAddress.parseIPv6(host.dropFirst().dropLast()) else { throw .host }
            return .v6(bytes)
        }
        guard let value = IPAddress.parseIPv4(host) else { throw .host }
        return .v4(value)
    }

    private static func port(_ text: ArraySlice<UInt8>) throws(TargetProblem) -> UInt16 {
        guard let port = ASCII.parseInteger(text), port >= 1, port <= 65535 else { throw .port }
        return UInt16(port)
    }

    /// A path of printable ASCII without spaces: it goes into the request line as it is. A
    /// fragment (`#...`) is never sent, so it is refused rather than dropped.
    private static func path(_ text: ArraySlice<UInt8>) throws(TargetProblem) -> String {
        guard text.first == UInt8(ascii: "/"), text.count <= longestPath,
              text.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "#") })
        else { throw .path }
        return String(decoding: text, as: UTF8.self)
    }

    /// The request: HTTP/1.1 GET with the Host header, closing after the reply, as
    /// Kubernetes' httpGet probe sends it.
    var request: [UInt8] {
        Array(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: vigil\r\nAccept: */*\r\n"
            + "Connection: close\r\n\r\n").utf8)
    }
}
