/// Finding the next local time that a calendar expression names.
extension CronCalendar {
    /// The first local time (seconds of the local clock since 1970-01-01T00:00:00) at or after
    /// `start` and before `limit` that every field allows, or nil. Each step moves at least to
    /// the next allowed value of one field, so a search spans at most a few hundred thousand
    /// days (a 29th of February that is also a Monday comes every 28 years).
    func firstMatch(atOrAfter start: Int64, before limit: Int64) -> Int64? {
        let end = min(limit, CivilTime.latest + 1)
        guard start < end else { return nil }
        var time = CivilTime(seconds: max(start, CivilTime.earliest))
        while true {
            if time.year > 9999 { return nil }
            if let years, !years.contains(Int(time.year) - 1970) {
                guard let next = years.next(atOrAbove: max(Int(time.year) - 1970 + 1, 0)) else { return nil }
                time = CivilTime(year: Int64(next + 1970), month: 1, day: 1)
            } else if !months.contains(time.month) {
                if let next = months.next(atOrAbove: time.month + 1), next <= 12 {
                    time = CivilTime(year: time.year, month: next, day: 1)
                } else {
                    time = CivilTime(year: time.year + 1, month: 1, day: 1)
                }
            } else if !dayMatches(year: time.year, month: time.month, day: time.day) {
                time = CronCalendar.nextDay(time)
            } else if !hours.contains(time.hour) {
                guard let next = hours.next(atOrAbove: time.hour + 1), next <= 23 else {
                    time = CronCalendar.nextDay(time)
                    if time.seconds >= end { return nil }
                    continue
                }
                time.hour = next
                time.minute = 0
                time.second = 0
            } else if !minutes.contains(time.minute) {
                guard let next = minutes.next(atOrAbove: time.minute + 1), next <= 59 else {
                    time = CronCalendar.nextHour(time)
                    if time.seconds >= end { return nil }
                    continue
                }
                time.minute = next
                time.second = 0
            } else if !seconds.contains(time.second) {
                guard let next = seconds.next(atOrAbove: time.second + 1), next <= 59 else {
                    time = CronCalendar.nextMinute(time)
                    if time.seconds >= end { return nil }
                    continue
                }
                time.second = next
            } else {
                let found = time.seconds
                return found < end ? found : nil
            }
            if time.seconds >= end { return nil }
        }
    }

    private static func nextDay(_ time: CivilTime) -> CivilTime {
        if time.day < CivilTime.daysIn(year: time.year, month: time.month) {
            return CivilTime(year: time.year, month: time.month, day: time.day + 1)
        }
        if time.month < 12 { return CivilTime(year: time.year, month: time.month + 1, day: 1) }
        return CivilTime(year: time.year + 1, month: 1, day: 1)
    }

    private static func nextHour(_ time: CivilTime) -> CivilTime {
        guard time.hour < 23 else { return nextDay(time) }
        return CivilTime(year: time.year, month: time.month, day: time.day, hour: time.hour + 1)
    }

    private static func nextMinute(_ time: CivilTime) -> CivilTime {
        guard time.minute < 59 else { return nextHour(time) }
        return CivilTime(year: time.year, month: time.month, day: time.day, hour: time.hour, minute: time.minute + 1)
    }
}
