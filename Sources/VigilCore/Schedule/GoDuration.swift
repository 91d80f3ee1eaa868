/// Durations written as Go writes them (`time.ParseDuration`), for `@every`: decimal numbers,
/// each with a unit, one after the other: `90s`, `1m30s`, `1.5h`, `2h45m`, `500ms`.
/// Units: ns, us (or µs, μs), ms, s, m, h.
enum GoDuration {
    /// Nanoseconds; nil for anything Go would refuse, for negative values and past about
    /// 292 years (Go's own limit).
    static func parse(_ bytes: ArraySlice<UInt8>) -> Int64? {
        var index = bytes.startIndex
        if index < bytes.endIndex && bytes[index] == UInt8(ascii: "+") { index += 1 }
        if bytes[index...].elementsEqual("0".utf8) { return 0 }
        guard index < bytes.endIndex else { return nil }
        var total: Int64 = 0
        while index < bytes.endIndex {
            // The number: digits, optionally a fraction; at least one digit in all.
            var whole: Int64 = 0
            var fraction: [UInt8] = []
            var digits = 0
            while index < bytes.endIndex, isDigit(bytes[index]) {
                let (times, overflow) = whole.multipliedReportingOverflow(by: 10)
                guard !overflow, times <= Int64.max - 9 else { return nil }
                whole = times + Int64(bytes[index] - 0x30)
                index += 1
                digits += 1
            }
            if index < bytes.endIndex && bytes[index] == UInt8(ascii: ".") {
                index += 1
                while index < bytes.endIndex, isDigit(bytes[index]) {
                    if fraction.count < 18 { fraction.append(bytes[index] - 0x30) }
                    index += 1
                    digits += 1
                }
            }
            guard digits > 0 else { return nil }
            let unitStart = index
            while index < bytes.endIndex, !isDigit(bytes[index]), bytes[index] != UInt8(ascii: ".") { index += 1 }
            guard let scale = unit(bytes[unitStart..<index]) else { return nil }
            let (scaled, overflow) = whole.multipliedReportingOverflow(by: scale)
            guard !overflow else { return nil }
            var part = scaled
            var place = scale
            for digit in fraction where place >= 10 {
                place /= 10
                part += Int64(digit) * place
            }
            let (sum, sumOverflow) = total.addingReportingOverflow(part)
            guard !sumOverflow else { return nil }
            total = sum
        }
        return total
    }

    /// An `@every` interval in whole seconds, from 1s to `CronExpression.longestInterval`.
    static func interval(_ bytes: ArraySlice<UInt8>, column: Int) throws(ScheduleError) -> Int64 {
        let shown = String(decoding: bytes, as: UTF8.self)
        guard let nanoseconds = parse(bytes) else {
            throw ScheduleError("@every: expected a duration such as 30s, 1m30s or 1h, got '\(shown)' (column \(column))")
        }
        guard nanoseconds >= 1_000_000_000 else {
            throw ScheduleError("@every: the interval must be at least 1s, got '\(shown)' (column \(column))")
        }
        guard nanoseconds % 1_000_000_000 == 0 else {
            throw ScheduleError("@every: the interval must be whole seconds, got '\(shown)' (column \(column))")
        }
        let seconds = nanoseconds / 1_000_000_000
        guard seconds <= CronExpression.longestInterval else {
            throw ScheduleError("@every: the interval must be at most 87600h, got '\(shown)' (column \(column))")
        }
        return seconds
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    private static func unit(_ bytes: ArraySlice<UInt8>) -> Int64? {
        if ASCII.equals(bytes, "ns") { return 1 }
        if ASCII.equals(bytes, "us") || ASCII.equals(bytes, "\u{B5}s") || ASCII.equals(bytes, "\u{3BC}s") { return 1000 }
        if ASCII.equals(bytes, "ms") { return 1_000_000 }
        if ASCII.equals(bytes, "s") { return 1_000_000_000 }
        if ASCII.equals(bytes, "m") { return 60_000_000_000 }
        if ASCII.equals(bytes, "h") { return 3_600_000_000_000 }
        return nil
    }
}
