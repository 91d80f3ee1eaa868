// The byte scanner: looking ahead, line counting, spaces, comments and line ends, the classes of
// bytes, and the up-front check of the encoding.
extension TOMLParser {
    func peek(_ ahead: Int = 0) -> UInt8 {
        index + ahead < bytes.count ? bytes[index + ahead] : Self.end
    }

    func isNewline(_ byte: UInt8) -> Bool {
        byte == 0x0A || byte == 0x0D
    }

    /// At an LF: steps over it and starts counting the next line.
    mutating func newline() {
        index += 1
        line += 1
        lineStart = index
    }

    mutating func skipSpaces() {
        while peek() == 0x20 || peek() == 0x09 { index += 1 }
    }

    private mutating func skipComment() throws(TOMLError) {
        guard peek() == UInt8(ascii: "#") else { return }
        index += 1
        while true {
            let byte = peek()
            if byte == Self.end || isNewline(byte) { return }
            try checkControl(byte, in: .comment)
            index += 1
        }
    }

    /// Spaces, comments and newlines, as allowed between array elements.
    mutating func skipBlank() throws(TOMLError) {
        while true {
            skipSpaces()
            try skipComment()
            if peek() == 0x0D { index += 1 }
            guard peek() == 0x0A else { return }
            newline()
        }
    }

    mutating func endOfLine(after what: String) throws(TOMLError) {
        skipSpaces()
        try skipComment()
        if peek() == Self.end { return }
        if peek() == 0x0D { index += 1 }
        guard peek() == 0x0A else {
            throw unexpected(index, "expected the end of the line after " + what)
        }
        newline()
    }

    /// Checks the whole input up front: UTF-8, and CR only before LF.
    func checkEncoding() throws(TOMLError) {
        var line = 1, lineStart = 0, offset = 0
        func failure(_ message: String) -> TOMLError {
            var column = 1
            for byte in bytes[lineStart..<offset] where byte & 0xC0 != 0x80 { column += 1 }
            return TOMLError(line: line, column: column, message: message)
        }
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte < 0x80 {
                if byte == 0x0A {
                    line += 1
                    lineStart = offset + 1
                } else if byte == 0x0D && (offset + 1 == bytes.count || bytes[offset + 1] != 0x0A) {
                    throw failure("carriage return (CR) without a line feed: end lines with LF or CRLF")
                }
                offset += 1
                continue
            }
            // The second byte's range excludes overlong forms, surrogates and code points past U+10FFFF.
            let (count, low, high): (Int, UInt8, UInt8) = switch byte {
            case 0xC2...0xDF: (2, 0x80, 0xBF)
            case 0xE0: (3, 0xA0, 0xBF)
            case 0xED: (3, 0x80, 0x9F)
            case 0xE1...0xEF: (3, 0x80, 0xBF)
            case 0xF0: (4, 0x90, 0xBF)
            case 0xF1...0xF3: (4, 0x80, 0xBF)
            case 0xF4: (4, 0x80, 0x8F)
            default: (0, 0, 0)
            }
            var valid = count > 0 && offset + count <= bytes.count
            if valid {
                valid = bytes[offset + 1] >= low && bytes[offset + 1] <= high
                for continuation in bytes[(offset + 2)..<(offset + count)] where continuation & 0xC0 != 0x80 { valid = false }
            }
            guard valid else { throw failure("invalid UTF-8 (byte 0x" + Self.hex(UInt32(byte), digits: 2) + "): the file must be UTF-8") }
            offset += count
        }
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= 0x30 && byte <= 0x39
    }

    static func isBare(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    /// The bytes of bare values: numbers, booleans, and the dates, floats and words refused.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        isBare(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
    }
}
