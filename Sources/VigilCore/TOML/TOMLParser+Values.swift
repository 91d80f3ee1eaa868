// Values: the dispatch on a value's first byte, arrays, inline tables, and the bare values
// (integers and booleans, and the refusals of floats, dates and other integer forms).
extension TOMLParser {
    private static let maximumDepth = 100

    /// `node` holds the keys of an inline table; nil in arrays, whose inline tables are new nodes.
    mutating func value(node: Int?) throws(TOMLError) -> TOMLValue {
        let position = position(at: index)
        let byte = peek()
        let kind: TOMLValue.Shape
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            let multiline = peek(1) == byte && peek(2) == byte
            let text = switch (byte == UInt8(ascii: "\""), multiline) {
            case (true, false): try basicString()
            case (false, false): try literalString()
            case (let basic, true): try multilineString(basic: basic)
            }
            kind = .string(Self.string(text))
        case UInt8(ascii: "["):
            kind = .array(try array())
        case UInt8(ascii: "{"):
            let table = node ?? newInlineTableNode()
            kind = .inlineTable(try inlineTable(table))
        default:
            kind = try scalar()
        }
        return TOMLValue(kind: kind, position: position)
    }

    private mutating func nest(_ offset: Int) throws(TOMLError) {
        depth += 1
        if depth > Self.maximumDepth {
            throw error(offset, "arrays and inline tables nest more than 100 deep")
        }
    }

    private mutating func array() throws(TOMLError) -> [TOMLValue] {
        let opening = index
        let openingPosition = position(at: index)
        try nest(opening)
        index += 1
        var items: [TOMLValue] = []
        while true {
            try skipBlank()
            if peek() == UInt8(ascii: "]") { break }
            if peek() == Self.end { throw TOMLError(openingPosition, "unterminated array: no ']' before the end of the file") }
            items.append(try value(node: nil))
            try skipBlank()
            let byte = peek()
            if byte == UInt8(ascii: ",") {
                index += 1
            } else if byte == UInt8(ascii: "]") {
                break
            } else if byte == Self.end {
                throw TOMLError(openingPosition, "unterminated array: no ']' before the end of the file")
            } else {
                throw unexpected(index, "expected ',' or ']' after an array element")
            }
        }
        index += 1
        depth -= 1
        return items
    }

    private mutating func inlineTable(_ node: Int) throws(TOMLError) -> [TOMLEntry] {
        try nest(index)
        index += 1
        var entries: [TOMLEntry] = []
        skipSpaces()
        if peek() == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return entries
        }
        while true {
            try inlineTableSpace()
            entries.append(try keyValue(in: node, table: nil))
            skipSpaces()
            let byte = peek()
            if byte == UInt8(ascii: "}") { break }
            guard byte == UInt8(ascii: ",") else {
                try inlineTableSpace()
                throw unexpected(index, "expected ',' or '}' in the inline table")
            }
            index += 1
            skipSpaces()
            if peek() == UInt8(ascii: "}") {
                throw error(index, "an inline table cannot end with a comma")
            }
        }
        index += 1
        depth -= 1
        return entries
    }

    /// Skips spaces, and explains newlines and comments, which TOML 1.0 does not allow there.
    private mutating func inlineTableSpace() throws(TOMLError) {
        skipSpaces()
        let byte = peek()
        if isNewline(byte) || byte == Self.end {
            throw error(index, "an inline table must end on the line it starts (a table header allows longer tables)")
        }
        if byte == UInt8(ascii: "#") {
            throw error(index, "an inline table cannot hold comments")
        }
    }

    /// Integers and booleans, and clear refusals of the rest of TOML's bare values.
    private mutating func scalar() throws(TOMLError) -> TOMLValue.Shape {
        let start = index
        while Self.isTokenByte(peek()) { index += 1 }
        guard index > start else { throw unexpected(start, "expected a value") }
        let token = bytes[start..<index]
        if ASCII.equals(token, "true") { return .boolean(true) }
        if ASCII.equals(token, "false") { return .boolean(false) }
        let negative = bytes[start] == UInt8(ascii: "-")
        let digits = bytes[(negative || bytes[start] == UInt8(ascii: "+") ? start + 1 : start)..<index]
        if ASCII.equals(digits, "inf") || ASCII.equals(digits, "nan") { throw floatError(start) }
        guard let lead = digits.first, Self.isDigit(lead) else {
            let shown = Self.string(Array(token.prefix(40))) + (token.count > 40 ? "..." : "")
            if digits.count < token.count { throw error(start, "invalid integer '" + shown + "'") }
            throw error(start, "expected a value, found '" + shown + "': write strings in quotes, as in \"" + shown + "\"")
        }
        if token.contains(UInt8(ascii: ":"))
            || (token.count > 4 && token.prefix(4).allSatisfy(Self.isDigit) && bytes[start + 4] == UInt8(ascii: "-")) {
            throw error(start, "dates and times are not supported: write them as strings")
        }
        let second = digits.dropFirst().first
        if lead == UInt8(ascii: "0") && (second == UInt8(ascii: "x") || second == UInt8(ascii: "o") || second == UInt8(ascii: "b")) {
            throw error(start, "hexadecimal, octal and binary integers are not supported: write a decimal integer")
        }
        var value: Int64 = 0  // negative while reading: -2^63 has no positive counterpart
        var previous = UInt8(ascii: "_")
        for byte in digits {
            if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") { throw floatError(start) }
        }
        for byte in digits {
            if byte == UInt8(ascii: "_") {
                guard Self.isDigit(previous) else { throw error(start, "an underscore in an integer must stand between digits") }
            } else {
                guard Self.isDigit(byte) else {
                    throw error(start, "invalid integer '" + Self.string(Array(token.prefix(40))) + "'")
                }
                let (product, overflow) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = product.subtractingReportingOverflow(Int64(byte - 0x30))
                if overflow || overflow2 || (!negative && sum == Int64.min) { throw rangeError(start) }
                value = sum
            }
            previous = byte
        }
        guard previous != UInt8(ascii: "_") else { throw error(start, "an underscore in an integer must stand between digits") }
        if lead == UInt8(ascii: "0") && digits.count > 1 { throw error(start, "leading zeros are not allowed in integers") }
        return .integer(negative ? value : -value)
    }

    private func rangeError(_ offset: Int) -> TOMLError {
        error(offset, "integer out of range: it must be from -9223372036854775808 to 9223372036854775807")
    }

    private func floatError(_ offset: Int) -> TOMLError {
        error(offset, "floats are not supported: write a duration string such as \"1.5s\"")
    }
}
