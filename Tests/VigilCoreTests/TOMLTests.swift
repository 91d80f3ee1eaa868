import Testing
@testable import VigilCore

private func parse(_ text: String) throws(TOMLError) -> TOMLDocument {
    try TOML.parse(Array(text.utf8))
}

/// A value written back compactly: strings as Swift literals, tables in braces.
private func render(_ value: TOMLValue) -> String {
    switch value.kind {
    case .string(let text): return text.debugDescription
    case .integer(let number): return String(number)
    case .boolean(let flag): return String(flag)
    case .array(let items): return "[" + items.map(render).joined(separator: ", ") + "]"
    case .inlineTable(let entries): return "{" + entries.map { "\($0.key.debugDescription) = \(render($0.value))" }.joined(separator: ", ") + "}"
    }
}

/// A document written back compactly, one table a line, without positions.
private func render(_ document: TOMLDocument) -> String {
    document.tables.map { table in
        "[" + table.path.map(\.debugDescription).joined(separator: ".") + "]" + (table.entries.isEmpty ? "" : " ")
            + table.entries.map { "\($0.key.debugDescription) = \(render($0.value))" }.joined(separator: ", ")
    }.joined(separator: "\n")
}

/// The value of `v = TEXT`.
private func value(_ text: String) throws -> String {
    let document = try parse("v = " + text)
    try #require(document.tables.count == 1 && document.tables[0].entries.count == 1)
    return render(document.tables[0].entries[0].value)
}

@Suite struct TOMLTests {
    @Test func emptyDocumentsHaveOnlyTheRootTable() throws {
        for text in ["", "\n", "# comment\n\n  \t\r\n#", "   "] {
            let document = try parse(text)
            #expect(document == TOMLDocument(tables: [TOMLTable(path: [], position: TOMLPosition(line: 1, column: 1), entries: [])]))
        }
    }

    @Test func keepsTheOrderAndPositionsOfTablesAndKeys() throws {
        let document = try parse("""
            # vigil
            zeta = 1
            alpha = "a"  # comment

            [sidecar.log]
            command = ["fluent-bit", "-c", "/etc/fb.conf"]
              restart = 'always'
            [ init . "db migrate" ]\r
            \tcommand = "migrate --up"
            [sidecar]
            """)
        #expect(render(document) == """
            [] "zeta" = 1, "alpha" = "a"
            ["sidecar"."log"] "command" = ["fluent-bit", "-c", "/etc/fb.conf"], "restart" = "always"
            ["init"."db migrate"] "command" = "migrate --up"
            ["sidecar"]
            """)
        let tables = document.tables
        #expect(tables.map(\.position) == [TOMLPosition(line: 1, column: 1), TOMLPosition(line: 5, column: 1),
                                           TOMLPosition(line: 8, column: 1), TOMLPosition(line: 10, column: 1)])
        #expect(tables[0].entries.map(\.position) == [TOMLPosition(line: 2, column: 1), TOMLPosition(line: 3, column: 1)])
        #expect(tables[0].entries.map(\.value.position) == [TOMLPosition(line: 2, column: 8), TOMLPosition(line: 3, column: 9)])
        #expect(tables[1].entries[1].position == TOMLPosition(line: 7, column: 3))
        #expect(tables[2].entries[0].position == TOMLPosition(line: 9, column: 2))
        guard case .array(let items) = tables[1].entries[0].value.kind else {
            Issue.record("not an array")
            return
        }
        #expect(items.map(\.position.column) == [12, 26, 32])
    }

    @Test func columnsCountCharactersAndLinesFollowMultilineValues() throws {
        let document = try parse("\"é😀\" = 'ü'  \nm = \"\"\"\nx\n\"\"\" \nn = [\n  1,\n  {a = 2}, 'é', 3]\nt = {\"é\" = 1}")
        let entries = document.tables[0].entries
        #expect(entries.map(\.position) == [TOMLPosition(line: 1, column: 1), TOMLPosition(line: 2, column: 1),
                                            TOMLPosition(line: 5, column: 1), TOMLPosition(line: 8, column: 1)])
        #expect(entries[0].value.position == TOMLPosition(line: 1, column: 8))
        guard case .array(let items) = entries[2].value.kind, case .inlineTable(let inner) = entries[3].value.kind else {
            Issue.record("wrong kinds")
            return
        }
        #expect(items.map(\.position) == [TOMLPosition(line: 6, column: 3), TOMLPosition(line: 7, column: 3),
                                          TOMLPosition(line: 7, column: 12), TOMLPosition(line: 7, column: 17)])
        #expect(inner[0].position == TOMLPosition(line: 8, column: 6))
        #expect(inner[0].value.position == TOMLPosition(line: 8, column: 12))
    }

    @Test(arguments: [
        ("a", "a"), ("A-b_9", "A-b_9"), ("1234", "1234"), ("-", "-"), ("true", "true"), (#""a b""#, "a b"), (#""""#, ""),
        ("''", ""), (#""a.b""#, "a.b"), (#"'\n'"#, #"\n"#), (#""\u00e9""#, "é"), (#""é""#, "é"), (#""\"""#, "\""),
    ] as [(String, String)])
    func keys(text: String, key: String) throws {
        #expect(try parse(text + " = 1").tables[0].entries.map(\.key) == [key])
    }

