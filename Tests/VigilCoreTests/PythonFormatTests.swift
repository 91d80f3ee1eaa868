import Testing
@testable import VigilCore

/// The names a program's values see, in supervisor's order. Expected texts come from Python 3.11.
private func programScope(number: Int64 = 3) -> ExpansionScope {
    var names = Expansions()
    names.set("here", "/etc/supervisor")
    names.set("program_name", "web")
    names.set("host_node_name", "box")
    names.set("group_name", "g")
    names.set(Array("process_num".utf8), .number(number))
    names.set(Array("numprocs".utf8), .number(12))
    names.set("ENV_HOME", "/root")
    return ExpansionScope([names])
}

private func format(_ template: String) throws(PythonFormat.FormatFailure) -> String {
    String(decoding: try PythonFormat.format(Array(template.utf8)[...], programScope()), as: UTF8.self)
}

private func format(_ template: String, number: Int64) throws(PythonFormat.FormatFailure) -> String {
    var names = Expansions()
    names.set(Array("n".utf8), .number(number))
    return String(decoding: try PythonFormat.format(Array(template.utf8)[...], ExpansionScope([names])), as: UTF8.self)
}

private func failure(_ template: String) -> PythonFormat.FormatFailure? {
    do {
        _ = try format(template)
        return nil
    } catch {
        return error
    }
}

@Suite struct PythonFormatTests {
    @Test func conversionsOfTextAndIntegers() throws {
        #expect(try format("%(program_name)s_%(process_num)02d") == "web_03")
        #expect(try format("%(process_num)d") == "3")
        #expect(try format("%(process_num)5d|") == "    3|")
        #expect(try format("%(process_num)-5d|") == "3    |")
        #expect(try format("%(process_num)05d") == "00003")
        #expect(try format("%(process_num)+d") == "+3")
        #expect(try format("%(process_num) d") == " 3")
        #expect(try format("%(process_num)x") == "3")
        #expect(try format("%(numprocs)X") == "C")
        #expect(try format("%(numprocs)#x") == "0xc")
        #expect(try format("%(numprocs)#o") == "0o14")
        #expect(try format("%(process_num).3d") == "003")
        #expect(try format("%(program_name)r") == "'web'")
        #expect(try format("%(program_name)a") == "'web'")
        #expect(try format("%(program_name)10s|") == "       web|")
        #expect(try format("%(program_name)-10s|") == "web       |")
        #expect(try format("%(program_name).2s") == "we")
        #expect(try format("%(process_num)c") == "\u{3}")
        #expect(try format("%(program_name)s%%") == "web%")
        #expect(try format("%(here)s/x") == "/etc/supervisor/x")
        #expect(try format("plain") == "plain")
        #expect(try format("%%(here)s") == "%(here)s")
        #expect(try format("%(process_num)s") == "3")
        #expect(try format("%(process_num)r") == "3")
        #expect(try format("%(process_num)i") == "3")
        #expect(try format("%(process_num)u") == "3")
        #expect(try format("%(numprocs)-+6d|") == "+12   |")
        #expect(try format("%(process_num)ld") == "3")
    }

