/// Python's `int(text)` and `int(text, 8)`, which supervisord uses for every number in its
/// configuration: surrounding whitespace, a sign, single underscores between digits, and the
/// decimal digits of any script (`٣` is 3). Python's integers have no limit; vigil's stop at
/// the 64-bit range, which no setting needs.
enum PythonInt {
    enum Parsed: Equatable {
        case value(Int64)
        /// Python would say "invalid literal for int() with base 10: '...'".
        case invalid
        /// A valid literal past the 64-bit range.
        case tooLarge
    }

    /// The first code point of each run of ten decimal digits (Unicode category Nd).
    private static let digitZeros: [UInt32] = [
        0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6,
        0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50,
        0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10, 0x104A0,
        0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650, 0x116C0,
        0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50, 0x1D7CE,
        0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
    ]

    /// The value of a decimal digit of any script, or nil.
    static func digitValue(_ scalar: UInt32) -> Int? {
        if scalar >= 0x30 && scalar <= 0x39 { return Int(scalar - 0x30) }
        guard scalar >= 0x660 else { return nil }
        for zero in digitZeros where scalar >= zero && scalar < zero + 10 { return Int(scalar - zero) }
        return nil
    }

    static func parse(_ text: String, base: Int64 = 10) -> Parsed {
        parse(Array(text.utf8)[...], base: base)
    }

    static func parse(_ bytes: ArraySlice<UInt8>, base: Int64 = 10) -> Parsed {
        // Digits of other scripts become ASCII, and non-ASCII spaces become spaces; the ASCII
        // characters stay as they are, so only ASCII's own spaces are spaces among them.
        var text: [UInt8] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let found = PythonText.scalar(at: index, in: bytes)
            index += found.length
            if found.value < 0x7F {
                text.append(UInt8(found.value))
            } else if PythonText.isSpace(found.value) {
                text.append(0x20)
            } else if let digit = digitValue(found.value) {
                text.append(UInt8(0x30 + digit))
            } else {
                return .invalid
            }
        }
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
        var start = 0, end = text.count
        while start < end && isSpace(text[start]) { start += 1 }
        while end > start && isSpace(text[end - 1]) { end -= 1 }
        var negative = false
        if start < end && (text[start] == UInt8(ascii: "+") || text[start] == UInt8(ascii: "-")) {
            negative = text[start] == UInt8(ascii: "-")
            start += 1
        }
        var afterPrefix = false
        if base == 8 && end - start >= 2 && text[start] == UInt8(ascii: "0")
            && (text[start + 1] == UInt8(ascii: "o") || text[start + 1] == UInt8(ascii: "O")) {
            start += 2
            afterPrefix = true
        }
        return digits(text[start..<end], base: base, negative: negative, underscoreFirst: afterPrefix)
    }

    /// Digits with single underscores between them (and, after a base prefix, before them).
    private static func digits(_ text: ArraySlice<UInt8>, base: Int64, negative: Bool, underscoreFirst: Bool) -> Parsed {
        var magnitude: UInt64 = 0
        var count = 0
        var previousUnderscore = !underscoreFirst
        var tooLarge = false
        for byte in text {
            if byte == UInt8(ascii: "_") {
                guard !previousUnderscore else { return .invalid }
                previousUnderscore = true
                continue
            }
            guard byte >= 0x30 && byte < 0x30 + UInt8(base) else { return .invalid }
            previousUnderscore = false
            count += 1
            let (times, overflow) = magnitude.multipliedReportingOverflow(by: UInt64(base))
            let (sum, carry) = times.addingReportingOverflow(UInt64(byte - 0x30))
            if overflow || carry { tooLarge = true }
            magnitude = sum
        }
        guard count > 0, text.last != UInt8(ascii: "_") else { return .invalid }
        if tooLarge { return .tooLarge }
        if negative {
            return magnitude <= UInt64(Int64.max) + 1 ? .value(magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)) : .tooLarge
        }
        return magnitude <= UInt64(Int64.max) ? .value(Int64(magnitude)) : .tooLarge
    }
}