    @Test(arguments: [
        ("[a]", ["a"]), ("[a.b]", ["a", "b"]), (#"[a."b c"]"#, ["a", "b c"]), ("[ a . b\t.\tc ]", ["a", "b", "c"]),
        ("['x.y'.\"\"]", ["x.y", ""]), ("[\"\\u0041\"]", ["A"]), ("  [a]  # c", ["a"]), ("[1.2]", ["1", "2"]),
    ] as [(String, [String])])
    func tableHeaders(header: String, path: [String]) throws {
        #expect(try parse(header).tables.map(\.path) == [[], path])
    }

    @Test func tablesMayBeNamedBeforeTheirParents() throws {
        let document = try parse("[a.b.c]\nx = 1\n[a.b]\ny = 2\n[a]\nz = 3\n[a.d]\n[b]\n[a.b.e]")
        #expect(document.tables.map(\.path) == [[], ["a", "b", "c"], ["a", "b"], ["a"], ["a", "d"], ["b"], ["a", "b", "e"]])
        // The same key in different tables, and an inline table's keys, are separate.
        _ = try parse("x = 1\ny = {x = 1, y = {x = 1}}\nz = [{x = 1}, {x = 1}]\n[a]\nx = 1\n[b]\nx = 1\n[a.x2]\nx = 1")
        #expect(try parse(#""a" = 1"#).tables[0].entries[0].key == "a")
    }

    @Test(arguments: [
        // Basic strings and every escape.
        (#""hello""#, #""hello""#),
        (#""""#, #""""#),
        (#""\b\t\n\f\r\"\\""#, #""\u{08}\t\n\u{0C}\r\"\\""#),
        (#""\u00e9\u00E9 \U0001F600 \u0000""#, #""éé 😀 \0""#),
        ("\"tab\there\"", #""tab\there""#),
        (#""'#' is kept""#, #""\'#\' is kept""#),
        // Literal strings.
        (#"'C:\path\n "x"'"#, #""C:\\path\\n \"x\"""#),
        ("''", #""""#),
        // Multi-line basic strings: first newline dropped, CRLF read as LF, line-ending backslash.
        ("\"\"\"\nline 1\nline 2\"\"\"", #""line 1\nline 2""#),
        ("\"\"\"\r\nline 1\r\nline 2\r\n\"\"\"", #""line 1\nline 2\n""#),
        ("\"\"\"\n\nx\"\"\"", #""\nx""#),
        ("\"\"\"a \\\n   \n\t b\"\"\"", #""a b""#),
        ("\"\"\"a \\  \t\r\n  b \\\n\"\"\"", #""a b ""#),
        ("\"\"\"a\\\\\nb\"\"\"", #""a\\\nb""#),
        (#""""a "quoted" ""two"" \""" \u00e9""""#, #""a \"quoted\" \"\"two\"\" \"\"\" é""#),
        (String(repeating: "\"", count: 6), #""""#),
        (String(repeating: "\"", count: 7), #""\"""#),
        (String(repeating: "\"", count: 8), #""\"\"""#),
        ("\"\"\"\"\"x\"\"\"", #""\"\"x""#),
        // Multi-line literal strings.
        ("'''\nC:\\a\\b\n'it''s' '''", #""C:\\a\\b\n\'it\'\'s\' ""#),
        ("''''''", #""""#),
        (String(repeating: "'", count: 8), #""\'\'""#),
        ("'''\r\n'''", #""""#),
        ("'''a \\\n b'''", #""a \\\n b""#),
        // Integers.
        ("0", "0"), ("+0", "0"), ("-0", "0"), ("42", "42"), ("+17", "17"), ("-17", "-17"), ("1_000", "1000"),
        ("5_349_221", "5349221"), ("1_2_3", "123"), ("9223372036854775807", "9223372036854775807"),
        ("-9223372036854775808", "-9223372036854775808"), ("+9_223_372_036_854_775_807", "9223372036854775807"),
        // Booleans.
        ("true", "true"), ("false", "false"),
        // Arrays: mixed, nested, over lines, with comments and a trailing comma.
        ("[]", "[]"), ("[ ]", "[]"), ("[1]", "[1]"), ("[1,]", "[1]"), ("[ 1 , 2 , ]", "[1, 2]"),
        (#"[1, "a", 'b', true, [2, []], {x = 1}]"#, #"[1, "a", "b", true, [2, []], {"x" = 1}]"#),
        ("[\n  1, # one\n  # nothing\n\n  2\r\n  ,\n]", "[1, 2]"),
        ("[ # comment\n]", "[]"),
        ("[\"\"\"\na\nb\"\"\", '''\nc''']", #"["a\nb", "c"]"#),
        // Inline tables, nested, holding multi-line values.
        ("{}", "{}"), ("{ }", "{}"), ("{a = 1}", #"{"a" = 1}"#),
        (#"{ name = "log", "x y" = 'z', n = { m = [1, 2] } }"#, #"{"name" = "log", "x y" = "z", "n" = {"m" = [1, 2]}}"#),
        ("{a = [\n1,\n2]}", #"{"a" = [1, 2]}"#),
        ("{a = \"\"\"\nx\ny\"\"\"}", #"{"a" = "x\ny"}"#),
        ("[{a = 1}, {a = 2}]", #"[{"a" = 1}, {"a" = 2}]"#),
    ] as [(String, String)])
    func values(text: String, expected: String) throws {
        #expect(try value(text) == expected)
    }

    @Test func valuesMayBeFollowedBySpacesAndComments() throws {
        #expect(try value("1 \t# comment ' \" é") == "1")
        #expect(try value("'x'#") == #""x""#)
        #expect(try value("[1]   ") == "[1]")
        #expect(try value("true\r\n") == "true")
    }

    @Test(arguments: [
        // Size, encoding, line ends.
        ("a = \"\u{FEFF}\"\n\u{FEFF}", 2, 1, "expected a key, found '\u{FEFF}': bare keys may hold only A-Z a-z 0-9 _ and -; quote any other key"),
        ("\u{FEFF}a = 1", 1, 1, "the file starts with a byte order mark (U+FEFF): save it as UTF-8 without one"),
        ("a = 1\r", 1, 6, "carriage return (CR) without a line feed: end lines with LF or CRLF"),
        ("a = 'é\rb'", 1, 7, "carriage return (CR) without a line feed: end lines with LF or CRLF"),
        // Keys.
        ("= 1", 1, 1, "expected a key, found '='"),
        ("a b = 1", 1, 3, "expected '=' after the key, found 'b'"),
        ("a", 1, 2, "expected '=' after the key, found end of file"),
        ("a\nb = 1", 1, 2, "expected '=' after the key, found end of line"),
        ("a : 1", 1, 3, "expected '=' after the key, found ':'"),
        ("é = 1", 1, 1, "expected a key, found 'é': bare keys may hold only A-Z a-z 0-9 _ and -; quote any other key"),
        ("a = 1\n  $x = 1", 2, 3, "expected a key, found '$': bare keys may hold only A-Z a-z 0-9 _ and -; quote any other key"),
        (#""""a""" = 1"#, 1, 1, "a key cannot be a multi-line string"),
        ("'''a''' = 1", 1, 1, "a key cannot be a multi-line string"),
        ("\"a\nb\" = 1", 1, 1, #"unterminated string: a "..." string ends on its line ("""...""" may span lines)"#),
        ("a.b = 1", 1, 1, "dotted keys are not supported: write b = ... under a table header [a]"),
        ("[t]\n  a . \"b c\" . d = 1", 2, 3, #"dotted keys are not supported: write d = ... under a table header [t.a."b c"]"#),
        ("x = {a.b = 1}", 1, 6, "dotted keys are not supported: write a = { b = ... }"),
        // Table headers.
        ("[]", 1, 2, "expected a key, found ']'"),
        ("[a", 1, 3, "expected '.' or ']' in the table header, found end of file"),
        ("[a b]", 1, 4, "expected '.' or ']' in the table header, found 'b'"),
        ("[a.]", 1, 4, "expected a key, found ']'"),
        ("[a]]", 1, 4, "expected the end of the line after the table header, found ']'"),
        ("[a] b = 1", 1, 5, "expected the end of the line after the table header, found 'b'"),
        ("[[a]]", 1, 1, "arrays of tables ([[...]]) are not supported"),
        ("x = 1\n [[a.b]]", 2, 2, "arrays of tables ([[...]]) are not supported"),
        // Definitions.
        ("a = 1\nb = 2\na = 3", 3, 1, "duplicate key 'a' (first defined at line 1)"),
        ("a = 1\n\"a\" = 2", 2, 1, "duplicate key 'a' (first defined at line 1)"),
        ("\"a b\" = 1\n'a b' = 2", 2, 1, #"duplicate key '"a b"' (first defined at line 1)"#),
        ("[t]\na = 1\n[u]\na = 1\n[t]", 5, 1, "table [t] is defined twice (first at line 1)"),
        ("[t.u]\n[t]\n[t.u]", 3, 1, "table [t.u] is defined twice (first at line 1)"),
        ("[ t . \"u v\" ]\n[t.'u v']", 2, 1, #"table [t."u v"] is defined twice (first at line 1)"#),
        ("x = {a = 1, a = 2}", 1, 13, "duplicate key 'a' (first defined at line 1)"),
        ("x = [{a = 1, b = {c = 1, c = 2}}]", 1, 26, "duplicate key 'c' (first defined at line 1)"),
        ("a = 1\n[a]", 2, 1, "table [a] conflicts with the key 'a' defined at line 1"),
        ("a = {}\n[a]", 2, 1, "table [a] conflicts with the key 'a' defined at line 1"),
        ("a = {b = {}}\n[a.b.c]", 2, 1, "table [a.b.c] conflicts with the key 'a' defined at line 1"),
        ("[t]\nb = [1]\n\n[t.b.c]", 4, 1, "table [t.b.c] conflicts with the key 't.b' defined at line 2"),
        ("[t.b]\n[t]\nb = 1", 3, 1, "the key 'b' conflicts with a table defined at line 1"),
        ("[t.b.c]\n[t]\nb = {}", 3, 1, "the key 'b' conflicts with a table defined at line 1"),
        // Values.
        ("a =", 1, 4, "expected a value, found end of file"),
        ("a = # x", 1, 5, "expected a value, found '#'"),
        ("a = \n1", 1, 5, "expected a value, found end of line"),
        ("a = always", 1, 5, #"expected a value, found 'always': write strings in quotes, as in "always""#),
        ("a = True", 1, 5, #"expected a value, found 'True': write strings in quotes, as in "True""#),
        ("a = _1", 1, 5, #"expected a value, found '_1': write strings in quotes, as in "_1""#),
        ("a = " + String(repeating: "x", count: 50), 1, 5,
         "expected a value, found '\(String(repeating: "x", count: 40))...': write strings in quotes, as in \"\(String(repeating: "x", count: 40))...\""),
        ("a = 1 2", 1, 7, "expected the end of the line after the value, found '2'"),
        ("a = \"x\" y", 1, 9, "expected the end of the line after the value, found 'y'"),
        ("a = 'x''y'", 1, 8, "expected the end of the line after the value, found '''"),
        ("a = truex", 1, 5, #"expected a value, found 'truex': write strings in quotes, as in "truex""#),
        ("a = 1,", 1, 6, "expected the end of the line after the value, found ','"),
        ("a = \"\"\"x\"\"\"\"\"\"", 1, 14, "expected the end of the line after the value, found '\"'"),
        // Integers.
        ("a = 9223372036854775808", 1, 5, "integer out of range: it must be from -9223372036854775808 to 9223372036854775807"),
        ("a = -9223372036854775809", 1, 5, "integer out of range: it must be from -9223372036854775808 to 9223372036854775807"),
        ("a = 99999999999999999999999", 1, 5, "integer out of range: it must be from -9223372036854775808 to 9223372036854775807"),
        ("a = 007", 1, 5, "leading zeros are not allowed in integers"),
        ("a = -01", 1, 5, "leading zeros are not allowed in integers"),
        ("a = 0_1", 1, 5, "leading zeros are not allowed in integers"),
        ("a = 1__0", 1, 5, "an underscore in an integer must stand between digits"),
        ("a = 1_", 1, 5, "an underscore in an integer must stand between digits"),
        ("a = +_1", 1, 5, "invalid integer '+_1'"),
        ("a = -", 1, 5, "invalid integer '-'"),
        ("a = +", 1, 5, "invalid integer '+'"),
        ("a = 12ab", 1, 5, "invalid integer '12ab'"),
        ("a = 1-2", 1, 5, "invalid integer '1-2'"),
        ("a = 0x1F", 1, 5, "hexadecimal, octal and binary integers are not supported: write a decimal integer"),
        ("a = 0o17", 1, 5, "hexadecimal, octal and binary integers are not supported: write a decimal integer"),
        ("a = 0b101", 1, 5, "hexadecimal, octal and binary integers are not supported: write a decimal integer"),
        // Floats, dates and times.
        ("a = 1.5", 1, 5, #"floats are not supported: write a duration string such as "1.5s""#),
        ("a = -0.0", 1, 5, #"floats are not supported: write a duration string such as "1.5s""#),
        ("a = 1e3", 1, 5, #"floats are not supported: write a duration string such as "1.5s""#),
        ("a = 6.626E-34", 1, 5, #"floats are not supported: write a duration string such as "1.5s""#),
        ("a = inf", 1, 5, #"floats are not supported: write a duration string such as "1.5s""#),
        ("a = -inf", 1, 5, #"floats are not supported: write a duration string such as "1.5s""#),
        ("a = nan", 1, 5, #"floats are not supported: write a duration string such as "1.5s""#),
        ("a = 1979-05-27", 1, 5, "dates and times are not supported: write them as strings"),
        ("a = 1979-05-27T07:32:00Z", 1, 5, "dates and times are not supported: write them as strings"),
        ("a = 1979-05-27 07:32:00", 1, 5, "dates and times are not supported: write them as strings"),
        ("a = 07:32:00", 1, 5, "dates and times are not supported: write them as strings"),
        // Strings.
        ("a = \"abc", 1, 5, #"unterminated string: a "..." string ends on its line ("""...""" may span lines)"#),
        ("a = \"abc\nd\"", 1, 5, #"unterminated string: a "..." string ends on its line ("""...""" may span lines)"#),
        ("a = 'abc", 1, 5, "unterminated string: a '...' string ends on its line ('''...''' may span lines)"),
        ("a = 'abc\r\n'", 1, 5, "unterminated string: a '...' string ends on its line ('''...''' may span lines)"),
        ("\n\na = \"\"\"abc\n\"\"", 3, 5, #"unterminated multi-line string: no closing """"#),
        ("a = '''abc''", 1, 5, "unterminated multi-line string: no closing '''"),
        (#"a = "C:\path""#, 1, 8, #"invalid escape: a backslash followed by 'p'; valid escapes are \b \t \n \f \r \" \\ \uXXXX \UXXXXXXXX (a 'literal string' keeps backslashes)"#),
        (#"a = "\e""#, 1, 6, #"invalid escape: a backslash followed by 'e'; valid escapes are \b \t \n \f \r \" \\ \uXXXX \UXXXXXXXX (a 'literal string' keeps backslashes)"#),
        ("a = \"\\ \"", 1, 6, #"invalid escape: a backslash followed by ' '; valid escapes are \b \t \n \f \r \" \\ \uXXXX \UXXXXXXXX (a 'literal string' keeps backslashes)"#),
        ("a = \"\"\"\\ x\"\"\"", 1, 8, #"invalid escape: a backslash followed by ' '; valid escapes are \b \t \n \f \r \" \\ \uXXXX \UXXXXXXXX (a 'literal string' keeps backslashes)"#),
        (#"a = "é\u12""#, 1, 7, #"invalid escape: \u needs 4 hexadecimal digits"#),
        (#"a = "\U0001F60""#, 1, 6, #"invalid escape: \U needs 8 hexadecimal digits"#),
        (#"a = "\uD800""#, 1, 6, #"invalid escape: \uD800 is not a Unicode scalar value"#),
        (#"a = "\UFFFFFFFF""#, 1, 6, #"invalid escape: \UFFFFFFFF is not a Unicode scalar value"#),
        (#"a = "\U00110000""#, 1, 6, #"invalid escape: \U00110000 is not a Unicode scalar value"#),
        ("a = \"\u{1}\"", 1, 6, #"control character U+0001 in a string: write it as \u0001"#),
        ("a = \"\"\"\n\u{7F}\"\"\"", 2, 1, #"control character U+007F in a string: write it as \u007F"#),
        ("a = 'é\u{0}'", 1, 7, "control character U+0000 in a literal string"),
        ("a = '''\n\n \u{1B}'''", 3, 2, "control character U+001B in a literal string"),
        ("a = 1 # \u{7F}", 1, 9, "control character U+007F in a comment"),
        ("# ok\n#\u{0}", 2, 2, "control character U+0000 in a comment"),
        // Arrays.
        ("a = [1 2]", 1, 8, "expected ',' or ']' after an array element, found '2'"),
        ("a = [,]", 1, 6, "expected a value, found ','"),
        ("a = [1,,]", 1, 8, "expected a value, found ','"),
        ("a = [1 ; 2]", 1, 8, "expected ',' or ']' after an array element, found ';'"),
        ("\na = [1,\n2", 2, 5, "unterminated array: no ']' before the end of the file"),
        ("a = [", 1, 5, "unterminated array: no ']' before the end of the file"),
        ("a = [1.0]", 1, 6, #"floats are not supported: write a duration string such as "1.5s""#),
        // Inline tables.
        ("a = {b = 1,}", 1, 12, "an inline table cannot end with a comma"),
        ("a = {b = 1\n}", 1, 11, "an inline table must end on the line it starts (a table header allows longer tables)"),
        ("a = {\nb = 1}", 1, 6, "an inline table must end on the line it starts (a table header allows longer tables)"),
        ("a = {b = 1,\nc = 2}", 1, 12, "an inline table must end on the line it starts (a table header allows longer tables)"),
        ("a = {b = 1", 1, 11, "an inline table must end on the line it starts (a table header allows longer tables)"),
        ("a = {b = 1 # c\n}", 1, 12, "an inline table cannot hold comments"),
        ("a = {b = 1 c = 2}", 1, 12, "expected ',' or '}' in the inline table, found 'c'"),
        ("a = {,}", 1, 6, "expected a key, found ','"),
        ("a = {b}", 1, 7, "expected '=' after the key, found '}'"),
    ] as [(String, Int, Int, String)])
    func rejects(text: String, line: Int, column: Int, message: String) {
        #expect(throws: TOMLError(line: line, column: column, message: message)) { try parse(text) }
    }

    @Test func rejectsInvalidUTF8() {
        let cases: [([UInt8], Int, Int, String)] = [
            ([0x61, 0x20, 0x3D, 0x20, 0x22, 0xFF, 0x22], 1, 6, "invalid UTF-8 (byte 0xFF): the file must be UTF-8"),
            (Array("a = 1\n# é".utf8) + [0xC3], 2, 4, "invalid UTF-8 (byte 0xC3): the file must be UTF-8"),
            ([0x23, 0xC0, 0xAF], 1, 2, "invalid UTF-8 (byte 0xC0): the file must be UTF-8"),  // overlong '/'
            ([0x23, 0xE0, 0x80, 0xAF], 1, 2, "invalid UTF-8 (byte 0xE0): the file must be UTF-8"),  // overlong
            ([0x23, 0xED, 0xA0, 0x80], 1, 2, "invalid UTF-8 (byte 0xED): the file must be UTF-8"),  // surrogate
            ([0x23, 0xF4, 0x90, 0x80, 0x80], 1, 2, "invalid UTF-8 (byte 0xF4): the file must be UTF-8"),  // past U+10FFFF
            ([0x23, 0xE2, 0x82, 0x41], 1, 2, "invalid UTF-8 (byte 0xE2): the file must be UTF-8"),
            ([0x23, 0x80], 1, 2, "invalid UTF-8 (byte 0x80): the file must be UTF-8"),
        ]
        for (bytes, line, column, message) in cases {
            #expect(throws: TOMLError(line: line, column: column, message: message)) { try TOML.parse(bytes) }
        }
    }

    @Test func limitsTheSizeAndTheNesting() throws {
        let limit = TOML.maximumSize
        let comment = Array("#".utf8) + [UInt8](repeating: 0x78, count: limit - 2) + [0x0A]
        #expect(try TOML.parse(comment).tables.count == 1)
        #expect(throws: TOMLError(line: 1, column: 1, message: "the file is larger than 1 MiB (1048576 bytes)")) {
            try TOML.parse(comment + [0x0A])
        }
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(try value(deep).count == 200)
        #expect(throws: TOMLError(line: 1, column: 105, message: "arrays and inline tables nest more than 100 deep")) {
            try parse("a = " + String(repeating: "[", count: limit - 10))
        }
        #expect(throws: TOMLError(line: 1, column: 305, message: "arrays and inline tables nest more than 100 deep")) {
            try parse("a = " + String(repeating: "{b = [", count: 51))
        }
    }

    /// Many keys, tables and elements, and long lines: definitions and columns are found without
    /// searching (a 1 MiB file of 150,000 keys takes 0.2 s in the release build; debug is slower).
    @Test func largeDocumentsParseQuickly() throws {
        let keys = (0..<20_000).map { "key\($0) = \($0)\n" + ($0 % 1000 == 999 ? "[t\($0)]\n" : "") }.joined()
        let document = try parse(keys)
        #expect(document.tables.count == 21 && document.tables.reduce(0) { $0 + $1.entries.count } == 20_000)
        let elements = "a = [" + String(repeating: "1,", count: 100_000) + "]"
        guard case .array(let items) = try parse(elements).tables[0].entries[0].value.kind else {
            Issue.record("not an array")
            return
        }
        #expect(items.last?.position.column == 200_004)
        let inline = "a = {" + (0..<10_000).map { "k\($0) = 1" }.joined(separator: ", ") + "}"

        #expect(try parse(inline).tables[0].entries.count == 1)
        #expect(throws: TOMLError(line: 1, column: inline.utf8.count + 2, message: "duplicate key 'k0' (first defined at line 1)")) {
            try parse(String(inline.dropLast()) + ", k0 = 2}")
        }
    }

    @Test func displaysKeysAsTOMLWritesThem() {
        #expect(TOMLParser.display([Array("a".utf8), Array("b c".utf8), [], Array("q\"\\\u{1}".utf8)]) == "a.\"b c\".\"\".\"q\\\"\\\\\\u0001\"")
    }

    /// Random bytes and random TOML-like text: parsing returns or throws, never traps; errors
    /// point inside the text; and what parses comes back the same when written again.
    @Test func randomInputNeverCrashesAndRoundTrips() throws {
        let seed = UInt64.random(in: .min ... .max)
        print("TOML random test seed: \(seed)")
        var random = SeededGenerator(seed: seed)
        let pieces = ["\n", "\r\n", " ", "\t", "#", "=", ",", ".", "[", "]", "[[", "{", "}", "\"", "'", "\"\"\"", "'''", "\\",
                      "\\u00e9", "\\U0001F600", "\\n", "a", "b", "key", "é", "1", "0", "-", "+", "_", "9223372036854775807",
                      "true", "false", "inf", "1.5", "0x1", "1979-05-27", "a = ", "\nb = ", "\n[t]\n", "\n[t.u]\n", "x = [1, 2]",
                      "y = {z = 'w'}", "\u{0}", "\u{7F}", "\r", "\u{FEFF}"]
        for round in 0..<30_000 {
            var bytes: [UInt8] = []
            if round % 5 == 0 {
                bytes = (0..<Int.random(in: 0...64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            } else {
                for _ in 0..<Int.random(in: 0...16, using: &random) {
                    bytes += pieces.randomElement(using: &random)!.utf8
                }
            }
            let shown = "seed \(seed), round \(round): \(bytes)"
            do {
                let document = try TOML.parse(bytes)
                let again = try TOML.parse(Array(write(document).utf8))
                #expect(render(again) == render(document), "\(shown)")
            } catch {
                let lines = bytes.count { $0 == 0x0A } + 1
                #expect(error.line >= 1 && error.line <= lines && error.column >= 1 && error.column <= bytes.count + 1, "\(shown)")
                #expect(!error.message.isEmpty && !error.message.contains("\n"), "\(shown)")
            }
        }
    }
}

/// A document as TOML text, every key and string quoted.
private func write(_ document: TOMLDocument) -> String {
    func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
    func written(_ value: TOMLValue) -> String {
        switch value.kind {
        case .string(let text): return quote(text)
        case .integer(let number): return String(number)
        case .boolean(let flag): return String(flag)
        case .array(let items): return "[" + items.map(written).joined(separator: ", ") + "]"
        case .inlineTable(let entries): return "{" + entries.map { quote($0.key) + " = " + written($0.value) }.joined(separator: ", ") + "}"
        }
    }
    return document.tables.map { table in
        (table.path.isEmpty ? "" : "[" + table.path.map(quote).joined(separator: ".") + "]\n")
            + table.entries.map { quote($0.key) + " = " + written($0.value) + "\n" }.joined()

    }.joined()
}
