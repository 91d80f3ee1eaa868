import Testing
@testable import VigilCore

@Suite struct NextRunTests {
    let berlin = ZoneRules(rule: PosixZoneRule.parse(Array("CET-1CEST,M3.5.0,M10.5.0/3".utf8)[...])!)
    let newYork = ZoneRules(rule: PosixZoneRule.parse(Array("EST5EDT,M3.2.0,M11.1.0".utf8)[...])!)

    func runs(_ text: String, _ count: Int, from start: String, in zone: ZoneRules = .utc) throws -> [String] {
        let expression = try CronExpression.parse(text)
        let instant = try instant(start, in: zone)
        return expression.nextRuns(count, after: instant, in: zone, anchor: instant).map {
            CivilTime.iso8601(instant: $0, offset: zone.offset(at: $0))
        }
    }

    /// `2025-03-30T01:00:00` as a local time of `zone` (its first instant).
    func instant(_ text: String, in zone: ZoneRules) throws -> Int64 {
        let digits = text.utf8.split { $0 < 0x30 || $0 > 0x39 }.map { Int(String(decoding: $0, as: UTF8.self))! }
        let local = CivilTime(year: Int64(digits[0]), month: digits[1], day: digits[2], hour: digits[3], minute: digits[4],
                              second: digits.count > 5 ? digits[5] : 0).seconds
        switch zone.instants(ofLocal: local) {
        case .unique(let value), .repeated(let value, _), .skipped(change: let value): return value
        }
    }

