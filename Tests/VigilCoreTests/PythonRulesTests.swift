import Testing
@testable import VigilCore

// Python's rules that supervisord's reading follows: str methods, int(), shlex, fnmatch and
// os.path. Expected values come from Python 3.11.

private func split(_ text: String) throws(Shlex.ShlexFailure) -> [String] {
    try Shlex.split(Array(text.utf8)).map { String(decoding: $0, as: UTF8.self) }
}

private func splitFailure(_ text: String) -> Shlex.ShlexFailure? {
    do {
        _ = try Shlex.split(Array(text.utf8))
        return nil
    } catch {
        return error
    }
}

private func pairs(_ text: String) throws(SupervisordValues.ValueProblem) -> [String] {
    try SupervisordValues.keyValuePairs(text).flatMap { [$0.key, $0.value] }
}

private func pairsFailure(_ text: String) -> String? {
    do {
        _ = try SupervisordValues.keyValuePairs(text)
        return nil
    } catch {
        return error.message
    }
}

@Suite struct PythonRulesTests {
    @Test func stripAndSplitUseUnicodeWhitespace() {
        let text = Array("\u{3000} a\u{85}b \u{A0}".utf8)[...]
        #expect(PythonText.string(PythonText.strip(text)) == "a\u{85}b")
        #expect(PythonText.splitOnSpaces(text).map { PythonText.string($0) } == ["a", "b"])
        #expect(PythonText.isSpace(0x1C) && !PythonText.isSpace(0x200B))
    }

    @Test func caseMappingsThatEndInASCII() {
        #expect(PythonText.lowered(Array("TRUE\u{212A}".utf8)[...]) == Array("truek".utf8))
        #expect(PythonText.uppered(Array("sıgkıll\u{17F}".utf8)[...]) == Array("SIGKILLS".utf8))
    }

