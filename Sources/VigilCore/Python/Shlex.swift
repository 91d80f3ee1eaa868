/// Python's `shlex`, in the two modes supervisord uses.
///
/// `split` is `shlex.split(command)` (POSIX mode), which turns a program's `command=` into argv
/// when it starts: spaces, tabs, CR and LF separate words; `'...'` is literal; in `"..."` a
/// backslash escapes only `"` and `\`; elsewhere a backslash escapes any character (a newline
/// too, which stays); `''` is an empty word; `#` is an ordinary character. Unlike a shell,
/// nothing is refused but an open quote and a trailing backslash.
///
/// `tokens` is `shlex.shlex(text)` with supervisor's extra word characters, which reads
/// `environment=` (non-POSIX mode): words of letters, digits and `_/.+-():`; quoted strings kept
/// with their quotes; `#` skipping to the end of the line; any other character a token alone.
enum Shlex {
    enum ShlexFailure: Error, Equatable {
        case noClosingQuotation
        case noEscapedCharacter

        /// Python's message.
        var message: String {
            switch self {
            case .noClosingQuotation: return "No closing quotation"
            case .noEscapedCharacter: return "No escaped character"
            }
        }
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
    }

    static func split(_ text: [UInt8]) throws(ShlexFailure) -> [[UInt8]] {
        var words: [[UInt8]] = []
        var word: [UInt8] = []
        var quoted = false
        var inWord = false
        var index = 0
        while index < text.count {
            let byte = text[index]
            index += 1
            switch byte {
            case _ where isSpace(byte):
                if inWord || quoted { words.append(word) }
                word.removeAll(keepingCapacity: true)
                inWord = false
                quoted = false
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                quoted = true
                inWord = true
                while true {
                    guard index < text.count else { throw .noClosingQuotation }
                    let next = text[index]
                    index += 1
                    if next == byte { break }
                    if byte == UInt8(ascii: "\""), next == UInt8(ascii: "\\") {
                        guard index < text.count else { throw .noEscapedCharacter }
                        let escaped = text[index]
                        index += 1
                        if escaped != UInt8(ascii: "\\") && escaped != UInt8(ascii: "\"") { word.append(next) }
                        word.append(escaped)
                    } else {
                        word.append(next)
                    }
                }
            case UInt8(ascii: "\\"):
                guard index < text.count else { throw .noEscapedCharacter }
                word.append(text[index])
                index += 1
                inWord = true
            default:
                word.append(byte)
                inWord = true
            }
        }
        if inWord || quoted { words.append(word) }
        return words
    }

    private static func isWordCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "_/.+-():".utf8.contains(byte)
        }
    }

    static func tokens(_ text: [UInt8]) throws(ShlexFailure) -> [[UInt8]] {
        var tokens: [[UInt8]] = []
        var index = 0
        func skipLine() {
            while index < text.count && text[index] != 0x0A { index += 1 }
            if index < text.count { index += 1 }
        }
        while index < text.count {
            let byte = text[index]
            if isSpace(byte) {
                index += 1
            } else if byte == UInt8(ascii: "#") {
                skipLine()
            } else if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
                var token: [UInt8] = [byte]
                index += 1
                while true {
                    guard index < text.count else { throw .noClosingQuotation }
                    token.append(text[index])
                    index += 1
                    if token.last == byte { break }
                }
                tokens.append(token)
            } else if isWordCharacter(byte) {
                // A word runs on through quotes and over comments (non-POSIX shlex does).
                var token: [UInt8] = []
                while index < text.count {
                    let next = text[index]
                    if next == UInt8(ascii: "#") {
                        skipLine()
                    } else if isWordCharacter(next) || next == UInt8(ascii: "'") || next == UInt8(ascii: "\"") {
                        token.append(next)
                        index += 1
                    } else {
                        break
                    }
                }
                tokens.append(token)
            } else {
                // Any other character is a token alone: one code point.
                let length = PythonText.scalar(at: index, in: text[...]).length
                tokens.append(Array(text[index..<(index + length)]))
                index += length
            }
        }
        return tokens
    }
}
