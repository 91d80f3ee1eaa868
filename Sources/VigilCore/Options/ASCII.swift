/// Byte-level text helpers. Option values are ASCII; working on bytes keeps parsing exact and
/// independent of Unicode rules.
enum ASCII {
    static func uppercased(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            bytes.append(byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A non-negative decimal integer with no sign, spaces or other characters; nil on
    /// anything else or on overflow past one billion (no option needs more).
    static func parseInteger(_ text: String) -> Int64? {
        if text.isEmpty { return nil }
        var value: Int64 = 0
        for byte in text.utf8 {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            value = value * 10 + Int64(byte - 0x30)
            if value > 1_000_000_000 { return nil }
        }
        return value
    }
}
