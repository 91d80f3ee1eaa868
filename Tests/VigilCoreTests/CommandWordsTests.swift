import Testing
@testable import VigilCore

@Suite struct CommandWordsTests {
    @Test(arguments: [
        ("migrate --up", ["migrate", "--up"]),
        ("fluent-bit -c /etc/fb.conf", ["fluent-bit", "-c", "/etc/fb.conf"]),
        ("  a \t b\nc  ", ["a", "b", "c"]),
        ("x", ["x"]),
        // Single quotes: everything literal.
        ("'a b' c", ["a b", "c"]),
        (#"'a\b' '"' '$(x)' '`x`' '|&;<>()'"#, [#"a\b"#, "\"", "$(x)", "`x`", "|&;<>()"]),
        ("'a\nb'", ["a\nb"]),
        // Double quotes: backslash escapes only $ ` " \ and newline.
        (#""a b" "it's""#, ["a b", "it's"]),
        (#""\$ \` \" \\""#, [#"$ ` " \"#]),
        (#""\a\b\n\'""#, [#"\a\b\n\'"#]),
        (#""\$(date)""#, ["$(date)"]),
        (#""a|b;c&d<e>f(g)""#, ["a|b;c&d<e>f(g)"]),
        ("\"a\\\nb\"", ["ab"]),
        // Quotes join the word around them; empty quotes are words.
        (#"a'b c'd"e f"g"#, ["ab cde fg"]),
        ("''", [""]),
        (#""""#, [""]),
        (#"a '' "" b"#, ["a", "", "", "b"]),
        (#"a"""#, ["a"]),
        // A backslash outside quotes escapes the next character; backslash-newline vanishes.
        (#"a\ b \' \" \\ \| \$\(x\)"#, ["a b", "'", "\"", "\\", "|", "$(x)"]),
        ("a\\\nb", ["ab"]),
        ("a \\\n b", ["a", "b"]),
        (#"\é"#, ["é"]),
        // Nothing is expanded.
        ("$HOME * ~ #x ${A} $ a=b !", ["$HOME", "*", "~", "#x", "${A}", "$", "a=b", "!"]),
        (#""$HOME""#, ["$HOME"]),
        // Bytes pass through.
        ("é 'ü x' 😀", ["é", "ü x", "😀"]),
        (#"sh -c 'echo "$1" | tr a b' --"#, ["sh", "-c", #"echo "$1" | tr a b"#, "--"]),
    ] as [(String, [String])])
    func splits(text: String, words: [String]) throws {
        #expect(try CommandWords.split(text) == words)
    }

    @Test(arguments: [
        ("", 1, "empty command"),
        ("  \t\n ", 1, "empty command"),
        ("\\\n", 1, "empty command"),
        ("a | b", 3, "shell operator '|' at column 3: vigil runs no shell; quote it, or use sh -c '...'"),
        ("a && b", 3, "shell operator '&' at column 3: vigil runs no shell; quote it, or use sh -c '...'"),
        ("a;b", 2, "shell operator ';' at column 2: vigil runs no shell; quote it, or use sh -c '...'"),
        ("a <in", 3, "shell operator '<' at column 3: vigil runs no shell; quote it, or use sh -c '...'"),
        ("a 2>&1", 4, "shell operator '>' at column 4: vigil runs no shell; quote it, or use sh -c '...'"),
        ("(a)", 1, "shell operator '(' at column 1: vigil runs no shell; quote it, or use sh -c '...'"),
        ("a)", 2, "shell operator ')' at column 2: vigil runs no shell; quote it, or use sh -c '...'"),
        ("é | x", 3, "shell operator '|' at column 3: vigil runs no shell; quote it, or use sh -c '...'"),
        ("echo `date`", 6,
         "command substitution '`' at column 6: vigil runs no shell; quote it with single quotes, or use sh -c '...'"),
        ("echo $(date)", 6,
         "command substitution '$(' at column 6: vigil runs no shell; quote it with single quotes, or use sh -c '...'"),
        (#"echo "$(date)""#, 7,
         "command substitution '$(' at column 7: vigil runs no shell; quote it with single quotes, or use sh -c '...'"),
        (#"echo "a `b`""#, 9,
         "command substitution '`' at column 9: vigil runs no shell; quote it with single quotes, or use sh -c '...'"),
        ("'abc", 1, "unterminated single quote opened at column 1"),
        ("ü 'abc", 3, "unterminated single quote opened at column 3"),
        (#"a "b"#, 3, "unterminated double quote opened at column 3"),
        (#""a\""#, 1, "unterminated double quote opened at column 1"),
        (#""a\"#, 1, "unterminated double quote opened at column 1"),
        (#"a\"#, 2, "trailing backslash at column 2: nothing left to escape"),
        ("😀 \\", 3, "trailing backslash at column 3: nothing left to escape"),
        ("a\u{0}b", 2, "NUL character at column 2: an argument cannot hold one"),
        ("'\u{0}'", 2, "NUL character at column 2: an argument cannot hold one"),
    ] as [(String, Int, String)])
    func rejects(text: String, column: Int, message: String) {
        #expect(throws: CommandWordsError(column: column, message: message)) { try CommandWords.split(text) }
    }

    /// Random strings of the characters that matter: never a trap, columns inside the text, and
    /// what splits comes back the same when written again with single quotes.
    @Test func randomStringsNeverCrashAndRoundTrip() throws {
        let seed = UInt64.random(in: .min ... .max)
        print("CommandWords random test seed: \(seed)")
        var random = SeededGenerator(seed: seed)
        let pieces = [" ", "\t", "\n", "'", "\"", "\\", "$", "(", ")", "`", "|", "&", ";", "<", ">", "#", "*", "~",
                      "a", "b", "-c", "é", "😀", "\u{0}", "$(", "''", "\"\"", "\\\n", "\u{FFFD}"]
        for _ in 0..<20_000 {
            var text = ""
            for _ in 0..<Int.random(in: 0...12, using: &random) {
                text += pieces.randomElement(using: &random)!
            }
            if Int.random(in: 0..<10, using: &random) == 0 {
                // Arbitrary bytes, as a String repairs them.
                let bytes = (0..<Int.random(in: 0...16, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                text = String(decoding: bytes, as: UTF8.self)
            }
            do {
                let words = try CommandWords.split(text)
                #expect(!words.isEmpty, "seed \(seed): \(text.debugDescription)")
                let quoted = words.map { "'" + $0.split(separator: "'", omittingEmptySubsequences: false).joined(separator: #"'\''"#) + "'" }
                #expect(try CommandWords.split(quoted.joined(separator: " ")) == words, "seed \(seed): \(text.debugDescription)")
            } catch {
                #expect(error.column >= 1 && error.column <= text.unicodeScalars.count + 1, "seed \(seed): \(text.debugDescription)")
                #expect(!error.message.isEmpty && !error.message.contains("\n"), "seed \(seed): \(text.debugDescription)")
            }
        }
    }
}

/// SplitMix64: a random stream that a printed seed reproduces. TOMLTests uses it too.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
