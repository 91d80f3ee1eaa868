/// Python's `glob.glob(pattern)` for the absolute patterns of `[include] files=`, with the
/// directory listings given by `SupervisordHost`: `*`, `?` and `[...]` in any path component;
/// names starting with `.` matched only by a pattern starting with `.`; a component without
/// wildcards kept when it exists. Results in listing order (supervisor sorts them).
enum PythonGlob {
    static func hasMagic(_ text: String) -> Bool {
        PythonText.bytes(text).contains { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "[") }
    }

    static func glob(_ pattern: String, _ host: SupervisordHost, directoriesOnly: Bool = false, depth: Int = 0) -> [String] {
        let (directory, base) = PythonPath.split(pattern)
        if !hasMagic(pattern) {
            if base.isEmpty { return host.isDirectory(directory) ? [pattern] : [] }
            return host.exists(pattern) ? [pattern] : []
        }
        // Each level of wildcards lists directories; a pattern deeper than this is not a path.
        guard depth < 64 else { return [] }
        let directories = !PythonText.same(directory, pattern) && hasMagic(directory)
            ? glob(directory, host, directoriesOnly: true, depth: depth + 1) : [directory]
        var results: [String] = []
        for parent in directories {
            if !hasMagic(base) {
                let found = base.isEmpty ? host.isDirectory(parent) : host.exists(PythonPath.join(parent, base))
                if found { results.append(PythonPath.join(parent, base)) }
                continue
            }
            guard let names = host.listDirectory(parent.isEmpty ? "." : parent) else { continue }
            let hiddenAllowed = PythonText.firstByte(base) == UInt8(ascii: ".")
            for name in names where hiddenAllowed || PythonText.firstByte(name) != UInt8(ascii: ".") {
                guard matches(PythonText.bytes(name), PythonText.bytes(base)) else { continue }
                let path = PythonPath.join(parent, name)
                if directoriesOnly && !host.isDirectory(path) { continue }
                results.append(path)
            }
        }
        return results
    }

    /// `fnmatch.fnmatchcase(name, pattern)`, by code points.
    static func matches(_ name: [UInt8], _ pattern: [UInt8]) -> Bool {
        let tokens = translate(scalars(pattern))
        return match(tokens[...], scalars(name)[...])
    }

    enum Token: Equatable {
        case literal(UInt32)
        case any
        case star
        case set(negated: Bool, items: [ClosedRange<UInt32>])
    }

    private static func scalars(_ bytes: [UInt8]) -> [UInt32] {
        var result: [UInt32] = []
        var index = 0
        while index < bytes.count {
            let found = PythonText.scalar(at: index, in: bytes[...])
            result.append(found.value)
            index += found.length
        }
        return result
    }

    /// fnmatch's translation of a pattern, as tokens rather than a regular expression.
    static func translate(_ pattern: [UInt32]) -> [Token] {
        var tokens: [Token] = []
        var index = 0
        while index < pattern.count {
            let character = pattern[index]
            index += 1
            switch character {
            case UInt32(UInt8(ascii: "*")):
                if tokens.last != .star { tokens.append(.star) }
            case UInt32(UInt8(ascii: "?")):
                tokens.append(.any)
            case UInt32(UInt8(ascii: "[")):
                var end = index
                if end < pattern.count && pattern[end] == UInt32(UInt8(ascii: "!")) { end += 1 }
                if end < pattern.count && pattern[end] == UInt32(UInt8(ascii: "]")) { end += 1 }
                while end < pattern.count && pattern[end] != UInt32(UInt8(ascii: "]")) { end += 1 }
                if end >= pattern.count {
                    tokens.append(.literal(character))
                } else {
                    tokens.append(characterSet(pattern, from: index, to: end))
                    index = end + 1
                }
            default:
                tokens.append(.literal(character))
            }
        }
        return tokens
    }

    /// `[...]` between `from` and `to`: Python splits it into chunks at the hyphens that make
    /// ranges, drops ranges whose ends are reversed, and what remains is a regular expression
    /// class; this follows the same steps.
    private static func characterSet(_ pattern: [UInt32], from start: Int, to end: Int) -> Token {
        let hyphen = UInt32(UInt8(ascii: "-")), bang = UInt32(UInt8(ascii: "!"))
        var chunks: [[UInt32]] = []
        var chunkStart = start
        var search = pattern[start] == bang ? start + 2 : start + 1
        while search < end, let found = pattern[search..<end].firstIndex(of: hyphen) {
            chunks.append(Array(pattern[chunkStart..<found]))
            chunkStart = found + 1
            search = found + 3
        }
        let last = Array(pattern[chunkStart..<end])
        if last.isEmpty, !chunks.isEmpty { chunks[chunks.count - 1].append(hyphen) } else { chunks.append(last) }
        var position = chunks.count - 1
        while position > 0 {
            if let low = chunks[position - 1].last, let high = chunks[position].first, low > high {
                chunks[position - 1] = Array(chunks[position - 1].dropLast()) + Array(chunks[position].dropFirst())
                chunks.remove(at: position)
            }
            position -= 1
        }
        // The class text: chunks joined by range hyphens; hyphens inside chunks are literal.
        var elements: [(character: UInt32, rangeHyphenBefore: Bool)] = []
        for (number, chunk) in chunks.enumerated() {
            if number > 0 { elements.append((hyphen, true)) }
            for character in chunk { elements.append((character, false)) }
        }
        if elements.isEmpty { return .set(negated: false, items: []) }
        if elements.count == 1 && elements[0].character == bang { return .any }
        var negated = false
        if elements[0].character == bang && !elements[0].rangeHyphenBefore {
            negated = true
            elements.removeFirst()
        }
        var items: [ClosedRange<UInt32>] = []
        var index = 0
        while index < elements.count {
            let low = elements[index].character
            if index + 2 < elements.count, elements[index + 1].rangeHyphenBefore {
                let high = elements[index + 2].character
                if low <= high { items.append(low...high) }
                index += 3
            } else {
                items.append(low...low)
                index += 1
            }
        }
        return .set(negated: negated, items: items)
    }

    /// Wildcard matching with one remembered star: O(name × pattern) at worst.
    private static func match(_ tokens: ArraySlice<Token>, _ name: ArraySlice<UInt32>) -> Bool {
        let tokens = Array(tokens), name = Array(name)
        var t = 0, n = 0
        var starToken: Int? = nil, starName = 0
        while n < name.count {
            if t < tokens.count, tokens[t] != .star, accepts(tokens[t], name[n]) {
                t += 1
                n += 1
            } else if t < tokens.count, tokens[t] == .star {
                starToken = t
                starName = n
                t += 1
            } else if let star = starToken {
                t = star + 1
                starName += 1
                n = starName
            } else {
                return false
            }
        }
        while t < tokens.count && tokens[t] == .star { t += 1 }
        return t == tokens.count
    }

    private static func accepts(_ token: Token, _ character: UInt32) -> Bool {
        switch token {
        case .literal(let expected): return character == expected
        case .any: return true
        case .set(let negated, let items): return items.contains { $0.contains(character) } != negated
        case .star: return false
        }
    }
}
