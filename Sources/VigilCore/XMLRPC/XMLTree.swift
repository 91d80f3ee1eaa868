/// An XML element as Python's ElementTree gives it to supervisor's XML-RPC loader: its name,
/// its text (the character data before its first child, nil when there is none) and its
/// children. Comments and processing instructions are dropped; CDATA is text.
struct XMLElement: Equatable {
    var name: [UInt8]
    var text: [UInt8]?
    var children: [XMLElement] = []
}

struct XMLError: Error, Equatable {
    var offset: Int
    var message: String
}

/// A small, strict XML reader for XML-RPC requests from the outside: well-formedness as expat
/// checks it (one root, matching tags, valid characters and references, no text outside the
/// root), and hard limits against hostile input. A document type declaration is refused
/// outright, so entity expansion cannot blow up; a name with a namespace prefix, or under a
/// default namespace, is kept as an unknown name (nothing in XML-RPC uses namespaces).
struct XMLTreeReader {
    static let maximumDepth = 64
    static let maximumElements = 100_000

    private let bytes: [UInt8]
    private var index = 0
    private var elements = 0

    private init(_ bytes: [UInt8]) { self.bytes = bytes }

    static func parse(_ bytes: [UInt8]) throws(XMLError) -> XMLElement {
        if let bad = PythonText.firstInvalidUTF8(bytes) { throw XMLError(offset: bad, message: "not valid UTF-8") }
        var reader = XMLTreeReader(bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { reader.index = 3 }
        if reader.lookingAt("<?xml") && reader.index + 5 < bytes.count && reader.isSpace(bytes[reader.index + 5]) {
            try reader.skipPast("?>")
        }
        try reader.skipMisc()
        guard reader.lookingAt("<") else { throw reader.failure("no element found") }
        let root = try reader.element(depth: 0, defaultNamespace: false)
        try reader.skipMisc()
        guard reader.index == bytes.count else { throw reader.failure("junk after document element") }
        return root
    }

    private func failure(_ message: String) -> XMLError { XMLError(offset: index, message: message) }

    private func lookingAt(_ literal: String) -> Bool {
        bytes[index...].starts(with: literal.utf8)
    }

    private func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

    private mutating func skipPast(_ terminator: String) throws(XMLError) {
        let end = Array(terminator.utf8)
        guard let found = PythonText.firstRange(of: end, in: bytes, from: index) else { throw failure("unclosed token") }
        try checkCharacters(index..<found)
        index = found + end.count
    }

    /// Whitespace, comments and processing instructions (outside the root).
    private mutating func skipMisc() throws(XMLError) {
        while index < bytes.count {
            if isSpace(bytes[index]) {
                index += 1
            } else if lookingAt("<!--") {
                index += 4
                try skipPast("-->")
            } else if lookingAt("<!DOCTYPE") {
                throw failure("a document type declaration is not accepted")
            } else if lookingAt("<?") {
                guard !lookingAt("<?xml ") else { throw failure("XML or text declaration not at start of entity") }
                index += 2
                try skipPast("?>")
            } else {
                return
            }
        }
    }

    /// An element at `<`, with everything inside it, through its end tag.
    private mutating func element(depth: Int, defaultNamespace: Bool) throws(XMLError) -> XMLElement {
        guard depth < Self.maximumDepth else { throw failure("elements nested too deep") }
        elements += 1
        guard elements <= Self.maximumElements else { throw failure("too many elements") }
        index += 1
        let name = try self.name()
        var inNamespace = defaultNamespace
        let selfClosing = try attributes(&inNamespace)
        // Names that a namespace qualifies are not XML-RPC's.
        let shownName = inNamespace || name.contains(UInt8(ascii: ":")) ? [UInt8(ascii: "{")] + name : name
        var element = XMLElement(name: shownName, text: nil)
        if selfClosing { return element }
        var text: [UInt8] = []
        var sawText = false
        while true {
            guard index < bytes.count else { throw failure("no element found") }
            if lookingAt("</") {
                index += 2
                let closing = try self.name()
                while index < bytes.count && isSpace(bytes[index]) { index += 1 }
                guard closing == name, index < bytes.count, bytes[index] == UInt8(ascii: ">") else { throw failure("mismatched tag") }
                index += 1
                if sawText { element.text = text }
                return element
            } else if lookingAt("<!--") {
                index += 4
                try skipPast("-->")
            } else if lookingAt("<![CDATA[") {
                index += 9
                guard let end = PythonText.firstRange(of: Array("]]>".utf8), in: bytes, from: index) else { throw failure("unclosed CDATA section") }
                try checkCharacters(index..<end)
                if element.children.isEmpty { appendNormalized(bytes[index..<end], to: &text); sawText = true }
                index = end + 3
            } else if lookingAt("<?") {
                index += 2
                try skipPast("?>")
            } else if lookingAt("<!") {
                throw failure("not well-formed (invalid token)")
            } else if bytes[index] == UInt8(ascii: "<") {
                element.children.append(try self.element(depth: depth + 1, defaultNamespace: inNamespace))
            } else {
                let start = index
                var data: [UInt8] = []
                try characterData(&data)
                if element.children.isEmpty && index > start { text += data; sawText = true }
            }
        }
    }

    /// The rest of a start tag: attributes (checked, then dropped but for `xmlns`) up to `>` or
    /// `/>`; true for `/>`.
    private mutating func attributes(_ inNamespace: inout Bool) throws(XMLError) -> Bool {
        var names: [[UInt8]] = []
        while true {
            let hadSpace = index < bytes.count && isSpace(bytes[index])
            while index < bytes.count && isSpace(bytes[index]) { index += 1 }
            guard index < bytes.count else { throw failure("unclosed token") }
            if bytes[index] == UInt8(ascii: ">") { index += 1; return false }
            if lookingAt("/>") { index += 2; return true }
            guard hadSpace else { throw failure("not well-formed (invalid token)") }
            let attribute = try self.name()
            guard !names.contains(attribute) else { throw failure("duplicate attribute") }
            names.append(attribute)
            while index < bytes.count && isSpace(bytes[index]) { index += 1 }
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { throw failure("not well-formed (invalid token)") }
            index += 1
            while index < bytes.count && isSpace(bytes[index]) { index += 1 }
            let value = try attributeValue()
            if ASCII.equals(attribute, "xmlns") { inNamespace = !value.isEmpty }
        }
    }

    /// A name: letters, digits, `_ - . :` and any non-ASCII character, not starting with a digit,
    /// `-` or `.`.
    private mutating func name() throws(XMLError) -> [UInt8] {
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            let isLetter = (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A
            let allowed = isLetter || byte >= 0x80 || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":")
                || (index > start && ((byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")))
            guard allowed else { break }
            index += 1
        }
        guard index > start else { throw failure("not well-formed (invalid token)") }
        return Array(bytes[start..<index])
    }

    private mutating func attributeValue() throws(XMLError) -> [UInt8] {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
            throw failure("not well-formed (invalid token)")
        }
        let quote = bytes[index]
        index += 1
        var value: [UInt8] = []
        while true {
            guard index < bytes.count else { throw failure("unclosed token") }
            let byte = bytes[index]
            if byte == quote { index += 1; return value }
            if byte == UInt8(ascii: "<") { throw failure("not well-formed (invalid token)") }
            if byte == UInt8(ascii: "&") { try reference(&value); continue }
            try checkCharacters(index..<(index + 1))
            value.append(byte)
            index += 1
        }
    }

    /// Text up to the next `<`, references resolved, line ends made LF.
    private mutating func characterData(_ data: inout [UInt8]) throws(XMLError) {
        while index < bytes.count && bytes[index] != UInt8(ascii: "<") {
            if bytes[index] == UInt8(ascii: "&") {
                try reference(&data)
                continue
            }
            let run = index
            while index < bytes.count && bytes[index] != UInt8(ascii: "<") && bytes[index] != UInt8(ascii: "&") { index += 1 }
            try checkCharacters(run..<index)
            appendNormalized(bytes[run..<index], to: &data)
        }
    }

    /// `&lt;` and its kin, `&#NN;`, `&#xNN;`.
    private mutating func reference(_ data: inout [UInt8]) throws(XMLError) {
        guard let end = bytes[index...].prefix(16).firstIndex(of: UInt8(ascii: ";")) else { throw failure("not well-formed (invalid token)") }
        let body = bytes[(index + 1)..<end]
        let named: [(String, UInt8)] = [("lt", 0x3C), ("gt", 0x3E), ("amp", 0x26), ("quot", 0x22), ("apos", 0x27)]
        if let match = named.first(where: { ASCII.equals(body, $0.0) }) {
            data.append(match.1)
        } else if body.first == UInt8(ascii: "#") {
            var digits = body.dropFirst()
            var base: UInt32 = 10
            if digits.first == UInt8(ascii: "x") { base = 16; digits = digits.dropFirst() }
            var value: UInt32 = 0
            for digit in digits {
                let number: UInt32
                switch digit {
                case 0x30...0x39: number = UInt32(digit - 0x30)
                case 0x61...0x66 where base == 16: number = UInt32(digit - 0x61 + 10)
                case 0x41...0x46 where base == 16: number = UInt32(digit - 0x41 + 10)
                default: throw failure("not well-formed (invalid token)")
                }
                value = value * base + number
                guard value <= 0x10FFFF else { throw failure("reference to invalid character number") }
            }
            guard !digits.isEmpty, Self.isCharacter(value), let scalar = Unicode.Scalar(value) else {
                throw failure("reference to invalid character number")
            }
            UTF8.encode(scalar) { data.append($0) }
        } else {
            throw failure("undefined entity")
        }
        index = end + 1
    }

    /// XML 1.0's Char: tab, LF, CR and everything from space up, but surrogates and FFFE/FFFF.
    static func isCharacter(_ scalar: UInt32) -> Bool {
        scalar == 0x09 || scalar == 0x0A || scalar == 0x0D || (scalar >= 0x20 && scalar <= 0xD7FF)
            || (scalar >= 0xE000 && scalar <= 0xFFFD) || (scalar >= 0x10000 && scalar <= 0x10FFFF)
    }

    private func checkCharacters(_ range: Range<Int>) throws(XMLError) {
        var position = range.lowerBound
        while position < range.upperBound {
            let found = PythonText.scalar(at: position, in: bytes[...])
            guard Self.isCharacter(found.value) else { throw XMLError(offset: position, message: "not well-formed (invalid token)") }
            position += found.length
        }
    }

    /// CR LF and a lone CR become LF, as an XML processor reports them.
    private func appendNormalized(_ run: ArraySlice<UInt8>, to data: inout [UInt8]) {
        var previousCR = false
        for byte in run {
            if byte == 0x0D {
                data.append(0x0A)
                previousCR = true
            } else {
                if !(byte == 0x0A && previousCR) { data.append(byte) }
                previousCR = false
            }
        }
    }
}
