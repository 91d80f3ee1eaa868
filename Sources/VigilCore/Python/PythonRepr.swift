/// Python's `repr()` and `ascii()` of strings and of the expansions dict, for `%r`, `%a` and a
/// bare `%s` in a supervisord value, which print them into the value itself.
///
/// Python keeps printable non-ASCII characters in `repr()`. Printable means "not in categories
/// Cc, Cf, Zs (but the space), Zl, Zp, Co, Cn"; the table below has all but Cn (unassigned
/// code points, which vigil counts as printable: an accepted difference).
enum PythonRepr {
    private static let unprintable: [(UInt32, UInt32)] = [
        (0x80, 0xA0), (0xAD, 0xAD), (0x600, 0x605), (0x61C, 0x61C), (0x6DD, 0x6DD), (0x70F, 0x70F),
        (0x890, 0x891), (0x8E2, 0x8E2), (0x1680, 0x1680), (0x180E, 0x180E), (0x2000, 0x200F),
        (0x2028, 0x202F), (0x205F, 0x2064), (0x2066, 0x206F), (0x3000, 0x3000), (0xE000, 0xF8FF),
        (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD), (0x110CD, 0x110CD), (0x13430, 0x13438),
        (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0001, 0xE0001), (0xE0020, 0xE007F),
        (0xF0000, 0xFFFFD), (0x100000, 0x10FFFD),
    ]

    static func isPrintable(_ scalar: UInt32) -> Bool {
        if scalar < 0x80 { return scalar >= 0x20 && scalar < 0x7F }
        for (low, high) in unprintable where scalar >= low && scalar <= high { return false }
        return true
    }

    /// `repr(text)`, or `ascii(text)` when `asciiOnly`.
    static func string(_ text: ArraySlice<UInt8>, asciiOnly: Bool = false) -> [UInt8] {
        let hasSingle = text.contains(UInt8(ascii: "'"))
        let quote = hasSingle && !text.contains(UInt8(ascii: "\"")) ? UInt8(ascii: "\"") : UInt8(ascii: "'")
        var result: [UInt8] = [quote]
        var index = text.startIndex
        while index < text.endIndex {
            let found = PythonText.scalar(at: index, in: text)
            let scalar = found.value
            switch scalar {
            case UInt32(quote), 0x5C: result.append(0x5C); result.append(UInt8(scalar))
            case 0x09: result.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x0A: result.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: result.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            default:
                if isPrintable(scalar) && !(asciiOnly && scalar >= 0x80) {
                    result.append(contentsOf: text[index..<(index + found.length)])
                } else {
                    appendEscape(scalar, to: &result)
                }
            }
            index += found.length
        }
        result.append(quote)
        return result
    }

    static func string(_ text: String, asciiOnly: Bool = false) -> String {
        String(decoding: string(PythonText.bytes(text)[...], asciiOnly: asciiOnly), as: UTF8.self)
    }

    /// `\xNN`, `\uNNNN` or `\UNNNNNNNN`.
    private static func appendEscape(_ scalar: UInt32, to result: inout [UInt8]) {
        let digits = Array("0123456789abcdef".utf8)
        let (letter, width): (UInt8, Int) = scalar < 0x100 ? (UInt8(ascii: "x"), 2) : scalar < 0x10000 ? (UInt8(ascii: "u"), 4) : (UInt8(ascii: "U"), 8)
        result.append(0x5C)
        result.append(letter)
        for shift in stride(from: (width - 1) * 4, through: 0, by: -4) {
            result.append(digits[Int((scalar >> UInt32(shift)) & 0xF)])
        }
    }

    /// `repr(dict)` of the expansions: `{'here': '/etc', 'process_num': 0}`.
    static func dictionary(_ expansions: Expansions, asciiOnly: Bool = false) -> [UInt8] {
        var result: [UInt8] = [UInt8(ascii: "{")]
        for (index, entry) in expansions.entries.enumerated() {
            if index > 0 { result.append(contentsOf: [UInt8(ascii: ","), 0x20]) }
            result.append(contentsOf: string(entry.name[...], asciiOnly: asciiOnly))
            result.append(contentsOf: [UInt8(ascii: ":"), 0x20])
            switch entry.value {
            case .text(let text): result.append(contentsOf: string(text[...], asciiOnly: asciiOnly))
            case .number(let number): result.append(contentsOf: decimal(number).utf8)
            }
        }
        result.append(UInt8(ascii: "}"))
        return result
    }

    /// `repr(bytes)`: `b'...'`, for data that is not valid UTF-8.
    static func bytes(_ data: ArraySlice<UInt8>) -> [UInt8] {
        let hasSingle = data.contains(UInt8(ascii: "'"))
        let quote = hasSingle && !data.contains(UInt8(ascii: "\"")) ? UInt8(ascii: "\"") : UInt8(ascii: "'")
        var result: [UInt8] = [UInt8(ascii: "b"), quote]
        for byte in data {
            switch byte {
            case quote, 0x5C: result.append(0x5C); result.append(byte)
            case 0x09: result.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x0A: result.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: result.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x20..<0x7F: result.append(byte)
            default: appendEscape(UInt32(byte), to: &result)
            }
        }
        result.append(quote)
        return result
    }
}