    @Test func floatConversionsOfIntegers() throws {
        #expect(try format("%(process_num)e") == "3.000000e+00")
        #expect(try format("%(process_num).2e") == "3.00e+00")
        #expect(try format("%(numprocs)g") == "12")
        #expect(try format("%(process_num)#g") == "3.00000")
        #expect(try format("%(process_num)f") == "3.000000")
        #expect(try format("%(process_num).1f") == "3.0")
        #expect(try format("%(process_num)10.2f|") == "      3.00|")
        #expect(try format("%(numprocs)E") == "1.200000E+01")
        #expect(try format("%(numprocs)G") == "12")
        #expect(try format("%(process_num)#.0f") == "3.")
        #expect(try format("%(process_num)05.1f") == "003.0")
        #expect(try format("%(n)e", number: 123456789) == "1.234568e+08")
        #expect(try format("%(n).2g", number: 123456789) == "1.2e+08")
        #expect(try format("%(n)g", number: 123456789) == "1.23457e+08")
        #expect(try format("%(n).1e", number: 125) == "1.2e+02")
        #expect(try format("%(n).1e", number: 135) == "1.4e+02")
        #expect(try format("%(n).2e", number: 999999) == "1.00e+06")
        #expect(try format("%(n)g", number: 999999) == "999999")
        #expect(try format("%(n)e", number: 0) == "0.000000e+00")
        #expect(try format("%(n)g", number: 0) == "0")
        #expect(try format("%(n)#g", number: 0) == "0.00000")
        #expect(try format("%(n)05d", number: -5) == "-0005")
        #expect(try format("%(n)#x", number: -5) == "-0x5")
        #expect(try format("%(n)+.3e", number: -5) == "-5.000e+00")
        #expect(try format("%(n)g", number: 1000000) == "1e+06")
        #expect(try format("%(n)g", number: 100000) == "100000")
        #expect(try format("%(n)e", number: 1152921504606846977) == "1.152922e+18")
        #expect(try format("%(n)f", number: 1152921504606846977) == "1152921504606846976.000000")
        #expect(try format("%(n)c", number: 65) == "A")
        #expect(try format("%(n)c", number: 128512) == "😀")
    }

    @Test func aConversionWithoutANamePrintsTheWholeDict() throws {
        var names = Expansions()
        names.set("program_name", "it's")
        names.set(Array("process_num".utf8), .number(0))
        let text = try PythonFormat.format(Array("echo %s".utf8)[...], ExpansionScope([names]))
        #expect(String(decoding: text, as: UTF8.self) == #"echo {'program_name': "it's", 'process_num': 0}"#)
    }

    @Test func pythonsErrors() {
        #expect(failure("100%") == .badlyFormatted("incomplete format"))
        #expect(failure("%(program_name") == .badlyFormatted("incomplete format key"))
        #expect(failure("%(program_name)q") == .badlyFormatted("unsupported format character 'q' (0x71) at index 15"))
        #expect(failure("é%(program_name)\u{7F}") == .badlyFormatted("unsupported format character '?' (0x7f) at index 16"))
        #expect(failure("%(nope)s") == .missingName(Array("nope".utf8)))
        #expect(failure("%(program_name)d") == .badlyFormatted("%d format: a real number is required, not str"))
        #expect(failure("%(program_name)x") == .badlyFormatted("%x format: an integer is required, not str"))
        #expect(failure("%(program_name)e") == .badlyFormatted("must be real number, not str"))
        #expect(failure("%s %s") == .badlyFormatted("not enough arguments for format string"))
        #expect(failure("%(program_name)s %s") == .badlyFormatted("not enough arguments for format string"))
        #expect(failure("%(program_name)*s") == .badlyFormatted("* wants int"))
        #expect(failure("%(process_num)*d") == .badlyFormatted("not enough arguments for format string"))
        #expect(failure("%(process_num)%") == .badlyFormatted("unsupported format character '%' (0x25) at index 14"))
        #expect(failure("%c") == .badlyFormatted("%c requires int or char"))
        #expect(failure("%(program_name)99999s") == .badlyFormatted("width too big"))
    }

    @Test func reprFollowsPythonsQuotesAndEscapes() {
        #expect(PythonRepr.string("it's") == #""it's""#)
        #expect(PythonRepr.string("a\"b'c") == #"'a"b\'c'"#)
        #expect(PythonRepr.string("tab\tnl\n\u{7F}é\u{A0}\u{2028}\\") == #"'tab\tnl\n\x7fé\xa0\u2028\\'"#)
        #expect(PythonRepr.string("é😀", asciiOnly: true) == #"'\xe9\U0001f600'"#)
        #expect(String(decoding: PythonRepr.bytes([0x61, 0xFF, 0x27][...]), as: UTF8.self) == #"b"a\xff'""#)
    }
}
