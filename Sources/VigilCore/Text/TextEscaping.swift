/// Process names, command lines and user names are bytes that anyone can choose. These writers
/// make them safe to print: on a terminal they cannot move the cursor, start a new line or
/// reorder text, and in JSON they always give a valid string.
enum UTF8Scan {
    /// The scalar encoded at `index` and its length in bytes; nil when the bytes there are not
    /// well-formed UTF-8 (overlong forms, surrogates, values past U+10FFFF, truncated sequences).
    static func scalar(_ bytes: ArraySlice<UInt8>, at index: Int) -> (value: UInt32, length: Int)? {
        let lead = bytes[index]
        if lead < 0x80 { return (UInt32(lead), 1) }
        guard let (length, low, high) = sequence(lead) else { return nil }
        guard bytes.endIndex - index >= length else { return nil }
        var value = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
        for offset in 1..<length {
            let byte = bytes[index + offset]
            if offset == 1 {
                guard byte >= low, byte <= high else { return nil }
            } else {
                guard byte >= 0x80, byte <= 0xBF else { return nil }
            }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        return (value, length)
    }

    /// How many bytes at `index` (where `scalar` found no well-formed sequence) make one
    /// "maximal subpart" of an ill-formed sequence: a valid start followed by the continuation
    /// bytes that could still have completed it. Unicode recommends one U+FFFD for each, as
    /// Python, browsers and Swift's own decoding do.
    static func invalidLength(_ bytes: ArraySlice<UInt8>, at index: Int) -> Int {
        guard let (length, low, high) = sequence(bytes[index]) else { return 1 }
        var count = 1
        while count < length, index + count < bytes.endIndex {
            let byte = bytes[index + count]
            let (from, to) = count == 1 ? (low, high) : (UInt8(0x80), UInt8(0xBF))
            guard byte >= from, byte <= to else { break }
            count += 1
        }
        return count
    }

    /// What a multi-byte sequence starting with `lead` is: its length, and the range its
    /// second byte must be in (narrower than 0x80...0xBF where overlong forms, surrogates or
    /// values past U+10FFFF would start). nil: `lead` starts no sequence.
    private static func sequence(_ lead: UInt8) -> (length: Int, low: UInt8, high: UInt8)? {
        switch lead {
        case 0xC2...0xDF: return (2, 0x80, 0xBF)
        case 0xE0: return (3, 0xA0, 0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: return (3, 0x80, 0xBF)
        case 0xED: return (3, 0x80, 0x9F)
        case 0xF0: return (4, 0x90, 0xBF)
        case 0xF1...0xF3: return (4, 0x80, 0xBF)
        case 0xF4: return (4, 0x80, 0x8F)
        default: return nil
        }
    }

    /// Scalars that are invisible controls: C1 controls, line and paragraph separators,
    /// and the marks and overrides that change the direction of text.
    static func isFormatControl(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x80...0x9F, 0x061C, 0x200E, 0x200F, 0x2028...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    static func hexDigit(_ value: UInt32) -> UInt8 {
        let digit = UInt8(value & 0xF)
        return digit < 10 ? 0x30 + digit : 0x61 + digit - 10
    }
}

/// Text for a terminal: printable UTF-8 as it is; `\n`, `\t`, `\r`, `\\`; other control
/// bytes and invalid bytes as `\xHH`; invisible format controls as `\u{HHHH}`. The one
/// escaper of bytes anyone can choose, for `vigil ps` and for log lines alike.
enum TerminalText {
    static func append(_ bytes: [UInt8], to out: inout [UInt8], backslashes: Bool = true) {
        append(bytes[...], to: &out, backslashes: backslashes)
    }

    /// `backslashes`: double them, so that every escape is unambiguous (`vigil ps`). Log lines
    /// keep them single: their messages quote escapes as written, such as TOML's `\n`.
    static func append(_ bytes: ArraySlice<UInt8>, to out: inout [UInt8], backslashes: Bool = true) {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            guard let (scalar, length) = UTF8Scan.scalar(bytes, at: index) else {
                appendHexByte(bytes[index], to: &out)
                index += 1
                continue
            }
            switch scalar {
            case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
            case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
            case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
            case 0x5C: out.append(0x5C); if backslashes { out.append(0x5C) }
            case 0x00..<0x20, 0x7F: appendHexByte(UInt8(scalar), to: &out)
            default:
                if UTF8Scan.isFormatControl(scalar) {
                    out.append(contentsOf: [0x5C, UInt8(ascii: "u"), UInt8(ascii: "{")])
                    for shift in stride(from: 12, through: 0, by: -4) {
                        out.append(UTF8Scan.hexDigit(scalar >> UInt32(shift)))
                    }
                    out.append(UInt8(ascii: "}"))
                } else {
                    out.append(contentsOf: bytes[index..<(index + length)])
                }
            }
            index += length
        }
    }

    /// How many columns `append` would take, counting one per scalar (no wide characters).
    static func width(_ bytes: [UInt8]) -> Int {
        var out: [UInt8] = []
        append(bytes, to: &out)
        return out.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
    }

    private static func appendHexByte(_ byte: UInt8, to out: inout [UInt8]) {
        out.append(0x5C)
        out.append(UInt8(ascii: "x"))
        out.append(UTF8Scan.hexDigit(UInt32(byte) >> 4))
        out.append(UTF8Scan.hexDigit(UInt32(byte)))
    }
}

/// A JSON string literal (RFC 8259) from arbitrary bytes: well-formed UTF-8 is kept, quotes,
/// backslashes and controls are escaped, and each ill-formed part becomes U+FFFD (one per
/// maximal subpart, see `UTF8Scan.invalidLength`), so the result is always valid JSON.
enum JSONText {
    static func appendString(_ bytes: [UInt8], to out: inout [UInt8]) { appendString(bytes[...], to: &out) }

    static func appendString(_ bytes: ArraySlice<UInt8>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var index = bytes.startIndex
        while index < bytes.endIndex {
            guard let (scalar, length) = UTF8Scan.scalar(bytes, at: index) else {
                appendEscape(0xFFFD, to: &out)
                index += UTF8Scan.invalidLength(bytes, at: index)
                continue
            }
            switch scalar {
            case 0x22: out.append(0x5C); out.append(0x22)
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
            case 0x00..<0x20, 0x7F: appendEscape(scalar, to: &out)
            default:
                if UTF8Scan.isFormatControl(scalar) {
                    appendEscape(scalar, to: &out)
                } else {
                    out.append(contentsOf: bytes[index..<(index + length)])
                }
            }
            index += length
        }
        out.append(UInt8(ascii: "\""))
    }

    /// `\uHHHH` for a scalar of the Basic Multilingual Plane.
    private static func appendEscape(_ scalar: UInt32, to out: inout [UInt8]) {
        out.append(0x5C)
        out.append(UInt8(ascii: "u"))
        for shift in stride(from: 12, through: 0, by: -4) {
            out.append(UTF8Scan.hexDigit(scalar >> UInt32(shift)))
        }
    }
}
