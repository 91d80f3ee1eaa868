import Testing
@testable import VigilCore

/// The document as Python's ConfigParser would show it: `{section: {key: value}}`, sections
/// and keys in order, [DEFAULT]'s keys in each section that lacks them.
private func render(_ document: INIDocument) -> String {
    document.sections.map { section in
        let keys = document.keys(of: section)
        let entries = keys.map { key in
            let value = section.entry(key) ?? document.defaults.entry(key)!
            return String(decoding: key, as: UTF8.self) + "=" + value.text.debugDescription
        }
        return "[" + section.nameText + "] " + entries.joined(separator: " ")
    }.joined(separator: " | ")
}

private func read(_ text: String) throws(INIError) -> String {
    var reader = INIReader()
    try reader.read(Array(text.utf8), path: "f.conf")
    return render(reader.document)
}

private func failure(_ text: String) -> String {
    var reader = INIReader()
    do {
        try reader.read(Array(text.utf8), path: "f.conf")
        return "no error"
    } catch {
        return error.text
    }
}

@Suite struct INIReaderTests {
    @Test func inlineCommentsNeedWhitespaceBefore() throws {
        #expect(try read("[a]\nk = v ;c\n") == #"[a] k="v""#)
        #expect(try read("[a]\nk = v;c\n") == #"[a] k="v;c""#)
        #expect(try read("[a]\nk = v\t;c\n") == #"[a] k="v""#)
        #expect(try read("[a]\nk=v #c\n") == #"[a] k="v""#)
        #expect(try read("[a]\nk=v\u{A0};c\n") == #"[a] k="v""#)
        #expect(try read("[a]\nk = url#frag ;x\n") == #"[a] k="url#frag""#)
    }

    @Test func commentSearchStopsAtTheFirstRoundThatFindsOne() throws {
        // Python's rounds: the first ';' and '#' of each round; '#' qualifies in round one,
        // the later-qualifying ';' at an earlier place is never looked at.
        #expect(try read("[a]\nk = x;y;z ;c #d\n") == #"[a] k="x;y;z ;c""#)
    }

    @Test func continuationLinesAndBlankLines() throws {
        #expect(try read("[a]\nk = 1\n  2\n\n  3\n") == #"[a] k="1\n2\n\n3""#)
        #expect(try read("[a]\nk = 1\n  2\n\n\n") == #"[a] k="1\n2""#)
        #expect(try read("[a]\nk = 1\n ; comment\n  2\n") == #"[a] k="1\n2""#)
        #expect(try read("[a]\nk=1\n#c\n  2\n") == #"[a] k="1\n2""#)
        #expect(try read("[a]\nk=1\n  x #c\n") == #"[a] k="1\nx""#)
        #expect(try read("[a]\nk = a\n\tb\n") == #"[a] k="a\nb""#)
        #expect(try read("[a]\n  k=v\n  j=w\n") == #"[a] k="v" j="w""#)
        #expect(try read("[a]\nk=v\n [b]\n") == #"[a] k="v\n[b]""#)
        #expect(try read("[a]\n;k=v\n  w=1\n") == #"[a] w="1""#)
        #expect(try read("[a]\nk=v\n\n  w\n") == #"[a] k="v\n\nw""#)
    }

    @Test func repeatedKeysAndSections() throws {
        #expect(try read("[a]\nK = 1\nk = 2\n") == #"[a] k="2""#)
        #expect(try read("[a]\nk=1\n[b]\nx=1\n[a]\nk=3\nz=4\n") == #"[a] k="3" z="4" | [b] x="1""#)
    }

    @Test func sectionHeaders() throws {
        #expect(try read("[a] junk\nk=v\n") == #"[a] k="v""#)
        #expect(try read("[a]b]\nk=v\n") == #"[a]b] k="v""#)
        #expect(try read("  [a]\nk=v\n") == #"[a] k="v""#)
        #expect(try read("#x\n;y\n[a]\n") == "[a] ")
        #expect(try read("[DEFAULT]\nx=1\n[a]\nk=v\n") == #"[a] k="v" x="1""#)
    }

    @Test func delimitersAndSpaces() throws {
        #expect(try read("[a]\nk : v\n") == #"[a] k="v""#)
        #expect(try read("[a]\nk:v=w\n") == #"[a] k="v=w""#)
        #expect(try read("[a]\nk=\n") == #"[a] k="""#)
        #expect(try read("[a]\nk\t=\tv \n") == #"[a] k="v""#)
        #expect(try read("[a]\nk=v\u{0B}w\n") == "[a] k=\"v\\u{0B}w\"")
    }

    @Test func lineEnds() throws {
        #expect(try read("[a]\r\nk=v\r\n") == #"[a] k="v""#)
        #expect(try read("[a]\rk=v\r") == #"[a] k="v""#)
    }

    @Test func errorsNameTheFileAndLine() {
        #expect(failure("k=1\n[a]\n") == "f.conf:1: a line before the first [section] header")
        #expect(failure("[]\n") == "f.conf:1: a line before the first [section] header")
        #expect(failure("\u{FEFF}[a]\nk=v\n") == "f.conf:1: a line before the first [section] header")
        #expect(failure("[a]\n= v\n") == "f.conf:2: no key before '='")
        #expect(failure("[a]\nnovalue\nother\n") == "f.conf:2: not a [section] header, a 'key = value' line or a comment")
        #expect(failure("[a]\nk=v\n\u{FF}") == "f.conf:3: not a [section] header, a 'key = value' line or a comment")
        var reader = INIReader()
        #expect(throws: INIError(file: "g", line: 3, message: "not valid UTF-8 (byte 0xff)")) {
            try reader.read([0x5B, 0x61, 0x5D, 0x0D, 0x0A, 0x0D, 0xFF], path: "g")
        }
    }

    @Test func hereIsReplacedAsText() throws {
        var reader = INIReader()
        try reader.read(Array("[DEFAULT]\nd=%(here)s/x\n[a]\nk=%(here)s/%(here)s\n".utf8), path: "f")
        var document = reader.document
        document.expandHere("/etc")
        #expect(render(document) == #"[a] k="/etc//etc" d="/etc/x""#)
        #expect(document.defaults.entry("d")?.text == "%(here)s/x")
    }
}
