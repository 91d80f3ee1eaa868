/// A POSIX TZ string, as at the end of a TZif file (RFC 8536, version 3 extensions included):
/// `CET-1CEST,M3.5.0,M10.5.0/3` is UTC+1, and UTC+2 from the last Sunday of March at 02:00
/// to the last Sunday of October at 03:00. Its offsets are written west-positive; here they
/// are kept east-positive, as in TZif.
struct PosixZoneRule: Equatable {
    var standardOffset: Int32
    var daylight: Daylight?

    struct Daylight: Equatable {
        var offset: Int32
        var start: Change
        var end: Change
    }

    /// When daylight saving starts or ends: a day of the year and a local time (in the
    /// offset in effect before the change), which may be negative or past 24h (up to 167h).
    struct Change: Equatable {
        enum Day: Equatable {
            /// `Jn`: 1...365, February 29th never counted.
            case julian(Int)
            /// `n`: 0...365, February 29th counted.
            case zeroBased(Int)
            /// `Mm.w.d`: weekday d (0 Sunday) of week w (1...5, 5 the last) of month m.
            case weekday(month: Int, week: Int, day: Int)
        }

        var day: Day
        var time: Int32 = 7200

        /// Seconds of the local clock at which the change happens in `year`.
        func localSeconds(in year: Int64) -> Int64 {
            var days: Int64
            switch day {
            case .julian(let number):
                days = CivilTime.days(year: year, month: 1, day: 1) + Int64(number - 1)
                if CivilTime.isLeap(year) && number >= 60 { days += 1 }
            case .zeroBased(let number):
                days = CivilTime.days(year: year, month: 1, day: 1) + Int64(number)
            case .weekday(let month, let week, let weekday):
                let first = CivilTime.days(year: year, month: month, day: 1)
                let firstWeekday = Int(CivilTime.floorModulo(first + 4, 7))
                days = first + Int64((weekday - firstWeekday + 7) % 7 + (week - 1) * 7)
                let monthEnd = first + Int64(CivilTime.daysIn(year: year, month: month))
                while days >= monthEnd { days -= 7 }
            }
            return days * 86_400 + Int64(time)
        }
    }

    /// Seconds east of UTC at `instant`: that of the last change at or before it.
    func offset(at instant: Int64) -> Int32 {
        guard daylight != nil else { return standardOffset }
        var result = standardOffset
        for change in changes(around: instant) where change.instant <= instant { result = change.offset }
        return result
    }

    func nextChange(after instant: Int64) -> Int64? {
        effectiveChanges(around: instant).first { $0 > instant }
    }

    func lastChange(atOrBefore instant: Int64) -> Int64? {
        effectiveChanges(around: instant).last { $0 <= instant }
    }

    /// The instants around `instant` at which the offset really changes: of several changes
    /// at one instant the last counts, and one that keeps the offset (daylight saving all
    /// year) does not. The first and last changes of the list only bound it.
    private func effectiveChanges(around instant: Int64) -> [Int64] {
        guard daylight != nil else { return [] }
        let changes = changes(around: instant)
        var result: [Int64] = []
        var before = changes[0].offset
        var index = 1
        while index < changes.count {
            var last = index
            while last + 1 < changes.count && changes[last + 1].instant == changes[index].instant { last += 1 }
            // The list's last instant may be undone by the next year's first: not counted.
            if changes[last].offset != before && last + 1 < changes.count { result.append(changes[index].instant) }
            before = changes[last].offset
            index = last + 1
        }
        return result
    }

    /// The starts and ends of daylight saving from the year before `instant`'s to two years
    /// after, in order; at the same instant, a later year's change comes last (and wins).
    private func changes(around instant: Int64) -> [(instant: Int64, offset: Int32)] {
        guard let daylight else { return [] }
        let year = CivilTime(seconds: instant + Int64(standardOffset)).year
        var result: [(instant: Int64, offset: Int32)] = []
        for candidate in (year - 1)...(year + 2) {
            let start = daylight.start.localSeconds(in: candidate) - Int64(standardOffset)
            let end = daylight.end.localSeconds(in: candidate) - Int64(daylight.offset)
            if start <= end {
                result.append((start, daylight.offset))
                result.append((end, standardOffset))
            } else {
                result.append((end, standardOffset))
                result.append((start, daylight.offset))
            }
        }
        // Insertion sort, stable: the list is short and nearly ordered.
        for index in 1..<result.count {
            var position = index
            let item = result[index]
            while position > 0 && result[position - 1].instant > item.instant {
                result[position] = result[position - 1]
                position -= 1
            }
            result[position] = item
        }
        return result
    }
}