    @Test func everyFiveMinutesInUTC() throws {
        #expect(try runs("*/5 * * * *", 3, from: "2025-01-01T00:00") == [
            "2025-01-01T00:05:00+00:00", "2025-01-01T00:10:00+00:00", "2025-01-01T00:15:00+00:00"])
    }

    @Test func theNextRunIsStrictlyAfter() throws {
        #expect(try runs("0 0 * * *", 1, from: "2025-01-01T00:00") == ["2025-01-02T00:00:00+00:00"])
        #expect(try runs("0 0 * * *", 1, from: "2024-12-31T23:59:59") == ["2025-01-01T00:00:00+00:00"])
    }

    @Test func carriesOverMonthsAndYears() throws {
        #expect(try runs("59 23 31 12 *", 2, from: "2025-06-01T00:00") == ["2025-12-31T23:59:00+00:00", "2026-12-31T23:59:00+00:00"])
        #expect(try runs("0 0 31 * *", 3, from: "2025-01-31T00:00") == [
            "2025-03-31T00:00:00+00:00", "2025-05-31T00:00:00+00:00", "2025-07-31T00:00:00+00:00"])
        #expect(try runs("0 0 29 2 *", 2, from: "2025-01-01T00:00") == ["2028-02-29T00:00:00+00:00", "2032-02-29T00:00:00+00:00"])
        #expect(try runs("0 0 29 2 *", 1, from: "2096-03-01T00:00") == ["2104-02-29T00:00:00+00:00"])
    }

    @Test func eitherDayFieldWhenBothAreRestricted() throws {
        // 2025-01: the 1st is a Wednesday; Fridays are the 3rd, 10th ...
        #expect(try runs("0 0 1,15 * 5", 4, from: "2024-12-31T12:00") == [
            "2025-01-01T00:00:00+00:00", "2025-01-03T00:00:00+00:00", "2025-01-10T00:00:00+00:00", "2025-01-15T00:00:00+00:00"])
    }

    @Test func bothDayFieldsWhenOneBeginsWithAStar() throws {
        // Odd days that are Mondays: cron's rule for a leading '*'.
        #expect(try runs("0 0 */2 * 1", 3, from: "2025-01-01T00:00") == [
            "2025-01-13T00:00:00+00:00", "2025-01-27T00:00:00+00:00", "2025-02-03T00:00:00+00:00"])
        #expect(try runs("0 0 ? * 1", 1, from: "2025-01-01T00:00") == ["2025-01-06T00:00:00+00:00"])
    }

    @Test func secondsAndYears() throws {
        #expect(try runs("*/20 * * * * *", 3, from: "2025-01-01T00:00:50") == [
            "2025-01-01T00:01:00+00:00", "2025-01-01T00:01:20+00:00", "2025-01-01T00:01:40+00:00"])
        #expect(try runs("0 0 0 1 1 * 2027,2030", 3, from: "2025-01-01T00:00") == [
            "2027-01-01T00:00:00+00:00", "2030-01-01T00:00:00+00:00"])
    }

    @Test func noRunsAfterTheYear9999() throws {
        #expect(try runs("0 0 1 1 *", 3, from: "9998-06-01T00:00") == ["9999-01-01T00:00:00+00:00"])
        let expression = try CronExpression.parse("* * * * *")
        #expect(expression.nextRun(after: CivilTime.latest, in: .utc, anchor: 0) == nil)
        #expect(expression.nextRun(after: Int64.max, in: .utc, anchor: 0) == nil)
        #expect(expression.nextRun(after: Int64.min, in: .utc, anchor: 0) == CivilTime.earliest)
    }

    @Test func aScheduleWhoseYearsAreOverHasNoRunLeft() throws {
        // Found by fuzzing: this walked every clock change up to the year 9999 first.
        let over = try CronExpression.parse("0 0 0 1 1 * 2020")
        #expect(over.nextRun(after: 1_743_292_800, in: berlin, anchor: 0) == nil)
        // Its only times fall in the hour the clocks skip, and it follows the clock: none.
        let skipped = try CronExpression.parse("0 * 2 30 3 * 2025")
        #expect(skipped.nextRun(after: 1_735_689_600, in: berlin, anchor: 0) == nil)
        #expect(skipped.nextRun(after: 1_735_689_600, in: .utc, anchor: 0) == 1_743_300_000)
    }

    @Test func everyCountsFromItsAnchorInElapsedTime() throws {
        let every = try CronExpression.parse("@every 90s")
        #expect(every.nextRun(after: 1000, in: berlin, anchor: 1000) == 1090)
        #expect(every.nextRun(after: 1090, in: berlin, anchor: 1000) == 1180)
        #expect(every.nextRun(after: 1100, in: berlin, anchor: 1000) == 1180)
        #expect(every.nextRun(after: 900, in: berlin, anchor: 1000) == 1090)
        #expect(try runs("@every 1h", 3, from: "2025-10-26T01:30", in: berlin) == [
            "2025-10-26T02:30:00+02:00", "2025-10-26T02:30:00+01:00", "2025-10-26T03:30:00+01:00"])
    }

    // Daylight saving, as cron(8) says: see CronCalendar+NextRun.swift.

    @Test func aFixedTimeTheClocksSkipRunsAtTheChange() throws {
        #expect(try runs("30 2 * * *", 2, from: "2025-03-29T12:00", in: berlin) == [
            "2025-03-30T03:00:00+02:00", "2025-03-31T02:30:00+02:00"])
        #expect(try runs("0,15,30,45 2 * * *", 2, from: "2025-03-30T00:00", in: berlin) == [
            "2025-03-30T03:00:00+02:00", "2025-03-31T02:00:00+02:00"])
        #expect(try runs("30 2 * * *", 2, from: "2025-03-08T12:00", in: newYork) == [
            "2025-03-09T03:00:00-04:00", "2025-03-10T02:30:00-04:00"])
        // Asked from the very second before the change.
        #expect(try runs("30 2 * * *", 1, from: "2025-03-30T01:59:59", in: berlin) == ["2025-03-30T03:00:00+02:00"])
    }

    @Test func aFixedTimeThatHappensTwiceRunsTheFirstTime() throws {
        #expect(try runs("30 2 * * *", 2, from: "2025-10-25T12:00", in: berlin) == [
            "2025-10-26T02:30:00+02:00", "2025-10-27T02:30:00+01:00"])
        #expect(try runs("30 1 * * *", 2, from: "2025-11-01T12:00", in: newYork) == [
            "2025-11-02T01:30:00-04:00", "2025-11-03T01:30:00-05:00"])
        #expect(try runs("0 2-3 * * *", 3, from: "2025-10-26T00:00", in: berlin) == [
            "2025-10-26T02:00:00+02:00", "2025-10-26T03:00:00+01:00", "2025-10-27T02:00:00+01:00"])
    }

    @Test func startedInsideTheRepeatedHourAFixedTimeWaitsForTheNextDay() throws {
        let start: Int64 = 1_761_442_200  // 2025-10-26T02:10:00+01:00, the second 02:10
        let expression = try CronExpression.parse("30 2 * * *")
        let run = expression.nextRun(after: start, in: berlin, anchor: start)!
        #expect(CivilTime.iso8601(instant: run, offset: berlin.offset(at: run)) == "2025-10-27T02:30:00+01:00")
    }

    @Test func tasksThatFollowTheClockRunAtEveryMatchingInstant() throws {
        #expect(try runs("*/30 * * * *", 5, from: "2025-10-26T01:45", in: berlin) == [
            "2025-10-26T02:00:00+02:00", "2025-10-26T02:30:00+02:00", "2025-10-26T02:00:00+01:00",
            "2025-10-26T02:30:00+01:00", "2025-10-26T03:00:00+01:00"])
        #expect(try runs("15 * * * *", 2, from: "2025-03-30T01:00", in: berlin) == [
            "2025-03-30T01:15:00+01:00", "2025-03-30T03:15:00+02:00"])
        #expect(try runs("*/15 2 * * *", 1, from: "2025-03-30T00:00", in: berlin) == ["2025-03-31T02:00:00+02:00"])
        #expect(try runs("@hourly", 3, from: "2025-10-26T01:30", in: berlin) == [
            "2025-10-26T02:00:00+02:00", "2025-10-26T02:00:00+01:00", "2025-10-26T03:00:00+01:00"])
    }

    @Test func rareDatesAreFoundQuickly() throws {
        // The 29th of February on a Monday, with cron's AND (a leading '*').
        #expect(try runs("0 0 */28 2 1", 2, from: "2025-01-01T00:00") == ["2027-02-01T00:00:00+00:00", "2038-02-01T00:00:00+00:00"])
        let expression = try CronExpression.parse("15,45 */4 10-20 * mon-fri")
        let runs = expression.nextRuns(200, after: 1_743_292_800, in: berlin, anchor: 0)
        #expect(runs.count == 200 && zip(runs, runs.dropFirst()).allSatisfy { $0 < $1 })
    }
}

