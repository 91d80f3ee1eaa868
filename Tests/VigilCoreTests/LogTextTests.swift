import Testing
@testable import VigilCore

@Suite struct LogTextTests {
    @Test func interpolatesNumbersAndStrings() {
        let pid: Int32 = 42
        let text: LogText = "sent SIGKILL to \(pid) (\("sleep")), \(Int64(-7)) \(0)"
        #expect(text.string == "sent SIGKILL to 42 (sleep), -7 0")
    }

    @Test func escapesControlBytesSoThatNoLineCanBeForged() {
        let name = "evil\nvigil: warning: forged\t\u{1b}[31m\\"
        let text: LogText = "reaped \(name)"
        // Backslashes stay as they are: messages quote TOML escapes such as \\n.
        #expect(text.string == "reaped evil\\nvigil: warning: forged\\t\\x1b[31m\\")
        #expect(!text.bytes.contains(0x0A))
    }

    @Test func cutsVeryLongValues() {
        let long = String(repeating: "x", count: 100_000)
        let text: LogText = "got '\(long)'"
        #expect(text.bytes.count == "got ''".utf8.count + LogText.longestValue + 3)
        #expect(text.string.hasSuffix("x...'"))
    }

    @Test func nestedTextIsKeptAsItIs() {
        let inner: LogText = "a \("b\n")"
        let outer: LogText = "[\(inner)]"
        #expect(outer.string == "[a b\\n]")
    }

    @Test func keepsUTF8() {
        let text: LogText = "\("€ and ü")"
        #expect(text.string == "€ and ü")
    }
}

@Suite struct LogTextEscapesWhatPsEscapesTests {
    @Test func invisibleFormatCharactersCannotReorderALine() {
        let name = "a\u{202E}b\u{2066}c\u{85}d"
        let text: LogText = "reaped \(name)"
        #expect(text.string == "reaped a\\u{202e}b\\u{2066}c\\u{0085}d")
        var ps: [UInt8] = []
        TerminalText.append(Array(name.utf8), to: &ps)
        #expect(String(decoding: ps, as: UTF8.self) == "a\\u{202e}b\\u{2066}c\\u{0085}d")
    }

    @Test func aValueIsCutAtACharactersBoundary() {
        let value = String(repeating: "x", count: LogText.longestValue - 1) + "€€"
        let text: LogText = "\(value)"
        #expect(text.string == String(repeating: "x", count: LogText.longestValue - 1) + "...")
    }

    @Test func invalidBytesAreShownAsHex() {
        let text: LogText = "\(String(decoding: [0x61, 0xFF, 0x62], as: UTF8.self))"
        // String(decoding:) repairs invalid UTF-8 into U+FFFD, which is printable.
        #expect(text.string == "a\u{FFFD}b")
    }
}
