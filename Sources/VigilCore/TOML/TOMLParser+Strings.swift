// Strings: basic, literal and multi-line strings, escapes, and the control characters they refuse.
extension TOMLParser {
    mutating func basicString() throws(TOMLError) -> [UInt8] {
        let opening = index
        index += 1
        var text: [UInt8] = []
        while true {
            let byte = peek()
            if byte == UInt8(ascii: "\"") { break }
            if byte == Self.end || isNewline(byte) {
                throw error(opening, "unterminated string: a \"...\" string ends on its line (\"\"\"...\"\"\" may span lines)")
            }
            if byte == UInt8(ascii: "\\") {
                try escape(into: &text)
                continue
            }
            try checkControl(byte, in: .string)
            text.append(byte)
            index += 1
        }
        index += 1
        return text
    }

    mutating func literalString() throws(TOMLError) -> [UInt8] {
        let opening = index
        index += 1
        let start = index
        while true {
            let byte = peek()
            if byte == UInt8(ascii: "'") { break }
            if byte == Self.end || isNewline(byte) {
                throw error(opening, "unterminated string: a '...' string ends on its line ('''...''' may span lines)")
            }
            try checkControl(byte, in: .literalString)
            index += 1
        }
        index += 1
        return Array(bytes[start..<(index - 1)])
    }

    mutating func multilineString(basic: Bool) throws(TOMLError) -> [UInt8] {
        let quote = peek()
        let opening = position(at: index)
        index += 3
        if peek() == 0x0D { index += 1 }  // CR is always followed by LF here (checkEncoding)
        if peek() == 0x0A { newline() }
        var text: [UInt8] = []
        while true {
            let byte = peek()
            if byte == quote {
                var run = 0
                while peek(run) == quote { run += 1 }
                if run < 3 {
                    text.append(contentsOf: repeatElement(quote, count: run))
                    index += run
                    continue
                }
                // Up to two quotes may end the content right before the closing three.
                let extra = min(run - 3, 2)
                text.append(contentsOf: repeatElement(quote, count: extra))
                index += 3 + extra
                return text
            }
            if byte == Self.end {
                let delimiter = basic ? "\"\"\"" : "'''"
                throw TOMLError(opening, "unterminated multi-line string: no closing " + delimiter)
            }
            if byte == 0x0D { index += 1 }
            if peek() == 0x0A {
                text.append(0x0A)
                newline()
                continue
            }
            if basic && byte == UInt8(ascii: "\\") {
                var after = index + 1
                while peek(after - index) == 0x20 || peek(after - index) == 0x09 { after += 1 }
                let next = peek(after - index)
                if next == 0x0A || next == 0x0D {
                    // A line-ending backslash: drop it and the whitespace up to the next text.
                    index = after
                    while true {
                        let space = peek()
                        if space == 0x20 || space == 0x09 || space == 0x0D {
                            index += 1
                        } else if space == 0x0A {
                            newline()
                        } else {
                            break
                        }
                    }
                } else {
                    try escape(into: &text)
                }
                continue
            }
            try checkControl(byte, in: basic ? .string : .literalString)
            text.append(byte)
            index += 1
        }
    }

    /// At a backslash in a basic string: appends what the escape stands for.
    private mutating func escape(into text: inout [UInt8]) throws(TOMLError) {
        let start = index
        let letter = peek(1)
        let simple: UInt8? = switch letter {
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "t"): 0x09
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "\""): UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): UInt8(ascii: "\\")
        default: nil
        }
        if let simple {
            text.append(simple)
            index += 2
            return
        }
        guard letter == UInt8(ascii: "u") || letter == UInt8(ascii: "U") else {
            throw error(start, "invalid escape: a backslash followed by " + describe(start + 1) + "; valid escapes are "
                + "\\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX (a 'literal string' keeps backslashes)")
        }
        let digits = letter == UInt8(ascii: "u") ? 4 : 8
        var scalar: UInt32 = 0
        for offset in 2..<(2 + digits) {
            guard let digit = Self.hexValue(peek(offset)) else {
                throw error(start, letter == UInt8(ascii: "u") ? "invalid escape: \\u needs 4 hexadecimal digits" : "invalid escape: \\U needs 8 hexadecimal digits")
            }
            scalar = scalar << 4 | digit
        }
        guard scalar < 0xD800 || (scalar > 0xDFFF && scalar <= 0x10FFFF) else {
            throw error(start, "invalid escape: " + Self.string(Array(bytes[start..<(start + 2 + digits)])) + " is not a Unicode scalar value")
        }
        Self.appendUTF8(scalar, to: &text)
        index += 2 + digits
    }

    enum Place { case string, literalString, comment }

    /// Tab is the only control character allowed in strings and comments.
    func checkControl(_ byte: UInt8, in place: Place) throws(TOMLError) {
        guard (byte < 0x20 && byte != 0x09) || byte == 0x7F else { return }
        let code = Self.hex(UInt32(byte), digits: 4)
        let message = switch place {
        case .string: " in a string: write it as \\u" + code
        case .literalString: " in a literal string"
        case .comment: " in a comment"
        }
        throw error(index, "control character U+" + code + message)
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case 0x30...0x39: UInt32(byte - 0x30)
        case 0x41...0x46: UInt32(byte - 0x41 + 10)
        case 0x61...0x66: UInt32(byte - 0x61 + 10)
        default: nil
        }
    }

    private static func appendUTF8(_ scalar: UInt32, to text: inout [UInt8]) {
        switch scalar {
        case ..<0x80:
            text.append(UInt8(scalar))
        case ..<0x800:
            text.append(UInt8(0xC0 | scalar >> 6))
            text.append(UInt8(0x80 | scalar & 0x3F))
        case ..<0x10000:
            text.append(UInt8(0xE0 | scalar >> 12))
            text.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            text.append(UInt8(0x80 | scalar & 0x3F))
        default:
            text.append(UInt8(0xF0 | scalar >> 18))
            text.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            text.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            text.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
