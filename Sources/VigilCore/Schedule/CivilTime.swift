/// Dates and times of the proleptic Gregorian calendar, counted in seconds from
/// 1970-01-01T00:00:00 of the same clock (UTC, or a zone's local time). Pure arithmetic, no
/// system calls: schedules are computed here, and the caller reads the clock.
struct CivilTime: Equatable {
    var year: Int64
    var month: Int  // 1...12
    var day: Int  // 1...31
    var hour = 0
    var minute = 0
    var second = 0

    /// 0001-01-01T00:00:00 and 9999-12-31T23:59:59: the instants schedules deal with. Outside
    /// them vigil computes no runs, and no arithmetic here can overflow.
    static let earliest: Int64 = -62_135_596_800
    static let latest: Int64 = 253_402_300_799

    init(year: Int64, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// The date and time `seconds` after 1970-01-01T00:00:00 (H. Hinnant's civil_from_days).
    init(seconds: Int64) {
        let days = CivilTime.floorDivide(seconds, 86_400)
        let inDay = Int(seconds - days * 86_400)
        let shifted = days + 719_468
        let era = CivilTime.floorDivide(shifted, 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        hour = inDay / 3600
        minute = inDay / 60 % 60
        second = inDay % 60
    }

    /// Seconds after 1970-01-01T00:00:00. Days past the month's end roll over, as `day` 0
    /// is the last day of the month before.
    var seconds: Int64 {
        CivilTime.days(year: year, month: month, day: day) * 86_400
            + Int64(hour * 3600 + minute * 60 + second)
    }

    /// Days from 1970-01-01 to the date (H. Hinnant's days_from_civil).
    static func days(year: Int64, month: Int, day: Int) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = floorDivide(shiftedYear, 400)
        let yearOfEra = shiftedYear - era * 400
        let monthIndex = Int64(month > 2 ? month - 3 : month + 9)
        let dayOfYear = (153 * monthIndex + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func isLeap(_ year: Int64) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    static func daysIn(year: Int64, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// 0 Sunday ... 6 Saturday.
    static func weekday(year: Int64, month: Int, day: Int) -> Int {
        Int(floorModulo(days(year: year, month: month, day: day) + 4, 7))
    }

    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }

    static func floorModulo(_ value: Int64, _ divisor: Int64) -> Int64 {
        value - floorDivide(value, divisor) * divisor
    }

    /// `2025-03-30T03:00:00+02:00`: ISO 8601 local time with its UTC offset, as Python's
    /// `datetime.isoformat()` prints it (seconds in the offset only when it has some).
    static func iso8601(instant: Int64, offset: Int32) -> String {
        let local = CivilTime(seconds: instant + Int64(offset))
        var bytes: [UInt8] = []
        bytes.reserveCapacity(25)
        appendDigits(&bytes, local.year, width: 4)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(&bytes, Int64(local.month), width: 2)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(&bytes, Int64(local.day), width: 2)
        bytes.append(UInt8(ascii: "T"))
        appendClock(&bytes, local.hour, local.minute, local.second, seconds: true)
        bytes.append(offset < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
        let magnitude = Int(offset.magnitude)
        appendClock(&bytes, magnitude / 3600, magnitude / 60 % 60, magnitude % 60, seconds: magnitude % 60 != 0)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func appendClock(_ bytes: inout [UInt8], _ hour: Int, _ minute: Int, _ second: Int, seconds: Bool) {
        appendDigits(&bytes, Int64(hour), width: 2)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(&bytes, Int64(minute), width: 2)
        if seconds {
            bytes.append(UInt8(ascii: ":"))
            appendDigits(&bytes, Int64(second), width: 2)
        }
    }

    private static func appendDigits(_ bytes: inout [UInt8], _ value: Int64, width: Int) {
        var digits: [UInt8] = []
        var rest = value.magnitude
        repeat {
            digits.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        } while rest > 0
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        for _ in digits.count..<max(width, digits.count) { bytes.append(UInt8(ascii: "0")) }
        bytes.append(contentsOf: digits.reversed())
    }
}
