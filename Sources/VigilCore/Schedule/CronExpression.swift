/// A parsed schedule: a cron expression, one of its `@` shorthands, or `@every DURATION`.
///
/// Cron's meaning, as Debian's cron (Vixie cron 3) implements it:
/// - Fields are matched against the local time of the schedule's zone.
/// - When the day-of-month and day-of-week fields are both restricted, a day matching either
///   runs the task (`30 4 1,15 * 5`: the 1st, the 15th and every Friday). A field counts as
///   unrestricted when it begins with `*` (or `?`), as in cron's own code: `*/2` in one of them
///   makes the two fields combine with AND. (croniter calls this "the cron bug" and does it
///   only when asked with `implement_cron_bug`.)
/// - Daylight-saving changes follow cron(8): see `CronCalendar.nextRun(after:in:)`.
struct CronExpression: Equatable {
    enum Form: Equatable {
        case calendar(CronCalendar)
        /// `@every`: every so many seconds from an anchor the caller chooses (vigil's start),
        /// in elapsed time: daylight saving does not move it.
        case every(seconds: Int64)
    }

    let kind: Form
    /// As written, for logs and status.
    let text: String

    /// How many fields mean what. Schedules given to vigil read six fields as seconds first;
    /// a crontab is read as supercronic reads it, where six fields end with a year.
    enum Layout {
        /// 5: minute hour day-of-month month day-of-week; 6: second first; 7: second first,
        /// year last.
        case vigil
        /// 5 as above; 6: year last; 7: second first, year last.
        case supercronic
    }

    /// The longest `@every` interval: about ten years.
    static let longestInterval: Int64 = 87_600 * 3600

    /// The first run strictly after `instant` (UNIX seconds), or nil when there is none
    /// before the year 10000. `anchor` is where `@every` counts from: its runs are at
    /// `anchor + k * interval`, k >= 1.
    func nextRun(after instant: Int64, in zone: ZoneRules, anchor: Int64) -> Int64? {
        switch kind {
        case .calendar(let calendar):
            return calendar.nextRun(after: instant, in: zone)
        case .every(let interval):
            let periods = max(1, CivilTime.floorDivide(instant - anchor, interval) + 1)
            let run = anchor + periods * interval
            return run <= CivilTime.latest ? run : nil
        }
    }

    /// The next `count` runs after `instant`, in order.
    func nextRuns(_ count: Int, after instant: Int64, in zone: ZoneRules, anchor: Int64) -> [Int64] {
        var runs: [Int64] = []
        var from = instant
        while runs.count < count, from >= CivilTime.earliest - 1, from < CivilTime.latest,
              let run = nextRun(after: from, in: zone, anchor: anchor) {
            runs.append(run)
            from = run
        }
        return runs
    }
}

/// The calendar part of a cron expression: the values each field allows.
struct CronCalendar: Equatable {
    var seconds = CronValueSet(0...0)
    var minutes = CronValueSet()
    var hours = CronValueSet()
    var daysOfMonth = CronValueSet()
    var months = CronValueSet()
    /// 0 Sunday ... 6 Saturday (7 is folded into 0).
    var daysOfWeek = CronValueSet()
    /// Years minus 1970; nil when the expression has no year field.
    var years: CronValueSet? = nil
    /// The field begins with `*` or `?`: cron's DOM_STAR and DOW_STAR.
    var dayOfMonthStar = false
    var dayOfWeekStar = false
    /// The second, minute or hour field begins with `*` (cron's MIN_STAR and HR_STAR, and
    /// `@hourly`): such a task follows the clock across daylight-saving changes rather than
    /// keeping its appointments. See `nextRun(after:in:)`.
    var followsClock = false

    /// Whether a date's day-of-month and weekday let the task run that day.
    func dayMatches(year: Int64, month: Int, day: Int) -> Bool {
        let byDate = daysOfMonth.contains(day)
        let byWeekday = daysOfWeek.contains(CivilTime.weekday(year: year, month: month, day: day))
        return dayOfMonthStar || dayOfWeekStar ? byDate && byWeekday : byDate || byWeekday
    }
}