@Suite struct CivilTimeTests {
    @Test func knownDates() {
        #expect(CivilTime(seconds: 0) == CivilTime(year: 1970, month: 1, day: 1))
        #expect(CivilTime(seconds: 951_782_400) == CivilTime(year: 2000, month: 2, day: 29))
        #expect(CivilTime(seconds: -1) == CivilTime(year: 1969, month: 12, day: 31, hour: 23, minute: 59, second: 59))
        #expect(CivilTime(seconds: CivilTime.earliest) == CivilTime(year: 1, month: 1, day: 1))
        #expect(CivilTime(seconds: CivilTime.latest) == CivilTime(year: 9999, month: 12, day: 31, hour: 23, minute: 59, second: 59))
        #expect(CivilTime.weekday(year: 2025, month: 1, day: 1) == 3)
        #expect(CivilTime.weekday(year: 1970, month: 1, day: 1) == 4)
    }

    @Test func roundTripsEveryFewDaysAcrossTheRange() {
        var seconds = CivilTime.earliest
        while seconds <= CivilTime.latest {
            #expect(CivilTime(seconds: seconds).seconds == seconds)
            seconds += 86_400 * 97 + 3_601
        }
    }

    @Test func iso8601AsPythonPrintsIt() {
        #expect(CivilTime.iso8601(instant: 1_743_296_400, offset: 7200) == "2025-03-30T03:00:00+02:00")
        #expect(CivilTime.iso8601(instant: 0, offset: 0) == "1970-01-01T00:00:00+00:00")
        #expect(CivilTime.iso8601(instant: 0, offset: -16_200) == "1969-12-31T19:30:00-04:30")
        #expect(CivilTime.iso8601(instant: 0, offset: 3208) == "1970-01-01T00:53:28+00:53:28")
        #expect(CivilTime.iso8601(instant: CivilTime.earliest, offset: 0) == "0001-01-01T00:00:00+00:00")
    }
}
