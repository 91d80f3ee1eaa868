/// A set of field values (0...191 after the field's own offset), one bit each: which seconds,
/// minutes, hours, days, months, weekdays or years a cron expression names.
struct CronValueSet: Equatable {
    private var low: UInt64 = 0
    private var middle: UInt64 = 0
    private var high: UInt64 = 0

    static let capacity = 192

    init() {}

    init(_ range: ClosedRange<Int>) {
        for value in range { insert(value) }
    }

    mutating func insert(_ value: Int) {
        let bit = UInt64(1) << UInt64(value & 63)
        switch value >> 6 {
        case 0: low |= bit
        case 1: middle |= bit
        default: high |= bit
        }
    }

    func contains(_ value: Int) -> Bool {
        guard value >= 0 && value < CronValueSet.capacity else { return false }
        let word = value >> 6 == 0 ? low : value >> 6 == 1 ? middle : high
        return word & (UInt64(1) << UInt64(value & 63)) != 0
    }

    var isEmpty: Bool { low == 0 && middle == 0 && high == 0 }

    /// The smallest member at or above `value`, if any.
    func next(atOrAbove value: Int) -> Int? {
        var start = max(value, 0)
        while start < CronValueSet.capacity {
            let index = start >> 6
            let word = index == 0 ? low : index == 1 ? middle : high
            let masked = word & (UInt64.max << UInt64(start & 63))
            if masked != 0 { return index << 6 + masked.trailingZeroBitCount }
            start = (index + 1) << 6
        }
        return nil
    }

    var first: Int? { next(atOrAbove: 0) }

    var count: Int { low.nonzeroBitCount + middle.nonzeroBitCount + high.nonzeroBitCount }
}

/// The fields of a cron expression: what each is called in errors, the values it takes, and
/// the names it accepts (months and weekdays, as cron: three letters or the whole word, in
/// any case).
enum CronField: Int, CaseIterable {
    case second, minute, hour, dayOfMonth, month, dayOfWeek, year

    var name: StaticString {
        switch self {
        case .second: return "second"
        case .minute: return "minute"
        case .hour: return "hour"
        case .dayOfMonth: return "day-of-month"
        case .month: return "month"
        case .dayOfWeek: return "day-of-week"
        case .year: return "year"
        }
    }

    /// What may be written; 7 is Sunday as well as 0, as cron accepts.
    var lowest: Int {
        switch self {
        case .dayOfMonth, .month: return 1
        case .year: return 1970
        default: return 0
        }
    }

    var highest: Int {
        switch self {
        case .second, .minute: return 59
        case .hour: return 23
        case .dayOfMonth: return 31
        case .month: return 12
        case .dayOfWeek: return 7
        case .year: return 2099
        }
    }

    /// Stored as value minus this, so that years fit the set.
    var storageOffset: Int { self == .year ? 1970 : 0 }

    /// `?` means `*` in these (as Quartz and supercronic write it).
    var allowsQuestionMark: Bool { self == .dayOfMonth || self == .dayOfWeek }

    private static let monthNames: [StaticString] = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september",
        "october", "november", "december",
    ]
    private static let weekdayNames: [StaticString] = [
        "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    ]

    /// The value a name stands for: its first three letters or the whole word, any case.
    func value(ofName name: ArraySlice<UInt8>) -> Int? {
        let names: [StaticString]
        let base: Int
        switch self {
        case .month: names = CronField.monthNames; base = 1
        case .dayOfWeek: names = CronField.weekdayNames; base = 0
        default: return nil
        }
        let lowered = name.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
        for (index, full) in names.enumerated() {
            let whole = UnsafeBufferPointer(start: full.utf8Start, count: full.utf8CodeUnitCount)
            if lowered.count == 3 && lowered.elementsEqual(whole.prefix(3)) { return base + index }
            if lowered.count > 3 && lowered.elementsEqual(whole) { return base + index }
        }
        return nil
    }

    /// `February`, for messages about months.
    static func monthName(_ month: Int) -> String {
        let full = monthNames[month - 1]
        var bytes = Array(UnsafeBufferPointer(start: full.utf8Start, count: full.utf8CodeUnitCount))
        bytes[0] -= 0x20
        return String(decoding: bytes, as: UTF8.self)
    }
}
