/// An IP address as a check names it: a dotted IPv4 literal or an IPv6 literal (RFC 4291's
/// text form, with `::` and an IPv4 tail). Host names are not resolved: a check must not
/// depend on DNS, and the only name taken is `localhost`, by the check's own parser.
enum IPAddress: Equatable, Sendable {
    /// Host byte order.
    case v4(UInt32)
    /// 16 bytes, network order.
    case v6([UInt8])

    static let loopback = IPAddress.v4(0x7F00_0001)

    /// A dotted IPv4 address (`127.0.0.1`), in host byte order.
    static func parseIPv4(_ bytes: some Collection<UInt8>) -> UInt32? {
        var value: UInt32 = 0
        var parts = 0
        for part in bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            guard part.count <= 3, let number = ASCII.parseInteger(part), number <= 255 else { return nil }
            value = value << 8 | UInt32(number)
            parts += 1
        }
        return parts == 4 ? value : nil
    }

    /// An IPv6 literal without brackets (`::1`, `fe80::1:2`, `::ffff:192.0.2.1`), as 16 bytes.
    /// Zone indexes (`%eth0`) are refused: a check connects from the container's namespace.
    static func parseIPv6(_ text: some Collection<UInt8>) -> [UInt8]? {
        let bytes = Array(text)
        guard bytes.count >= 2, bytes.count <= 45 else { return nil }
        var gap: Int? = nil
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: ":") && bytes[index + 1] == UInt8(ascii: ":") {
                guard gap == nil else { return nil }
                gap = index
            }
            index += 1
        }
        var head: [UInt16] = []
        var tail: [UInt16] = []
        if let gap {
            guard let before = groups(bytes[..<gap], allowsIPv4: false),
                  let after = groups(bytes[(gap + 2)...], allowsIPv4: true),
                  before.count + after.count <= 7
            else { return nil }
            head = before
            tail = after
        } else {
            guard let all = groups(bytes[...], allowsIPv4: true), all.count == 8 else { return nil }
            head = all
        }
        let words = head + [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
        var address: [UInt8] = []
        for word in words { address += [UInt8(word >> 8), UInt8(word & 0xFF)] }
        return address
    }

    /// The 16-bit groups of one side of `::` (empty: none); the last may be a dotted IPv4
    /// address, which counts as two.
    private static func groups(_ bytes: ArraySlice<UInt8>, allowsIPv4: Bool) -> [UInt16]? {
        if bytes.isEmpty { return [] }
        let parts = bytes.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        var words: [UInt16] = []
        for (position, part) in parts.enumerated() {
            if position == parts.count - 1, allowsIPv4, part.contains(UInt8(ascii: ".")) {
                guard let v4 = parseIPv4(part) else { return nil }
                words += [UInt16(v4 >> 16), UInt16(v4 & 0xFFFF)]
                continue
            }
            guard !part.isEmpty, part.count <= 4 else { return nil }
            var word: UInt16 = 0
            for byte in part {
                guard let digit = hexDigit(byte) else { return nil }
                word = word << 4 | UInt16(digit)
            }
            words.append(word)
        }
        return words
    }

    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x61...0x66: return byte - 0x61 + 10
        case 0x41...0x46: return byte - 0x41 + 10
        default: return nil
        }
    }

    /// The address for log lines: dotted, or eight groups of hexadecimal (not shortened).
    var text: String {
        switch self {
        case .v4(let value):
            return decimal(Int64(value >> 24)) + "." + decimal(Int64(value >> 16 & 0xFF)) + "."
                + decimal(Int64(value >> 8 & 0xFF)) + "." + decimal(Int64(value & 0xFF))
        case .v6(let bytes):
            let digits = Array("0123456789abcdef".utf8)
            var text: [UInt8] = []
            for group in 0..<8 {
                if group > 0 { text.append(UInt8(ascii: ":")) }
                let word = UInt16(bytes[2 * group]) << 8 | UInt16(bytes[2 * group + 1])
                var started = false
                for shift in stride(from: 12, through: 0, by: -4) {
                    let digit = Int(word >> UInt16(shift) & 0xF)
                    if digit != 0 || started || shift == 0 {
                        text.append(digits[digit])
                        started = true
                    }
                }
            }
            return String(decoding: text, as: UTF8.self)
        }
    }
}

/// Where a tcp or http check connects.
struct Endpoint: Equatable, Sendable {
    var address: IPAddress
    var port: UInt16
}
