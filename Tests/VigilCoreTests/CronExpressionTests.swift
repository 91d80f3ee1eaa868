import Testing
@testable import VigilCore

@Suite struct CronExpressionTests {
    func calendar(_ text: String, layout: CronExpression.Layout = .vigil) throws -> CronCalendar {
        let expression = try CronExpression.parse(text, layout: layout)
        guard case .calendar(let calendar) = expression.kind else { throw ScheduleError("not a calendar") }
        return calendar
    }

    func values(_ set: CronValueSet, offset: Int = 0) -> [Int] {
        (0..<CronValueSet.capacity).filter { set.contains($0) }.map { $0 + offset }
    }

    func error(_ text: String, layout: CronExpression.Layout = .vigil) -> String? {
        do {
            _ = try CronExpression.parse(text, layout: layout)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func wildcardsListsRangesAndSteps() throws {
        let parsed = try calendar("*/15 0,12 1-5 */3 1-5/2")
        #expect(values(parsed.minutes) == [0, 15, 30, 45])
        #expect(values(parsed.hours) == [0, 12])
        #expect(values(parsed.daysOfMonth) == [1, 2, 3, 4, 5])
        #expect(values(parsed.months) == [1, 4, 7, 10])
        #expect(values(parsed.daysOfWeek) == [1, 3, 5])
        #expect(values(parsed.seconds) == [0])
        #expect(parsed.years == nil)
    }

    @Test func aValueWithAStepRunsToTheFieldsEnd() throws {
        #expect(values(try calendar("5/20 * * * *").minutes) == [5, 25, 45])
        #expect(values(try calendar("0 20/2 * * *").hours) == [20, 22])
    }

    @Test func namesOfMonthsAndDaysInAnyCaseShortOrWhole() throws {
        #expect(values(try calendar("0 0 1 JAN,jul,December *").months) == [1, 7, 12])
        #expect(values(try calendar("0 0 1 feb-Apr *").months) == [2, 3, 4])
        #expect(values(try calendar("0 0 * * Mon-FRI").daysOfWeek) == [1, 2, 3, 4, 5])
        #expect(values(try calendar("0 0 * * sunday,saturday").daysOfWeek) == [0, 6])
    }

    @Test func sevenIsSunday() throws {
        #expect(values(try calendar("0 0 * * 7").daysOfWeek) == [0])
        #expect(values(try calendar("0 0 * * 5-7").daysOfWeek) == [0, 5, 6])
        #expect(values(try calendar("0 0 * * 0-7").daysOfWeek) == [0, 1, 2, 3, 4, 5, 6])
    }

    @Test func starsMarkTheDayFieldsAndTheClockFields() throws {
        let or = try calendar("30 4 1,15 * 5")
        #expect(!or.dayOfMonthStar && !or.dayOfWeekStar && !or.followsClock)
        let and = try calendar("0 0 */2 * 1")
        #expect(and.dayOfMonthStar && !and.dayOfWeekStar)
        #expect(try calendar("0 0 ? * mon").dayOfMonthStar)
        #expect(try calendar("*/5 2 * * *").followsClock)
        #expect(try calendar("0 * * * *").followsClock)
        #expect(try calendar("* 0 2 * * *").followsClock)
        #expect(!(try calendar("0 30 2 * * *").followsClock))
        #expect(try calendar("@hourly").followsClock)
        #expect(!(try calendar("@daily").followsClock))
    }

    @Test func sixFieldsAreSecondsFirstForVigilAndEndWithAYearInACrontab() throws {
        let seconds = try calendar("*/10 30 2 * * *")
        #expect(values(seconds.seconds) == [0, 10, 20, 30, 40, 50])
        #expect(values(seconds.minutes) == [30])
        let year = try calendar("30 2 * * * 2030", layout: .supercronic)
        #expect(values(year.minutes) == [30])
        #expect(values(year.years!, offset: 1970) == [2030])
        let seven = try calendar("*/2 * * * * * 2025-2027")
        #expect(values(seven.seconds).count == 30)
        #expect(values(seven.years!, offset: 1970) == [2025, 2026, 2027])
    }

    @Test(arguments: [
        ("@yearly", "0 0 1 1 *"), ("@annually", "0 0 1 1 *"), ("@monthly", "0 0 1 * *"),
        ("@weekly", "0 0 * * 0"), ("@daily", "0 0 * * *"), ("@midnight", "0 0 * * *"),
        ("@hourly", "0 * * * *"), ("@DAILY", "0 0 * * *"),
    ])
    func shorthands(shorthand: String, equivalent: String) throws {
        #expect(try calendar(shorthand) == calendar(equivalent))
    }

    @Test(arguments: [("@every 90s", 90), ("@every 1m30s", 90), ("@every 1h", 3600), ("@every 1.5h", 5400),
                      ("@every 2h45m", 9900), ("@every 1000ms", 1), ("@every  30s ", 30)] as [(String, Int64)])
    func every(text: String, seconds: Int64) throws {
        #expect(try CronExpression.parse(text).kind == .every(seconds: seconds))
    }

    @Test func theTextIsKeptAsWritten() throws {
        #expect(try CronExpression.parse("  */5  * * * *\t").text == "*/5  * * * *")
    }

    @Test(arguments: [
        ("*/0 * * * *", "minute field: a step of 0 is not allowed (column 3)"),
        ("61 * * * *", "minute field: 61 is out of range 0-59 (column 1)"),
        ("0 24 * * *", "hour field: 24 is out of range 0-23 (column 3)"),
        ("0 0 0 * *", "day-of-month field: 0 is out of range 1-31 (column 5)"),
        ("0 0 * 13 *", "month field: 13 is out of range 1-12 (column 7)"),
        ("0 0 * * 8", "day-of-week field: 8 is out of range 0-7 (column 9)"),
        ("1,2,99 * * * *", "minute field: 99 is out of range 0-59 (column 5)"),
        ("0 0 * foo *", "month field: unknown name 'foo' (column 7)"),
        ("0 0 * * mo", "day-of-week field: unknown name 'mo' (column 9)"),
        ("0 0 * mon *", "month field: unknown name 'mon' (column 7)"),
        ("x * * * *", "minute field: expected a number, got 'x' (column 1)"),
        ("5-2 * * * *", "minute field: the range 5-2 runs backwards (column 1)"),
        ("0 0 * dec-feb *", "month field: the range 12-2 runs backwards (column 7)"),
        ("*/90 * * * *", "minute field: a step of 90 is larger than the field's range 0-59 (column 3)"),
        ("1, * * * *", "minute field: an empty list item (column 3)"),
        (",1 * * * *", "minute field: an empty list item (column 1)"),
        ("1- * * * *", "minute field: a value is missing (column 3)"),
        ("*/ * * * *", "minute field: a step is missing after '/' (column 3)"),
        ("*5 * * * *", "minute field: unexpected '5' (column 2)"),
        ("1x * * * *", "minute field: unexpected 'x' (column 2)"),
        ("? * * * *", "minute field: unexpected '?' (column 1)"),
        ("0 0 L * *", "day-of-month field: expected a number, got 'L' (column 5)"),
        ("99999999999999999999 * * * *", "minute field: 99999999999999999999 is out of range 0-59 (column 1)"),
        ("0 0 0 * * * 1969", "year field: 1969 is out of range 1970-2099 (column 13)"),
        ("", "empty schedule: expected a cron expression such as '*/5 * * * *', or @daily or @every 30s"),
        ("* * * *", "expected 5 fields (minute hour day-of-month month day-of-week), 6 with seconds first, or 7 with seconds first and a year last; found 4"),
        ("* * * * * * * *", "expected 5 fields (minute hour day-of-month month day-of-week), 6 with seconds first, or 7 with seconds first and a year last; found 8 (column 15)"),
        ("@reboot", "unknown schedule '@reboot' (column 1): expected @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or @every DURATION"),
        ("@daily now", "unexpected 'now' after @daily (column 8)"),
        ("@every", "@every needs a duration such as 30s, 1m30s or 1h (column 8)"),
        ("@every 30", "@every: expected a duration such as 30s, 1m30s or 1h, got '30' (column 8)"),
        ("@every 500ms", "@every: the interval must be at least 1s, got '500ms' (column 8)"),
        ("@every 1.5s", "@every: the interval must be whole seconds, got '1.5s' (column 8)"),
        ("@every -5s", "@every: expected a duration such as 30s, 1m30s or 1h, got '-5s' (column 8)"),
        ("@every 100000h", "@every: the interval must be at most 87600h, got '100000h' (column 8)"),
        ("@every 1m 2", "unexpected '2' after @every 1m (column 11)"),
    ])
    func errorsNameTheFieldAndColumn(text: String, message: String) {
        #expect(error(text) == message)
    }

    @Test func anExpressionThatCanNeverRunIsAnError() {
        #expect(error("0 0 30 2 *") == "day-of-month field: day 30 never occurs in February, so the schedule never runs (column 5)")
        #expect(error("0 0 31 apr,jun *") == "day-of-month field: day 31 never occurs in the months named, so the schedule never runs (column 5)")
        #expect(error("0 0 30,31 2 *") == "day-of-month field: no day it names occurs in February, so the schedule never runs (column 5)")
        #expect(error("0 0 0 29 2 * 2025") == "day-of-month field: day 29 never occurs in February in the years named, so the schedule never runs (column 7)")
        #expect(error("0 0 0 */31 2 1 2026") != nil)
    }

    @Test func februaryThe30thWithAWeekdayRunsOnThatWeekday() throws {
        // Both day fields restricted: OR. The 30th contributes nothing; Mondays in February do.
        #expect(error("0 0 30 2 1") == nil)
        #expect(error("0 0 29 2 *") == nil)
        #expect(error("0 0 31 * *") == nil)
    }

    @Test func errorsStayOnOneLine() {
        let message = error("0 0 * \u{1b}[31m\nvigil: forged *") ?? ""
        #expect(!message.contains("\n") && !message.contains("\u{1b}"))
    }
}

@Suite struct GoDurationTests {
    @Test(arguments: [("0", 0), ("1ns", 1), ("1us", 1000), ("1µs", 1000), ("1.5s", 1_500_000_000), (".5s", 500_000_000),
                      ("1h2m3s", 3_723_000_000_000), ("+5m", 300_000_000_000), ("1.s", 1_000_000_000)] as [(String, Int64)])
    func parses(text: String, nanoseconds: Int64) {
        #expect(GoDuration.parse(Array(text.utf8)[...]) == nanoseconds)
    }

    @Test(arguments: ["", "s", "5", "-5s", "5x", "1h 2m", ".s", "9999999999999999999h", "3000000h", "1e3s"])
    func rejects(text: String) {
        #expect(GoDuration.parse(Array(text.utf8)[...]) == nil)
    }
}
