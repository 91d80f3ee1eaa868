import Testing
@testable import VigilCore

/// The expected values are what honcho 2.0.0's `environ.parse` returns for the same lines.
@Suite struct ProcfileEnvironmentTests {
    func parse(_ text: String) throws(ProcfileError) -> ProcfileEnvironment {
        try ProcfileEnvironment.parse(Array(text.utf8), path: ".env")
    }

    func set(_ text: String) throws -> [String] {
        try parse(text).variables.map { $0.name + "=" + $0.value }
    }

    @Test func wordsJoinWithoutBlanksAndQuotesJoinWhatTheyHold() throws {
        #expect(try set("FOO=bar") == ["FOO=bar"])
        #expect(try set("FOO=bar baz") == ["FOO=barbaz"])
        #expect(try set("FOO = \"a b\" c") == ["FOO=a bc"])
        #expect(try set("FOO=\"a\"b'c'") == ["FOO=abc"])
        #expect(try set("FOO='it''s'") == ["FOO=its"])
        #expect(try set("FOO=a\tb") == ["FOO=ab"])
        #expect(try set("FOO==x") == ["FOO==x"])
        #expect(try set("FOO=http://x.com/a?b=1&c=%20") == ["FOO=http://x.com/a?b=1&c=%20"])
        #expect(try set("FOO=é€") == ["FOO=é€"])
        #expect(try set("FOO= \u{A0}x") == ["FOO=\u{A0}x"])
        #expect(try set("FOO=''") == ["FOO="])
    }

    @Test func backslashesAndTheNewlineAndTabEscapes() throws {
        #expect(try set("FOO='a\\nb'") == ["FOO=a\nb"])
        #expect(try set("FOO=\"a\\nb\\\"c\\$d\\\\e\"") == ["FOO=a\nb\"c\\$d\\e"])
        #expect(try set("FOO=a\\nb") == ["FOO=anb"])
        #expect(try set("FOO=a\\ b") == ["FOO=a b"])
        #expect(try set("FOO=\\'") == ["FOO='"])
        #expect(try set("FOO=\\t\\n") == ["FOO=tn"])
        #expect(try set("FOO='\\t'") == ["FOO=\t"])
        #expect(try set("F\\OO=1") == ["FOO=1"])
    }

    @Test func commentsStartAtAHashOutsideQuotes() throws {
        #expect(try set("FOO=a#b") == ["FOO=a"])
        #expect(try set("FOO=a #b") == ["FOO=a"])
        #expect(try set("FOO=\"#x\"") == ["FOO=#x"])
        #expect(try set("# FOO=1\n  # x\n\n") == [])
        #expect(try parse("# FOO=1\n\n").skippedLines == [])
    }

    @Test func namesAsHonchoAcceptsThem() throws {
        #expect(try set("_X=1\n\"A B\"=2\nAé=3") == ["_X=1", "A B=2", "Aé=3"])
    }

    @Test func linesThatSetNothingAreListed() throws {
        let environment = try parse("FOO=\nexport BAR=1\nA-B=1\n1A=2\nFOO:bar\nOK=1\n''=3\n\u{A0}")
        #expect(environment.variables == [.init(name: "OK", value: "1")])
        #expect(environment.skippedLines == [1, 2, 3, 4, 5, 7, 8])
    }

    @Test func laterValuesReplaceInPlace() throws {
        #expect(try set("A=1\nB=2\nA=3") == ["A=3", "B=2"])
        var first = try parse("A=1\nB=2")
        first.merge(try parse("C=3\nA=4"))
        #expect(first.variables.map { $0.name + "=" + $0.value } == ["A=4", "B=2", "C=3"])
        #expect(first.value(of: "C") == "3" && first.value(of: "D") == nil)
    }

    @Test func whatStopsHonchoIsRefusedWithItsLine() {
        #expect(throws: ProcfileError(".env:2: a quote is not closed")) { try parse("A=1\nGREETING=it's") }
        #expect(throws: ProcfileError(".env:1: a backslash ends the line")) { try parse("A=1\\") }
        #expect(throws: ProcfileError(".env:1: a quote is not closed")) { try parse("A=\"x\\\"") }
        #expect(throws: ProcfileError(".env:1: a variable name cannot hold '=', nor a name or value a NUL byte")) { try parse("\"A=B\"=1") }
        #expect(throws: ProcfileError(".env:1: a variable name cannot hold '=', nor a name or value a NUL byte")) { try parse("A=\u{0}") }
        #expect(throws: ProcfileError(".env:1: not valid UTF-8 (honcho cannot read the file either)")) {
            try ProcfileEnvironment.parse([0x41, 0x3D, 0xC3], path: ".env")
        }
    }

    @Test func theWordsOfShlex() throws {
        func words(_ text: String) throws(Shlex.Fault) -> [String] {
            let bytes = Array(text.utf8)
            return try Shlex.words(bytes, 0..<bytes.count).map { String(decoding: $0, as: UTF8.self) }
        }
        #expect(try words("a=b c") == ["a", "=", "b", "c"])
        #expect(try words("x-y.z") == ["x", "-", "y", ".", "z"])
        #expect(try words("'' \"\"") == ["", ""])
        // × is no word character: each of its bytes stands alone (joined again in a value).
        let bytes = Array("àé×b".utf8)
        #expect(try Shlex.words(bytes, 0..<bytes.count) == [Array("àé".utf8), [0xC3], [0x97], [UInt8(ascii: "b")]])
        #expect(try words("\\é=1") == ["é", "=", "1"])
    }
}
