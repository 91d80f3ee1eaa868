/// The readiness checks a sidecar may have, as written: `--ready NAME=CHECK`, `ready = "CHECK"`.
enum ReadinessCheck {
    /// `exec:COMMAND`, `tcp:PORT`, `tcp:HOST:PORT` (an IPv4 address) or `notify`.
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
        if ASCII.hasPrefix(bytes, "tcp:") {
            let rest = bytes[4...]
            var address: UInt32 = 0x7F00_0001
            var portText = rest
            if let colon = rest.lastIndex(of: UInt8(ascii: ":")) {
                guard let parsed = ipv4(rest[..<colon]) else {
                    throw UsageError("\(place): expected tcp:PORT or tcp:IPV4:PORT, got '\(text)'")
                }
                address = parsed
                portText = rest[(colon + 1)...]
            }
            guard let port = ASCII.parseInteger(portText), port >= 1, port <= 65535 else {
                throw UsageError("\(place): expected a port from 1 to 65535 in '\(text)'")
            }
            return .tcp(address: address, port: UInt16(port))
        }
        throw UsageError("\(place): expected exec:COMMAND, tcp:PORT, tcp:HOST:PORT or notify, got '\(text)'")
    }

    /// A dotted IPv4 address, in host byte order.
    static func ipv4(_ bytes: ArraySlice<UInt8>) -> UInt32? {
        var value: UInt32 = 0
        var parts = 0
        for part in bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            guard let number = ASCII.parseInteger(part), number <= 255, part.count <= 3 else { return nil }
            value = value << 8 | UInt32(number)
            parts += 1
        }
        return parts == 4 ? value : nil
    }
}
