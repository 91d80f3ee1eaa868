// Errors: where they point, what they quote, and the text of keys and bytes in messages.
extension TOMLParser {
    func unexpected(_ offset: Int, _ expected: String) -> TOMLError {
        error(offset, expected + ", found " + describe(offset))
    }

    func error(_ offset: Int, _ message: String) -> TOMLError {
        var copy = self
        return TOMLError(copy.position(at: offset), message)
    }

    /// "'x'", "end of line", "control character U+0001" ...
    func describe(_ offset: Int) -> String {
        guard offset < bytes.count else { return "end of file" }
        let byte = bytes[offset]
        if isNewline(byte) { return "end of line" }
        if byte < 0x20 || byte == 0x7F { return "control character U+" + Self.hex(UInt32(byte), digits: 4) }
        var end = offset + 1
        while end < bytes.count && bytes[end] & 0xC0 == 0x80 { end += 1 }
        return "'" + Self.string(Array(bytes[offset..<end])) + "'"
    }

    static func hex(_ value: UInt32, digits: Int) -> String {
        var text: [UInt8] = []
        for shift in stride(from: (digits - 1) * 4, through: 0, by: -4) {
            let digit = UInt8((value >> UInt32(shift)) & 0xF)
            text.append(digit < 10 ? 0x30 + digit : 0x41 + digit - 10)
        }
        return string(text)
    }

    @inline(never)  // one copy of String's UTF-8 decoding, not one per caller
    static func string(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// A key path as TOML writes it: `a."b c"`.
    static func display(_ path: [[UInt8]]) -> String {
        var text: [UInt8] = []
        for key in path {
            if !text.isEmpty { text.append(UInt8(ascii: ".")) }
            if !key.isEmpty && key.allSatisfy(isBare) {
                text.append(contentsOf: key)
                continue
            }
            text.append(UInt8(ascii: "\""))
            for byte in key {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                    text.append(contentsOf: [UInt8(ascii: "\\"), byte])
                } else if byte < 0x20 || byte == 0x7F {
                    text.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u")] + hex(UInt32(byte), digits: 4).utf8)
                } else {
                    text.append(byte)
                }
            }
            text.append(UInt8(ascii: "\""))
        }
        return string(text)
    }
}

extension TOMLError {
    /// An error where the parser points: its files build every error at a `TOMLPosition`.
    init(_ position: TOMLPosition, _ message: String) {
        self.init(line: position.line, column: position.column, message: message)
    }
}