    @Test func integersAsPythonReadsThem() {
        #expect(PythonInt.parse(" +1_000\u{A0}") == .value(1000))
        #expect(PythonInt.parse("\u{663}\u{664}") == .value(34))
        #expect(PythonInt.parse("-0") == .value(0))
        for bad in ["", " ", "1__0", "_1", "1_", "0x10", "1 2", "\u{1C}5", "١x"] { #expect(PythonInt.parse(bad) == .invalid) }
        #expect(PythonInt.parse("99999999999999999999") == .tooLarge)
        #expect(PythonInt.parse("0o22", base: 8) == .value(18))
        #expect(PythonInt.parse("022", base: 8) == .value(18))
        #expect(PythonInt.parse("0o_7", base: 8) == .value(7))
        #expect(PythonInt.parse("8", base: 8) == .invalid)
        #expect(PythonInt.parse("0o", base: 8) == .invalid)
    }

    @Test func shlexSplitsCommands() throws {
        #expect(try split("a b  c") == ["a", "b", "c"])
        #expect(try split("a 'b c' d") == ["a", "b c", "d"])
        #expect(try split("a \"b \\\" c\" d") == ["a", "b \" c", "d"])
        #expect(try split("a\\ b") == ["a b"])
        #expect(try split("x \"\\$HOME\" y") == ["x", "\\$HOME", "y"])
        #expect(try split("''") == [""])
        #expect(try split("a\"\"b") == ["ab"])
        #expect(try split("\"a\\\\b\"") == ["a\\b"])
        #expect(try split("a#b #c") == ["a#b", "#c"])
        #expect(try split("a\\\nb") == ["a\nb"])
        #expect(splitFailure("it's") == .noClosingQuotation)
        #expect(splitFailure("a \"b") == .noClosingQuotation)
        #expect(splitFailure("a\\") == .noEscapedCharacter)
        #expect(splitFailure("\"x\\") == .noEscapedCharacter)
    }

    @Test func environmentPairsAsSupervisorReadsThem() throws {
        #expect(try pairs("A=1,B=2") == ["A", "1", "B", "2"])
        #expect(try pairs("A=\"1, 2\",B='x'") == ["A", "1, 2", "B", "x"])
        #expect(try pairs("A=1;B=2") == ["A", "1", "B", "2"])
        #expect(pairsFailure("A=1 B=2") == "Unexpected end of key/value pairs in value 'A=1 B=2'")
        #expect(try pairs("A=/usr/bin:/bin") == ["A", "/usr/bin:/bin"])
        #expect(try pairs("A=x#c\n,B=2") == ["A", "x", "B", "2"])
        #expect(try pairs("PROC=\"p\".\nT=\"http://h:1\"") == ["PROC", "p", "T", "http://h:1"])
        #expect(try pairs("A=café") == ["A", "caf"])
        #expect(try pairs("A=\"it's\"") == ["A", "it's"])
        #expect(try pairs("\"A\"=1") == ["\"A\"", "1"])
        #expect(try pairs("A==1") == ["A", "="])
        #expect(try pairs("A=1,A=2,B=3") == ["A", "2", "B", "3"])
        #expect(try pairs("A=\"b\"c\"d\"") == ["A", "b"])
        #expect(try pairs("") == [])
        #expect(pairsFailure("A") == "Unexpected end of key/value pairs in value 'A'")
        #expect(pairsFailure("A=\"1") == "No closing quotation")
    }

    @Test func fnmatchPatterns() {
        #expect(PythonGlob.matches(Array("a.conf".utf8), Array("*.conf".utf8)) == true)
        #expect(PythonGlob.matches(Array("x".utf8), Array("?".utf8)) == true)
        #expect(PythonGlob.matches(Array("xy".utf8), Array("?".utf8)) == false)
        #expect(PythonGlob.matches(Array("b".utf8), Array("[abc]".utf8)) == true)
        #expect(PythonGlob.matches(Array("d".utf8), Array("[!abc]".utf8)) == true)
        #expect(PythonGlob.matches(Array("-".utf8), Array("[a-]".utf8)) == true)
        #expect(PythonGlob.matches(Array("b".utf8), Array("[a-c]".utf8)) == true)
        #expect(PythonGlob.matches(Array("B".utf8), Array("[a-c]".utf8)) == false)
        #expect(PythonGlob.matches(Array("z".utf8), Array("[z-a]".utf8)) == false)
        #expect(PythonGlob.matches(Array("q".utf8), Array("[!z-a]".utf8)) == true)
        #expect(PythonGlob.matches(Array("]".utf8), Array("[]]".utf8)) == true)
        #expect(PythonGlob.matches(Array("[".utf8), Array("[".utf8)) == true)
        #expect(PythonGlob.matches(Array("a[b".utf8), Array("a[b".utf8)) == true)
        #expect(PythonGlob.matches(Array("abc".utf8), Array("a*c*".utf8)) == true)
        #expect(PythonGlob.matches(Array("ac".utf8), Array("a*c*".utf8)) == true)
        #expect(PythonGlob.matches(Array("x1.conf".utf8), Array("x[0-9].conf".utf8)) == true)
        #expect(PythonGlob.matches(Array("!".utf8), Array("[!]".utf8)) == false)
        #expect(PythonGlob.matches(Array("-".utf8), Array("[!-a]".utf8)) == false)
        #expect(PythonGlob.matches(Array("b".utf8), Array("[!-a]".utf8)) == true)
        let many = [UInt8](repeating: UInt8(ascii: "a"), count: 200)
        #expect(PythonGlob.matches(many, Array("*a*a*a*a*a*a*a*a*a*a*a*b".utf8)) == false)
    }

    @Test func globListsDirectoriesTheCallerGives() {
        var host = SupervisordHost()
        let tree: [(String, [String])] = [("/etc", ["conf.d", "passwd"]), ("/etc/conf.d", ["b.conf", "a.conf", ".hidden.conf", "notes.txt", "sub"]), ("/etc/conf.d/sub", ["c.conf"])]
        let isDirectory: (String) -> Bool = { path in tree.contains { $0.0.utf8.elementsEqual(path.utf8) } }
        host.listDirectory = { path in tree.first { $0.0.utf8.elementsEqual(path.utf8) }?.1 }
        host.isDirectory = isDirectory
        host.exists = { path in path.utf8.elementsEqual("/etc/conf.d/a.conf".utf8) || isDirectory(path) }
        #expect(PythonGlob.glob("/etc/conf.d/*.conf", host) == ["/etc/conf.d/b.conf", "/etc/conf.d/a.conf"])
        #expect(PythonGlob.glob("/etc/conf.d/.*.conf", host) == ["/etc/conf.d/.hidden.conf"])
        #expect(PythonGlob.glob("/etc/*.d/s*/*.conf", host) == ["/etc/conf.d/sub/c.conf"])
        #expect(PythonGlob.glob("/etc/conf.d/a.conf", host) == ["/etc/conf.d/a.conf"])
        #expect(PythonGlob.glob("/etc/conf.d/z.conf", host) == [])
        #expect(PythonGlob.glob("/nowhere/*.conf", host) == [])
    }

    @Test func osPathFunctions() {
        #expect(PythonPath.normalize("/a/b/../c") == "/a/c")
        #expect(PythonPath.normalize("a//b/./c/") == "a/b/c")
        #expect(PythonPath.normalize("//x") == "//x")
        #expect(PythonPath.normalize("///x") == "/x")
        #expect(PythonPath.normalize("") == ".")
        #expect(PythonPath.normalize("../..") == "../..")
        #expect(PythonPath.normalize("/..") == "/")
        #expect(PythonPath.normalize("a/..") == ".")
        #expect(PythonPath.dirname("/a/b") == "/a")
        #expect(PythonPath.dirname("/b") == "/")
        #expect(PythonPath.dirname("a//b") == "a")
        #expect(PythonPath.dirname("b") == "")
        #expect(PythonPath.dirname("/") == "/")
        #expect(PythonPath.dirname("a/b/") == "a/b")
        #expect(PythonPath.absolute("x/../y.conf", in: "/srv") == "/srv/y.conf")
        var host = SupervisordHost()
        host.environment = [("HOME", "/home/me/")]
        host.users = UserDatabase(accounts: [UserAccount(name: Array("app".utf8), uid: 5, gid: 5, home: Array("/srv/app".utf8))])
        #expect(PythonPath.expandUser("~/x", host) == "/home/me/x")
        #expect(PythonPath.expandUser("~app/log", host) == "/srv/app/log")
        #expect(PythonPath.expandUser("~nobody/log", host) == "~nobody/log")
    }
}
