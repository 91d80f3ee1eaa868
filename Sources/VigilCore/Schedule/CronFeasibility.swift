/// Refuses an expression that can never run (`0 0 30 2 *`: there is no February 30th), so that
/// the mistake is an error before anything starts rather than a task that silently never runs.
///
/// With day-of-month and day-of-week combined by OR (both restricted) every expression runs:
/// every month has every weekday. With AND (one of them begins with `*`) a date must match
/// both, in a month and, if the expression has one, a year it names. The calendar repeats
/// every 400 years, so one such cycle is searched.
enum CronFeasibility {
    static func check(_ calendar: CronCalendar, dayOfMonthColumn: Int, dayOfWeekColumn: Int) throws(ScheduleError) {
        guard calendar.dayOfMonthStar || calendar.dayOfWeekStar else { return }
        if hasDate(calendar) { return }
        let months = (1...12).filter { calendar.months.contains($0) }
        let years = calendar.years.map { _ in " in the years named" } ?? ""
        if calendar.daysOfWeek.count == 7 || calendar.dayOfWeekStar && !calendar.dayOfMonthStar {
            let days = (1...31).filter { calendar.daysOfMonth.contains($0) }
            let which: LogText = days.count == 1 ? "day \(days[0]) never occurs" : "no day it names occurs"
            let whereText: LogText = months.count == 1 ? "\(CronField.monthName(months[0]))" : "the months named"
            throw ScheduleError("day-of-month field: \(which) in \(whereText)\(years), so the schedule never runs (column \(dayOfMonthColumn))")
        }
        throw ScheduleError("day-of-week field: no date\(years) matches both the day-of-month and the day-of-week field (cron requires both when one begins with '*'), so the schedule never runs (column \(dayOfWeekColumn))")
    }

    /// Whether some date matches the day, month and year fields.
    static func hasDate(_ calendar: CronCalendar) -> Bool {
        var years: [Int64] = []
        if let named = calendar.years {
            var value = named.first
            while let year = value {
                years.append(Int64(year + 1970))
                value = named.next(atOrAbove: year + 1)
            }
        } else {
            years = Array(2000..<2400)
        }
        for year in years {
            for month in 1...12 where calendar.months.contains(month) {
                var day = calendar.daysOfMonth.first ?? 32
                let last = CivilTime.daysIn(year: year, month: month)
                while day <= last {
                    if calendar.dayMatches(year: year, month: month, day: day) { return true }
                    day = calendar.daysOfMonth.next(atOrAbove: day + 1) ?? 32
                }
            }
        }
        return false
    }
}
