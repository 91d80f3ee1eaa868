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
