/// Splits the command string of `--init CMD` and `--sidecar [NAME=]CMD` into argv words, by
/// the quoting rules of the POSIX shell, without running a shell:
///
/// - Unquoted spaces, tabs and newlines separate words.
/// - `'...'` is literal: every character up to the next `'` is kept as it is.
/// - `"..."` is literal except that a backslash escapes `$`, `` ` ``, `"`, `\` and a newline;
///   before any other character the backslash is kept.
/// - Outside quotes a backslash escapes the next character. Backslash-newline, in or out of
///   double quotes, is a line continuation: both are removed.
/// - Quotes join the word around them: `a'b c'd` is one word; `''` and `""` are empty words.
/// - Nothing is expanded: `$HOME`, `*`, `~` and `#` stay as they are.
///
/// What would need a shell is an error rather than a surprise: the operators `|` `&` `;` `<`
/// `>` `(` `)` outside quotes, and command substitution (`$(` or a backquote) outside single
/// quotes. So are an empty command, an unterminated quote, a trailing backslash and a NUL
/// character (an argument cannot hold one).
enum CommandWords {
    static func split(_ text: String) throws(CommandWordsError) -> [String] {
        let bytes = Array(text.utf8)
        if let nul = bytes.firstIndex(of: 0) {
            throw CommandWordsError(nul, in: bytes, "NUL character", ": an argument cannot hold one")
        }
        var words: [String] = []
        var word: [UInt8] = []
        var inWord = false  // true once the word has anything, an empty quoted string included
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case 0x20, 0x09, 0x0A:
                if inWord { words.append(string(word)) }
                word.removeAll(keepingCapacity: true)
                inWord = false
                index += 1
            case UInt8(ascii: "\\"):
                guard index + 1 < bytes.count else {
                    throw CommandWordsError(index, in: bytes, "trailing backslash", ": nothing left to escape")
                }
                if bytes[index + 1] != 0x0A {
                    word.append(bytes[index + 1])
                    inWord = true
                }
                index += 2
            case UInt8(ascii: "'"):
                index = try singleQuoted(bytes, from: index, into: &word)
                inWord = true
            case UInt8(ascii: "\""):
                index = try doubleQuoted(bytes, from: index, into: &word)
                inWord = true
            case UInt8(ascii: "|"), UInt8(ascii: "&"), UInt8(ascii: ";"), UInt8(ascii: "<"), UInt8(ascii: ">"),
                UInt8(ascii: "("), UInt8(ascii: ")"):
                throw CommandWordsError(index, in: bytes, "shell operator '" + string([byte]) + "'",
                                        ": vigil runs no shell; quote it, or use sh -c '...'")
            default:
                try checkSubstitution(at: index, in: bytes)
                word.append(byte)
                inWord = true
                index += 1
            }
        }
        if inWord { words.append(string(word)) }
        guard !words.isEmpty else { throw CommandWordsError(column: 1, message: "empty command") }
        return words
    }

    /// `'...'` opened at `opening`: its bytes as they are. Returns the index after the close.
    private static func singleQuoted(_ bytes: [UInt8], from opening: Int, into word: inout [UInt8]) throws(CommandWordsError) -> Int {
        var index = opening + 1
        while index < bytes.count && bytes[index] != UInt8(ascii: "'") {
            word.append(bytes[index])
            index += 1
        }
        guard index < bytes.count else {
            throw CommandWordsError(opening, in: bytes, "unterminated single quote opened", "")
        }
        return index + 1
    }

    /// `"..."` opened at `opening`: a backslash escapes `$`, `` ` ``, `"`, `\` and a newline.
    /// Returns the index after the close.
    private static func doubleQuoted(_ bytes: [UInt8], from opening: Int, into word: inout [UInt8]) throws(CommandWordsError) -> Int {
        var index = opening + 1
        while index < bytes.count && bytes[index] != UInt8(ascii: "\"") {
            if bytes[index] == UInt8(ascii: "\\") && index + 1 < bytes.count {
                let next = bytes[index + 1]
                switch next {
                case UInt8(ascii: "$"), UInt8(ascii: "`"), UInt8(ascii: "\""), UInt8(ascii: "\\"): word.append(next)
                case 0x0A: break
                default: word.append(contentsOf: [UInt8(ascii: "\\"), next])
                }
                index += 2
                continue
            }
            try checkSubstitution(at: index, in: bytes)
            word.append(bytes[index])
            index += 1
        }
        guard index < bytes.count else {
            throw CommandWordsError(opening, in: bytes, "unterminated double quote opened", "")
        }
        return index + 1
    }

    @inline(never)  // one copy of String's UTF-8 decoding, not one per caller
    private static func string(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// `$(` and backquotes would run a command in a shell, inside double quotes too.
    private static func checkSubstitution(at index: Int, in bytes: [UInt8]) throws(CommandWordsError) {
        let byte = bytes[index]
        if byte == UInt8(ascii: "`") || (byte == UInt8(ascii: "$") && index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "(")) {
            throw CommandWordsError(index, in: bytes, byte == UInt8(ascii: "`") ? "command substitution '`'" : "command substitution '$('",
                                    ": vigil runs no shell; quote it with single quotes, or use sh -c '...'")
        }
    }
}

/// A command string that `CommandWords.split` refuses.
struct CommandWordsError: Error, Equatable {
    /// 1-based, in characters (Unicode code points) of the command string.
    let column: Int
    /// One line without the program name; it names the column too:
    /// "shell operator '|' at column 12: vigil runs no shell; quote it, or use sh -c '...'".
    let message: String

    init(column: Int, message: String) {
        self.column = column
        self.message = message
    }

    /// "WHAT at column N DETAIL", for the character starting at a byte offset.
    init(_ offset: Int, in bytes: [UInt8], _ what: String, _ detail: String) {
        var column = 1
        for byte in bytes[..<offset] where byte & 0xC0 != 0x80 { column += 1 }  // continuation bytes do not count
        self.init(column: column, message: what + " at column " + String(column) + detail)
    }
}
