/// Reading a cron expression. Every error is one line naming the field and the 1-based column
/// of what is wrong: `minute field: 61 is out of range 0-59 (column 1)`.
extension CronExpression {
    static func parse(_ text: String, layout: Layout = .vigil) throws(ScheduleError) -> CronExpression {
        try parse(Array(text.utf8)[...], layout: layout, column: 1)
    }

    /// `bytes` start at `column` of the line they come from, so that errors point into it.
    static func parse(_ bytes: ArraySlice<UInt8>, layout: Layout, column: Int) throws(ScheduleError) -> CronExpression {
        let words = CronWords(bytes, column: column)
        let text = String(decoding: bytes[words.textRange], as: UTF8.self)
        guard let first = words.items.first else {
            throw ScheduleError("empty schedule: expected a cron expression such as '*/5 * * * *', or @daily or @every 30s")
        }
        if bytes[first.range.lowerBound] == UInt8(ascii: "@") {
            return CronExpression(kind: try shorthand(words, in: bytes), text: text)
        }
        let fields = try fieldOrder(count: words.items.count, layout: layout, words: words)
        var calendar = CronCalendar()
        var dayFieldColumns = (0, 0)
        for (field, word) in zip(fields, words.items) {
            let set = try CronFieldParser.parse(field, bytes[word.range], column: word.column)
            let leader = bytes[word.range.lowerBound]
            let star = leader == UInt8(ascii: "*") || leader == UInt8(ascii: "?")
            switch field {
            case .second: calendar.seconds = set; calendar.followsClock = calendar.followsClock || star
            case .minute: calendar.minutes = set; calendar.followsClock = calendar.followsClock || star
            case .hour: calendar.hours = set; calendar.followsClock = calendar.followsClock || star
            case .dayOfMonth: calendar.daysOfMonth = set; calendar.dayOfMonthStar = star; dayFieldColumns.0 = word.column
            case .month: calendar.months = set
            case .dayOfWeek: calendar.daysOfWeek = set; calendar.dayOfWeekStar = star; dayFieldColumns.1 = word.column
            case .year: calendar.years = set
            }
        }
        try CronFeasibility.check(calendar, dayOfMonthColumn: dayFieldColumns.0, dayOfWeekColumn: dayFieldColumns.1)
        return CronExpression(kind: .calendar(calendar), text: text)
    }

    private static func fieldOrder(count: Int, layout: Layout, words: CronWords) throws(ScheduleError) -> [CronField] {
        let five: [CronField] = [.minute, .hour, .dayOfMonth, .month, .dayOfWeek]
        switch (count, layout) {
        case (5, _): return five
        case (6, .vigil): return [.second] + five
        case (6, .supercronic): return five + [.year]
        case (7, _): return [.second] + five + [.year]
        default:
            let shapes: LogText = layout == .vigil
                ? "6 with seconds first, or 7 with seconds first and a year last"
                : "6 with a year last, or 7 with seconds first and a year last"
            let found: LogText = count > 7 ? "found \(count) (column \(words.items[7].column))" : "found \(count)"
            throw ScheduleError("expected 5 fields (minute hour day-of-month month day-of-week), \(shapes); \(found)")
        }
    }

    /// `@daily` and the others, and `@every DURATION`.
    private static func shorthand(_ words: CronWords, in bytes: ArraySlice<UInt8>) throws(ScheduleError) -> Form {
        let first = words.items[0]
        let name = bytes[first.range].map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
        let equivalents: [(String, String)] = [
            ("@yearly", "0 0 1 1 *"), ("@annually", "0 0 1 1 *"), ("@monthly", "0 0 1 * *"),
            ("@weekly", "0 0 * * 0"), ("@daily", "0 0 * * *"), ("@midnight", "0 0 * * *"),
            ("@hourly", "0 * * * *"),
        ]
        let word = String(decoding: bytes[first.range], as: UTF8.self)
        if ASCII.equals(name, "@every") {
            guard words.items.count >= 2 else {
                throw ScheduleError("@every needs a duration such as 30s, 1m30s or 1h (column \(first.column + name.count + 1))")
            }
            let value = words.items[1]
            if words.items.count > 2 {
                throw ScheduleError("unexpected '\(String(decoding: bytes[words.items[2].range], as: UTF8.self))' after @every \(String(decoding: bytes[value.range], as: UTF8.self)) (column \(words.items[2].column))")
            }
            return .every(seconds: try GoDuration.interval(bytes[value.range], column: value.column))
        }
        for (shorthand, equivalent) in equivalents where ASCII.equals(name, shorthand) {
            if words.items.count > 1 {
                throw ScheduleError("unexpected '\(String(decoding: bytes[words.items[1].range], as: UTF8.self))' after \(word) (column \(words.items[1].column))")
            }
            let expression = try parse(equivalent)
            return expression.kind
        }
        throw ScheduleError("unknown schedule '\(word)' (column \(first.column)): expected @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or @every DURATION")
    }
}

/// The whitespace-separated words of an expression, with their columns.
struct CronWords {
    struct Word {
        let range: Range<Int>
        let column: Int
    }

    private(set) var items: [Word] = []
    /// From the first word's start to the last word's end.
    private(set) var textRange: Range<Int>

    init(_ bytes: ArraySlice<UInt8>, column: Int) {
        textRange = bytes.startIndex..<bytes.startIndex
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if CronWords.isBlank(bytes[index]) { index += 1; continue }
            let start = index
            while index < bytes.endIndex && !CronWords.isBlank(bytes[index]) { index += 1 }
            items.append(Word(range: start..<index, column: column + start - bytes.startIndex))
        }
        if let first = items.first, let last = items.last { textRange = first.range.lowerBound..<last.range.upperBound }
    }

    /// Space and tab separate fields; the other blanks of Go's `\s` too, as supercronic splits.
    static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0B || byte == 0x0C || byte == 0x0D
    }
}
