/// Reading a POSIX TZ string: `std offset [dst [offset] [,start[/time],end[/time]]]`.
extension PosixZoneRule {
    /// Nil for anything that is not a complete, valid TZ string. Daylight saving without a
    /// rule takes the US rule, as glibc does (`M3.2.0,M11.1.0`).
    static func parse(_ bytes: ArraySlice<UInt8>) -> PosixZoneRule? {
        var scanner = TZScanner(bytes: bytes)
        guard scanner.name(), let standard = scanner.clock(maximumHours: 24) else { return nil }
        var rule = PosixZoneRule(standardOffset: -standard, daylight: nil)
        if scanner.atEnd { return rule }
        guard scanner.name() else { return nil }
        var daylightOffset = rule.standardOffset + 3600
        if !scanner.atEnd && !scanner.next(is: ",") {
            guard let written = scanner.clock(maximumHours: 24) else { return nil }
            daylightOffset = -written
        }
        var start = Change(day: .weekday(month: 3, week: 2, day: 0))
        var end = Change(day: .weekday(month: 11, week: 1, day: 0))
        if scanner.skip(",") {
            guard let first = scanner.change(), scanner.skip(","), let second = scanner.change() else { return nil }
            start = first
            end = second
        }
        guard scanner.atEnd else { return nil }
        rule.daylight = Daylight(offset: daylightOffset, start: start, end: end)
        return rule
    }

    private struct TZScanner {
        let bytes: ArraySlice<UInt8>
        var index: Int

        init(bytes: ArraySlice<UInt8>) {
            self.bytes = bytes
            index = bytes.startIndex
        }

        var atEnd: Bool { index == bytes.endIndex }

        func next(is character: Unicode.Scalar) -> Bool {
            index < bytes.endIndex && bytes[index] == UInt8(ascii: character)
        }

        mutating func skip(_ character: Unicode.Scalar) -> Bool {
            guard next(is: character) else { return false }
            index += 1
            return true
        }

        /// `CET`, or `<+0330>` quoted: at least three characters.
        mutating func name() -> Bool {
            let start = index
            if skip("<") {
                while index < bytes.endIndex, isLetter(bytes[index]) || isDigit(bytes[index])
                    || bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                    index += 1
                }
                return index - start - 1 >= 3 && skip(">")
            }
            while index < bytes.endIndex, isLetter(bytes[index]) { index += 1 }
            return index - start >= 3
        }

        /// `[+-]hh[:mm[:ss]]` in seconds, sign as written.
        mutating func clock(maximumHours: Int) -> Int32? {
            var sign: Int32 = 1
            if skip("-") { sign = -1 } else { _ = skip("+") }
            guard let hours = number(maximumDigits: 3), hours <= maximumHours else { return nil }
            var seconds = hours * 3600
            if skip(":") {
                guard let minutes = number(maximumDigits: 2), minutes <= 59 else { return nil }
                seconds += minutes * 60
                if skip(":") {
                    guard let rest = number(maximumDigits: 2), rest <= 59 else { return nil }
                    seconds += rest
                }
            }
            return sign * Int32(seconds)
        }

        /// `Jn`, `n` or `Mm.w.d`, then optionally `/time` (-167h...167h, RFC 8536 version 3).
        mutating func change() -> Change? {
            var day: Change.Day
            if skip("J") {
                guard let number = number(maximumDigits: 3), number >= 1 && number <= 365 else { return nil }
                day = .julian(number)
            } else if skip("M") {
                guard let month = number(maximumDigits: 2), month >= 1 && month <= 12, skip("."),
                      let week = number(maximumDigits: 1), week >= 1 && week <= 5, skip("."),
                      let weekday = number(maximumDigits: 1), weekday <= 6 else { return nil }
                day = .weekday(month: month, week: week, day: weekday)
            } else {
                guard let number = number(maximumDigits: 3), number <= 365 else { return nil }
                day = .zeroBased(number)
            }
            var change = Change(day: day)
            if skip("/") {
                guard let time = clock(maximumHours: 167) else { return nil }
                change.time = time
            }
            return change
        }

        private mutating func number(maximumDigits: Int) -> Int? {
            let start = index
            var value = 0
            while index < bytes.endIndex, isDigit(bytes[index]), index - start < maximumDigits {
                value = value * 10 + Int(bytes[index] - 0x30)
                index += 1
            }
            return index > start ? value : nil
        }

        private func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
        private func isLetter(_ byte: UInt8) -> Bool { (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) }
    }
}
