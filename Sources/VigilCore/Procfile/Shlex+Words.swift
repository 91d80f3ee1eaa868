/// The words of one line as Python's `shlex.shlex(line, posix=True)` yields them, which is how
/// honcho reads a `.env` line. Unlike a shell: a word is letters, digits, `_` and the Latin-1
/// letters `shlex` counts (U+00C0 to U+00FF but × and ÷); every other character outside quotes
/// is a word of its own (`a=b` is three); quotes join what they hold to the word around them,
/// a backslash keeps the next character (inside double quotes only before `"` or `\`), and
/// `#` outside quotes ends the line.
extension Shlex {
    enum Fault: Error, Equatable {
        case noClosingQuote, noEscapedCharacter
    }

    static func words(_ bytes: [UInt8], _ range: Range<Int>) throws(Fault) -> [[UInt8]] {
        var words: [[UInt8]] = []
        var word: [UInt8] = []
        // A word has begun (shlex's state 'a'); it came out of quotes; the quote it is in.
        var inWord = false
        var quoted = false
        var quote: UInt8 = 0
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") && quote != UInt8(ascii: "'") {
                index += 1
                guard index < range.upperBound else { throw .noEscapedCharacter }
                let next = bytes[index]
                if quote != 0 && next != UInt8(ascii: "\\") && next != quote { word.append(UInt8(ascii: "\\")) }
                // The whole character, which may take several bytes.
                let end = min(range.upperBound, index + (next < 0xC0 ? 1 : next < 0xE0 ? 2 : next < 0xF0 ? 3 : 4))
                word += bytes[index..<end]
                index = end
                inWord = true
                continue
            }
            index += 1
            if quote != 0 {
                if byte == quote { quote = 0 } else { word.append(byte) }
            } else if byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A || byte == UInt8(ascii: "#") {
                if inWord && (!word.isEmpty || quoted) { words.append(word) }
                (word, inWord, quoted) = ([], false, false)
                if byte == UInt8(ascii: "#") { break }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                (quote, quoted, inWord) = (byte, true, true)
            } else if let length = wordCharacterLength(bytes, index - 1, range.upperBound) {
                word += bytes[(index - 1)..<(index - 1 + length)]
                index += length - 1
                inWord = true
            } else {
                if inWord { words.append(word) }
                (word, inWord, quoted) = ([], false, false)
                words.append([byte])
            }
        }
        if quote != 0 { throw .noClosingQuote }
        if inWord { words.append(word) }
        return words
    }

    /// How many bytes the word character at `index` takes (an ASCII letter or digit, `_`, or a
    /// two-byte Latin-1 letter); nil when it is not one.
    private static func wordCharacterLength(_ bytes: [UInt8], _ index: Int, _ end: Int) -> Int? {
        let byte = bytes[index]
        if Procfile.isNameByte(byte) && byte != UInt8(ascii: "-") { return 1 }
        guard byte == 0xC3, index + 1 < end else { return nil }
        let next = bytes[index + 1]
        return next >= 0x80 && next <= 0xBF && next != 0x97 && next != 0xB7 ? 2 : nil
    }
}
