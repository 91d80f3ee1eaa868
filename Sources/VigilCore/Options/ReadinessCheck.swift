/// The checks a process may have, as written: `--ready NAME=CHECK`, `ready = "CHECK"`, and
/// the same kinds but `notify` for `--live NAME=CHECK`, `live = "CHECK"`.
enum ReadinessCheck {
    /// `exec:COMMAND`, `tcp:PORT`, `tcp:HOST:PORT` (an IPv4 address, or an IPv6 one in
    /// brackets), `http:PORT/PATH`, `http://HOST[:PORT][/PATH]` or `notify`.
    static func parse(_ text: String, place: String) throws(UsageError) -> ProcessSpec.Readiness {
        let bytes = Array(text.utf8)
        if ASCII.equals(bytes, "notify") { return .notify }
        if ASCII.hasPrefix(bytes, "exec:") {
            let commandText = String(decoding: bytes[5...], as: UTF8.self)
            do {
                return .exec(try CommandWords.split(commandText))
            } catch {
                throw UsageError("\(place): exec check: \(error.message)")
            }
        }
        if ASCII.hasPrefix(bytes, "tcp:") { return .tcp(try endpoint(bytes[4...], text, place)) }
        if ASCII.hasPrefix(bytes, "http:") {
            do {
                return .http(try HTTPTarget.parse(bytes[5...]))
            } catch {
                switch error {
                case .shape: break
                case .port: throw UsageError("\(place): expected a port from 1 to 65535 in '\(text)'")
                case .host: throw UsageError("\(place): expected an IPv4 address, [IPV6] or localhost as the host in '\(text)'")
                case .path:
                    throw UsageError("\(place): the path must start with / and hold printable ASCII only (no spaces or #, at most \(HTTPTarget.longestPath) bytes), in '\(text)'")
                }
            }
        }
        throw UsageError("\(place): expected exec:COMMAND, tcp:PORT, tcp:HOST:PORT, http:PORT/PATH, http://HOST:PORT/PATH or notify, got '\(text)'")
    }

    /// A liveness check: any kind but `notify`, which a running process has no reason to repeat.
    static func parseLiveness(_ text: String, place: String) throws(UsageError) -> ProcessSpec.Readiness {
        let check = try parse(text, place: place)
        if case .notify = check {
            throw UsageError("\(place): notify is a readiness check only; expected exec:COMMAND, tcp:... or http:...")
        }
        return check
    }

    /// `PORT` (on 127.0.0.1) or `HOST:PORT`, HOST an IPv4 address or `[IPV6]`.
    private static func endpoint(_ rest: ArraySlice<UInt8>, _ text: String, _ place: String) throws(UsageError) -> Endpoint {
        var address = IPAddress.loopback
        var portText = rest
        if let colon = rest.lastIndex(of: UInt8(ascii: ":")) {
            let host = rest[..<colon]
            if host.first == UInt8(ascii: "["), host.last == UInt8(ascii: "]"), let v6 = IPAddress.parseIPv6(host.dropFirst().dropLast()) {
                address = .v6(v6)
            } else if let v4 = IPAddress.parseIPv4(host) {
                address = .v4(v4)
            } else {
                throw UsageError("\(place): expected tcp:PORT or tcp:HOST:PORT (HOST an IPv4 address or [IPv6]), got '\(text)'")
            }
            portText = rest[(colon + 1)...]
        }
        guard let port = ASCII.parseInteger(portText), port >= 1, port <= 65535 else {
            throw UsageError("\(place): expected a port from 1 to 65535 in '\(text)'")
        }
        return Endpoint(address: address, port: UInt16(port))
    }
}
