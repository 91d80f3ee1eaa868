import Testing
@testable import VigilCore

@Suite struct CrontabTests {
    func parse(_ text: String) throws(ScheduleError) -> Crontab {
        try Crontab.parse(Array(text.utf8), path: "/etc/crontab")
    }

    func error(_ text: String) -> String? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error.message
        }
    }

    func lines(_ crontab: Crontab) -> [String] {
        crontab.entries.map { $0.expression.text + " | " + $0.command }
    }

    @Test func emptyFilesBlankLinesAndComments() throws {
        #expect(try parse("").entries.isEmpty)
        #expect(try parse("\n\n").entries.isEmpty)
        #expect(try lines(parse("# * * * * * * commented\n\n\n  # some\n\t\n\t# more\n  \t  */2 * * * * will run")) == ["*/2 * * * * | will run"])
    }

    @Test func theCommandIsTheRestOfTheLineAsWritten() throws {
        #expect(try lines(parse("* * * * * foo some # qux")) == ["* * * * * | foo some # qux"])
        #expect(try lines(parse("* * * * *        \twith plenty of whitespace")) == ["* * * * * | with plenty of whitespace"])
        #expect(try lines(parse("*\t*\t*\t*\t*\ttabs everywhere\n")) == ["*\t*\t*\t*\t* | tabs everywhere"])
        #expect(try lines(parse("* * * * * echo \" whitespaces   preservation    \"")) == ["* * * * * | echo \" whitespaces   preservation    \""])
        #expect(try lines(parse("@hourly foo1 foo2 foo3 foo4 foo5 foo6")) == ["@hourly | foo1 foo2 foo3 foo4 foo5 foo6"])
        #expect(try lines(parse("0 0 * * * date +%s\r\n")) == ["0 0 * * * | date +%s"])
    }

    @Test func sevenSixOrFiveFieldsAsSupercronicTriesThem() throws {
        let crontab = try parse("* * * * * * with year\n* * * * * * * with seconds\n@daily with shorthand\n@every 1m30s every\n*/5 * * * * echo 2030")
        #expect(lines(crontab) == ["* * * * * * | with year", "* * * * * * * | with seconds", "@daily | with shorthand",
                                   "@every 1m30s | every", "*/5 * * * * | echo 2030"])
        guard case .calendar(let year) = crontab.entries[0].expression.kind, case .calendar(let seconds) = crontab.entries[1].expression.kind else {
            Issue.record("not calendars")
            return
        }
        #expect(year.years != nil && !year.seconds.contains(1))
        #expect(seconds.seconds.contains(1))
        #expect(crontab.entries[3].expression.kind == .every(seconds: 90))
    }

    @Test func assignmentsSetTheEnvironmentOfTheLinesBelow() throws {
        let crontab = try parse("* * * * * foo\nSHELL=/bin/bash\nKEY = \"quoted value\"\n1 1 1 1 1 bar\nKEY='again'\nEMPTY=\n2 2 2 2 2 baz\nCRON_TZ=Europe/Berlin\n@daily qux")
        #expect(crontab.entries.map(\.environment) == [
            [], ["SHELL=/bin/bash", "KEY=quoted value"], ["SHELL=/bin/bash", "KEY=again", "EMPTY="],
            ["SHELL=/bin/bash", "KEY=again", "EMPTY=", "CRON_TZ=Europe/Berlin"],
        ])
        #expect(crontab.entries.map(\.shell) == ["/bin/sh", "/bin/bash", "/bin/bash", "/bin/bash"])
        #expect(crontab.entries.map(\.zone) == [nil, nil, nil, "Europe/Berlin"])
        #expect(crontab.entries.map(\.line) == [1, 4, 7, 9])
    }

    @Test func quotesGoOnlyWhenTheyMatch() throws {
        #expect(try parse("A='\n@daily x").entries[0].environment == ["A='"])
        #expect(try parse("A=''\n@daily x").entries[0].environment == ["A="])
        #expect(try parse("A=\"b'\n@daily x").entries[0].environment == ["A=\"b'"])
    }

    @Test(arguments: [
        ("* foo \n", "/etc/crontab:1: expected a schedule (5 to 7 fields, or @daily, @every 30s ...) and a command, found '* foo'"),
        ("* some * * *  more\n", "/etc/crontab:1: hour field: expected a number, got 'some' (column 3)"),
        ("# fine\n* some * * *  \n", "/etc/crontab:2: hour field: expected a number, got 'some' (column 3)"),
        ("FOO\n", "/etc/crontab:1: expected a schedule (5 to 7 fields, or @daily, @every 30s ...) and a command, found 'FOO'"),
        ("* * * * *\n", "/etc/crontab:1: no command after the schedule '* * * * *'"),
        ("@daily\n", "/etc/crontab:1: no command after the schedule '@daily'"),
        ("  61 * * * * echo hi there\n", "/etc/crontab:1: minute field: 61 is out of range 0-59 (column 3)"),
        ("*/70 * * * * * * cmd\n", "/etc/crontab:1: second field: a step of 70 is larger than the field's range 0-59 (column 3)"),
        ("0 0 30 2 * cmd\n", "/etc/crontab:1: day-of-month field: day 30 never occurs in February, so the schedule never runs (column 5)"),
        ("@reboot cmd\n", "/etc/crontab:1: unknown schedule '@reboot' (column 1): expected @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or @every DURATION"),
        ("SHELL\t\t=\"\"\n@daily backup\n", "/etc/crontab:1: SHELL is empty: it names the shell that runs the commands below"),
        ("CRON_TZ=../../etc/shadow\n", "/etc/crontab:1: CRON_TZ: time zone '../../etc/shadow': '..' is not allowed in a zone name"),
    ])
    func errorsAreFileLineAndWhat(text: String, message: String) {
        #expect(error(text) == message)
    }

    @Test func bytesThatAreNotUTF8AreRefused() {
        #expect(throws: ScheduleError("/etc/crontab:2: not valid UTF-8")) {
            try Crontab.parse(Array("# ok\n@daily echo ".utf8) + [0xFF, 0x0A], path: "/etc/crontab")
        }
    }
}
