/// The reader behind `TOML.parse`: one pass over bytes that are checked to be UTF-8 first.
/// Every table and key is also a node of a tree, found by (parent, key) in a hash table, so that
/// redefinitions are found as they are read, in constant time each. The hash is not seeded (no
/// Hasher: it would read random bytes, and a PID 1 may start before the kernel has them); the
/// file is the image author's, so nobody gains from crafting collisions.
///
/// The reader is this file (document, tables, keys) and its extensions: `+Values`, `+Strings`,
/// `+Scanner` and `+Errors`.
struct TOMLParser {
    // Not private: the extensions in the other TOMLParser+ files read and advance them.
    let bytes: [UInt8]
    var index = 0
    var line = 1
    var lineStart = 0
    // Columns are counted from the last one asked for on the same line, so that a long line
    // costs one pass, not one pass per value.
    private var columnOffset = 0
    private var column = 1
    var depth = 0  // not private: arrays and inline tables (TOMLParser+Values) count it

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
    static let end: UInt8 = 0xFF

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
    mutating func keyValue(in parent: Int, table: [[UInt8]]?) throws(TOMLError) -> TOMLEntry {
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

    /// A node for an inline table in an array: it has no key, so nothing finds it by one.
    mutating func newInlineTableNode() -> Int {
        nodes.append(Node(kind: .inlineTable, line: line, parent: -1, key: []))
        return nodes.count - 1
    }

    // MARK: Positions

    /// The position of a byte on the current line.
    mutating func position(at offset: Int) -> TOMLPosition {
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
}
