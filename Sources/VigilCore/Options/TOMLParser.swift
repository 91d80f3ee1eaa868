/// The reader behind `TOML.parse`: one pass over bytes that are checked to be UTF-8 first.
/// Every table and key is also a node of a tree, found by (parent, key) in a hash table, so that
/// redefinitions are found as they are read, in constant time each. The hash is not seeded (no
/// Hasher: it would read random bytes, and a PID 1 may start before the kernel has them); the
/// file is the image author's, so nobody gains from crafting collisions.
struct TOMLParser {
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var lineStart = 0
    // Columns are counted from the last one asked for on the same line, so that a long line
    // costs one pass, not one pass per value.
    private var columnOffset = 0
    private var column = 1
    private var depth = 0

    private enum NodeKind { case implicitTable, table, value, inlineTable }
    private struct Node {
        var kind: NodeKind
        var line: Int
        let parent: Int
        let key: [UInt8]
    }
    private var nodes = [Node(kind: .table, line: 1, parent: -1, key: [])]
    /// Open addressing: a node's index + 1, or 0 for a free slot; kept at most half full.
    private var slots = [Int32](repeating: 0, count: 64)

    /// Past the end. 0xFF never occurs in UTF-8, so it cannot be mistaken for content.
    private static let end: UInt8 = 0xFF
    private static let maximumDepth = 100

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func document() throws(TOMLError) -> TOMLDocument {
        guard bytes.count <= TOML.maximumSize else {
            throw TOMLError(line: 1, column: 1, message: "the file is larger than 1 MiB (1048576 bytes)")
        }
        try checkEncoding()
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            throw TOMLError(line: 1, column: 1, message: "the file starts with a byte order mark (U+FEFF): save it as UTF-8 without one")
        }
        var tables = [TOMLTable(path: [], position: TOMLPosition(line: 1, column: 1), entries: [])]
        var tableNode = 0
        var tablePath: [[UInt8]] = []
        while true {
            skipSpaces()
            let byte = peek()
            if byte == Self.end { break }
            if byte == UInt8(ascii: "[") {
                let position = position(at: index)
                if peek(1) == UInt8(ascii: "[") {
                    throw error(index, "arrays of tables ([[...]]) are not supported")
                }
                index += 1
                skipSpaces()
                tablePath = try keyPath()
                skipSpaces()
                guard peek() == UInt8(ascii: "]") else {
                    throw unexpected(index, "expected '.' or ']' in the table header")
                }
                index += 1
                tableNode = try defineTable(tablePath, position)
                tables.append(TOMLTable(path: tablePath.map(Self.string), position: position, entries: []))
                try endOfLine(after: "the table header")
            } else if byte == UInt8(ascii: "#") || isNewline(byte) {
                try endOfLine(after: "the comment")
            } else {
                let entry = try keyValue(in: tableNode, table: tablePath)
                tables[tables.count - 1].entries.append(entry)
                try endOfLine(after: "the value")
            }
        }
        return TOMLDocument(tables: tables)
    }

    // MARK: Keys and definitions

    /// `table` is the path of the table the line is in; nil in an inline table.
    private mutating func keyValue(in parent: Int, table: [[UInt8]]?) throws(TOMLError) -> TOMLEntry {
        let start = index
        let position = position(at: index)
        let path = try keyPath()
        if path.count > 1 {
            let head = Array(path[..<(path.count - 1)])
            let last = Self.display([path[path.count - 1]])
            guard let table else {
                throw error(start, "dotted keys are not supported: write " + Self.display(head) + " = { " + last + " = ... }")
            }
            let header = Self.display(table + head)
            throw error(start, "dotted keys are not supported: write " + last + " = ... under a table header [" + header + "]")
        }
        skipSpaces()
        guard peek() == UInt8(ascii: "=") else {
            throw unexpected(index, "expected '=' after the key")
        }
        index += 1
        skipSpaces()
        let key = path[0]
        let node = try defineKey(key, in: parent, inlineTable: peek() == UInt8(ascii: "{"), start)
        let value = try value(node: node)
        return TOMLEntry(key: Self.string(key), position: position, value: value)
    }

    /// `key` or `key . key ...`, stopping before the spaces that follow the last key.
    private mutating func keyPath() throws(TOMLError) -> [[UInt8]] {
        var path: [[UInt8]] = []
        while true {
            path.append(try simpleKey())
            let afterKey = index
            skipSpaces()
            guard peek() == UInt8(ascii: ".") else {
                index = afterKey
                return path
            }
            index += 1
            skipSpaces()
        }
    }

    private mutating func simpleKey() throws(TOMLError) -> [UInt8] {
        let byte = peek()
        if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
            if peek(1) == byte && peek(2) == byte {
                throw error(index, "a key cannot be a multi-line string")
            }
            return byte == UInt8(ascii: "\"") ? try basicString() : try literalString()
        }
        let start = index
        while Self.isBare(peek()) { index += 1 }
        guard index > start else {
            // No hint where the key is missing before TOML's own punctuation.
            let hint = switch byte {
            case 0...0x20, Self.end, UInt8(ascii: "="), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"),
                UInt8(ascii: ","), UInt8(ascii: "."), UInt8(ascii: "#"): ""
            default: ": bare keys may hold only A-Z a-z 0-9 _ and -; quote any other key"
            }
            throw error(index, "expected a key, found " + describe(index) + hint)
        }
        return Array(bytes[start..<index])
    }

    /// Creates the tables on the header's path, or makes an implicit one explicit.
    private mutating func defineTable(_ path: [[UInt8]], _ position: TOMLPosition) throws(TOMLError) -> Int {
        var parent = 0
        for level in path.indices {
            let last = level == path.count - 1
            let (found, slot) = find(path[level], in: parent)
            guard let existing = found else {
                parent = add(last ? .table : .implicitTable, path[level], in: parent, slot: slot)
                continue
            }
            let node = nodes[existing]
            switch node.kind {
            case .implicitTable:
                if last {
                    nodes[existing].kind = .table
                    nodes[existing].line = line
                }
            case .table:
                if last {
                    throw TOMLError(position, "table [" + Self.display(path) + "] is defined twice (first at line " + String(node.line) + ")")
                }
            case .value, .inlineTable:
                throw TOMLError(position, "table [" + Self.display(path) + "] conflicts with the key '" + Self.display(Array(path[...level]))
                    + "' defined at line " + String(node.line))
            }
            parent = existing
        }
        return parent
    }

    private mutating func defineKey(_ key: [UInt8], in parent: Int, inlineTable: Bool, _ offset: Int) throws(TOMLError) -> Int {
        let (found, slot) = find(key, in: parent)
        if let existing = found {
            let node = nodes[existing]
            switch node.kind {
            case .implicitTable, .table:
                throw error(offset, "the key '" + Self.display([key]) + "' conflicts with a table defined at line " + String(node.line))
            case .value, .inlineTable:
                throw error(offset, "duplicate key '" + Self.display([key]) + "' (first defined at line " + String(node.line) + ")")
            }
        }
        return add(inlineTable ? .inlineTable : .value, key, in: parent, slot: slot)
    }

    /// The node of a key in a table, or else the free slot where it belongs.
    private func find(_ key: [UInt8], in parent: Int) -> (node: Int?, slot: Int) {
        var hash = UInt64(truncatingIfNeeded: parent) ^ 0xCBF2_9CE4_8422_2325  // FNV-1a
        for byte in key { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash ^ hash >> 32) & mask
        while slots[slot] != 0 {
            let node = Int(slots[slot]) - 1
            if nodes[node].parent == parent && nodes[node].key == key { return (node, slot) }
            slot = (slot + 1) & mask
        }
        return (nil, slot)
    }

    private mutating func add(_ kind: NodeKind, _ key: [UInt8], in parent: Int, slot: Int) -> Int {
        nodes.append(Node(kind: kind, line: line, parent: parent, key: key))
        slots[slot] = Int32(nodes.count)
        if nodes.count * 2 > slots.count {
            let old = slots
            slots = [Int32](repeating: 0, count: old.count * 2)
            for entry in old where entry != 0 {
                let node = nodes[Int(entry) - 1]
                slots[find(node.key, in: node.parent).slot] = entry
            }
        }
        return nodes.count - 1
    }

    // MARK: Values

    /// `node` holds the keys of an inline table; nil in arrays, whose inline tables are new nodes.
    private mutating func value(node: Int?) throws(TOMLError) -> TOMLValue {
        let position = position(at: index)
        let byte = peek()
        let kind: TOMLValue.Kind
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
            let table = node ?? nodes.count
            if node == nil { nodes.append(Node(kind: .inlineTable, line: line, parent: -1, key: [])) }
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
    private mutating func scalar() throws(TOMLError) -> TOMLValue.Kind {
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

    // MARK: Strings

    private mutating func basicString() throws(TOMLError) -> [UInt8] {
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

    private mutating func literalString() throws(TOMLError) -> [UInt8] {
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

    private mutating func multilineString(basic: Bool) throws(TOMLError) -> [UInt8] {
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

    private enum Place { case string, literalString, comment }

    /// Tab is the only control character allowed in strings and comments.
    private func checkControl(_ byte: UInt8, in place: Place) throws(TOMLError) {
        guard (byte < 0x20 && byte != 0x09) || byte == 0x7F else { return }
        let code = Self.hex(UInt32(byte), digits: 4)
        let message = switch place {
        case .string: " in a string: write it as \\u" + code
        case .literalString: " in a literal string"
        case .comment: " in a comment"
        }
        throw error(index, "control character U+" + code + message)
    }

    // MARK: Spaces, comments and line ends

    private func peek(_ ahead: Int = 0) -> UInt8 {
        index + ahead < bytes.count ? bytes[index + ahead] : Self.end
    }

    private func isNewline(_ byte: UInt8) -> Bool {
        byte == 0x0A || byte == 0x0D
    }

    /// At an LF: steps over it and starts counting the next line.
    private mutating func newline() {
        index += 1
        line += 1
        lineStart = index
    }

    private mutating func skipSpaces() {
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
    private mutating func skipBlank() throws(TOMLError) {
        while true {
            skipSpaces()
            try skipComment()
            if peek() == 0x0D { index += 1 }
            guard peek() == 0x0A else { return }
            newline()
        }
    }

    private mutating func endOfLine(after what: String) throws(TOMLError) {
        skipSpaces()
        try skipComment()
        if peek() == Self.end { return }
        if peek() == 0x0D { index += 1 }
        guard peek() == 0x0A else {
            throw unexpected(index, "expected the end of the line after " + what)
        }
        newline()
    }

    // MARK: Positions and messages

    /// The position of a byte on the current line.
    private mutating func position(at offset: Int) -> TOMLPosition {
        if columnOffset < lineStart || columnOffset > offset {
            columnOffset = lineStart
            column = 1
        }
        while columnOffset < offset {
            if bytes[columnOffset] & 0xC0 != 0x80 { column += 1 }
            columnOffset += 1
        }
        return TOMLPosition(line: line, column: column)
    }

    private func unexpected(_ offset: Int, _ expected: String) -> TOMLError {
        error(offset, expected + ", found " + describe(offset))
    }

    private func error(_ offset: Int, _ message: String) -> TOMLError {
        var copy = self
        return TOMLError(copy.position(at: offset), message)
    }

    /// "'x'", "end of line", "control character U+0001" ...
    private func describe(_ offset: Int) -> String {
        guard offset < bytes.count else { return "end of file" }
        let byte = bytes[offset]
        if isNewline(byte) { return "end of line" }
        if byte < 0x20 || byte == 0x7F { return "control character U+" + Self.hex(UInt32(byte), digits: 4) }
        var end = offset + 1
        while end < bytes.count && bytes[end] & 0xC0 == 0x80 { end += 1 }
        return "'" + Self.string(Array(bytes[offset..<end])) + "'"
    }

    /// Checks the whole input up front: UTF-8, and CR only before LF.
    private func checkEncoding() throws(TOMLError) {
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

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= 0x30 && byte <= 0x39
    }

    private static func isBare(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    /// The bytes of bare values: numbers, booleans, and the dates, floats and words refused.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        isBare(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case 0x30...0x39: UInt32(byte - 0x30)
        case 0x41...0x46: UInt32(byte - 0x41 + 10)
        case 0x61...0x66: UInt32(byte - 0x61 + 10)
        default: nil
        }
    }

    static func hex(_ value: UInt32, digits: Int) -> String {
        var text: [UInt8] = []
        for shift in stride(from: (digits - 1) * 4, through: 0, by: -4) {
            let digit = UInt8((value >> UInt32(shift)) & 0xF)
            text.append(digit < 10 ? 0x30 + digit : 0x41 + digit - 10)
        }
        return string(text)
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

    @inline(never)  // one copy of String's UTF-8 decoding, not one per caller
    private static func string(_ bytes: [UInt8]) -> String {
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
    fileprivate init(_ position: TOMLPosition, _ message: String) {
        self.init(line: position.line, column: position.column, message: message)
    }
}
