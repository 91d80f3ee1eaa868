/// The words of one line as Python's `shlex.shlex(line, posix=True)` yields them, which is how
/// honcho reads a `.env` line. Unlike a shell: a word is letters, digits, `_` and the Latin-1
/// letters `shlex` counts (U+00C0 to U+00FF but × and ÷); every other character outside quotes
/// is a word of its own (`a=b` is three); quotes join what they hold to the word around them,
/// a backslash keeps the next character (inside double quotes only before `"` or `\`), and
/// `#` outside quotes ends the line.
enum Shlex {
    enum Problem: Error, Equatable {
        case noClosingQuote, noEscapedCharacter
    }

    private enum State: Equatable {
        case blank, word, quote(UInt8), escape(after: UInt8)
    }

    static func words(_ bytes: [UInt8], _ range: Range<Int>) throws(Problem) -> [[UInt8]] {
        var words: [[UInt8]] = []
        var word: [UInt8] = []
        var quoted = false
        var state = State.blank
        var index = range.lowerBound
        func finish() {
            if !word.isEmpty || quoted { words.append(word) }
            word = []
            quoted = false
        }
        scan: while index < range.upperBound {
            let byte = bytes[index]
            let length = wordCharacterLength(bytes, index, range.upperBound)
            switch state {
            case .blank, .word:
                if byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A {
                    if state == .word { finish() }
                    state = .blank
                } else if byte == UInt8(ascii: "#") {
                    break scan
                } else if byte == UInt8(ascii: "\\") {
                    state = .escape(after: 0)
                } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    state = .quote(byte)
                } else if length > 0 {
                    word.append(contentsOf: bytes[index..<(index + length)])
                    state = .word
                    index += length
                    continue
                } else {
                    if state == .word { finish() }
                    words.append([byte])
                    state = .blank
                }
            case .quote(let quote):
                quoted = true
                if byte == quote {
                    state = .word
                } else if byte == UInt8(ascii: "\\") && quote == UInt8(ascii: "\"") {
                    state = .escape(after: quote)
                } else {
                    word.append(byte)
                }
            case .escape(let quote):
                if quote != 0 && byte != UInt8(ascii: "\\") && byte != quote { word.append(UInt8(ascii: "\\")) }
                // The whole character, which may take several bytes.
                let end = min(range.upperBound, index + (byte < 0xC0 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4))
                word.append(contentsOf: bytes[index..<end])
                state = quote == 0 ? .word : .quote(quote)
                index = end
                continue
            }
            index += 1
        }
        switch state {
        case .quote: throw .noClosingQuote
        case .escape: throw .noEscapedCharacter
        case .word: finish()
        case .blank: break
        }
        return words
    }

    /// How many bytes the word character at `index` takes (an ASCII letter or digit, `_`, or a
    /// two-byte Latin-1 letter); 0 when it is not one.
    private static func wordCharacterLength(_ bytes: [UInt8], _ index: Int, _ end: Int) -> Int {
        let byte = bytes[index]
        if Procfile.isNameByte(byte) && byte != UInt8(ascii: "-") { return 1 }
        guard byte == 0xC3, index + 1 < end else { return 0 }
        let next = bytes[index + 1]
        return next >= 0x80 && next <= 0xBF && next != 0x97 && next != 0xB7 ? 2 : 0
    }
}
