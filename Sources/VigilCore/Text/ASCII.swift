/// Byte-level text helpers. Option values are ASCII, and comparing bytes keeps parsing exact.
/// It also keeps the release binary small: String's own `==`, `hasPrefix` and `split` follow
/// Unicode rules and link about 40 kB of normalization tables into an Embedded build.
enum ASCII {
    static func uppercased(_ text: String) -> [UInt8] {
        text.utf8.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }
    }

    static func equals(_ bytes: some Collection<UInt8>, _ literal: String) -> Bool {
        bytes.elementsEqual(literal.utf8)
    }

    static func equals(_ text: String, _ literal: String) -> Bool {
        text.utf8.elementsEqual(literal.utf8)
    }

    static func hasPrefix(_ bytes: some Collection<UInt8>, _ literal: String) -> Bool {
        bytes.starts(with: literal.utf8)
    }

    /// A non-negative decimal integer with no sign, spaces or other characters; nil on
    /// anything else or past one billion (no option needs more).
    static func parseInteger(_ bytes: some Collection<UInt8>) -> Int64? {
        if bytes.isEmpty { return nil }
        var value: Int64 = 0
        for byte in bytes {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            value = value * 10 + Int64(byte - 0x30)
            if value > 1_000_000_000 { return nil }
        }
        return value
    }

    static func parseInteger(_ text: String) -> Int64? {
        parseInteger(text.utf8)
    }

    /// The pieces between separators, without empty ones.
    static func split(_ text: String, separator: UInt8) -> [String] {
        var pieces: [String] = []
        var current: [UInt8] = []
        for byte in text.utf8 {
            if byte == separator {
                if !current.isEmpty { pieces.append(String(decoding: current, as: UTF8.self)) }
                current.removeAll(keepingCapacity: true)
            } else {
                current.append(byte)
            }
        }
        if !current.isEmpty { pieces.append(String(decoding: current, as: UTF8.self)) }
        return pieces
    }
}

/// A number in decimal. Out of line and without String interpolation, whose generic
/// machinery costs about a kilobyte per use in the Embedded binary.
@inline(never)
func decimal(_ value: Int64) -> String {
    var digits: [UInt8] = []
    var magnitude = value.magnitude
    repeat {
        digits.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
        magnitude /= 10
    } while magnitude > 0
    if value < 0 { digits.append(UInt8(ascii: "-")) }
    return String(decoding: digits.reversed(), as: UTF8.self)
}

func decimal(_ value: Int32) -> String { decimal(Int64(value)) }
func decimal(_ value: Int) -> String { decimal(Int64(value)) }
