/// One field of a cron expression: a comma-separated list of `*` (or `?` in the day fields),
/// values, names and ranges, each optionally with a `/step`.
enum CronFieldParser {
    static func parse(_ field: CronField, _ bytes: ArraySlice<UInt8>, column: Int) throws(ScheduleError) -> CronValueSet {
        var set = CronValueSet()
        var start = bytes.startIndex
        while true {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: ",")) ?? bytes.endIndex
            let itemColumn = column + start - bytes.startIndex
            if start == end {
                throw problem(field, "an empty list item", column: itemColumn)
            }
            try parseItem(field, bytes[start..<end], column: itemColumn, into: &set)
            if end == bytes.endIndex { return set }
            start = end + 1
        }
    }

    /// `*`, `*/S`, `N`, `N-M`, `N-M/S` or `N/S` (from N to the field's end).
    private static func parseItem(_ field: CronField, _ item: ArraySlice<UInt8>, column: Int, into set: inout CronValueSet) throws(ScheduleError) {
        var scanner = ItemScanner(bytes: item, column: column, field: field)
        let highestValue = field == .dayOfWeek ? 6 : field.highest
        var low = field.lowest
        var high = highestValue
        let first = item[item.startIndex]
        let isStar = first == UInt8(ascii: "*") || (first == UInt8(ascii: "?") && field.allowsQuestionMark)
        if isStar {
            scanner.index += 1
        } else {
            low = try scanner.value()
            high = low
            if scanner.next(is: "-") {
                scanner.index += 1
                high = try scanner.value()
                if high < low {
                    throw problem(field, "the range \(decimal(low))-\(decimal(high)) runs backwards", column: column)
                }
            }
        }
        var step = 1
        if scanner.next(is: "/") {
            let slash = scanner.columnHere
            scanner.index += 1
            step = try scanner.step()
            let span = highestValue - field.lowest
            if step == 0 { throw problem(field, "a step of 0 is not allowed", column: slash + 1) }
            if step > span {
                throw problem(field, "a step of \(decimal(step)) is larger than the field's range \(decimal(field.lowest))-\(decimal(field.highest))", column: slash + 1)
            }
            if !isStar && high == low { high = field.highest }
        }
        if scanner.index < item.endIndex {
            throw problem(field, "unexpected '\(String(decoding: item[scanner.index...], as: UTF8.self))'", column: scanner.columnHere)
        }
        var value = low
        while value <= high {
            set.insert((field == .dayOfWeek ? value % 7 : value) - field.storageOffset)
            value += step
        }
    }

    static func problem(_ field: CronField, _ text: LogText, column: Int) -> ScheduleError {
        let name = LogText(stringLiteral: field.name)
        return ScheduleError("\(name) field: \(text) (column \(column))")
    }

    /// Reads the values, names and steps of one list item.
    private struct ItemScanner {
        let bytes: ArraySlice<UInt8>
        let column: Int
        let field: CronField
        var index: Int

        init(bytes: ArraySlice<UInt8>, column: Int, field: CronField) {
            self.bytes = bytes
            self.column = column
            self.field = field
            index = bytes.startIndex
        }

        /// The column of `index`.
        var columnHere: Int { column + index - bytes.startIndex }

        func next(is character: Unicode.Scalar) -> Bool {
            index < bytes.endIndex && bytes[index] == UInt8(ascii: character)
        }

        /// A number in the field's range, or a name it accepts.
        mutating func value() throws(ScheduleError) -> Int {
            let start = index
            let at = columnHere
            if let number = digits() {
                guard number >= field.lowest && number <= field.highest else {
                    let shown = String(decoding: bytes[start..<index], as: UTF8.self)
                    throw CronFieldParser.problem(field, "\(shown) is out of range \(decimal(field.lowest))-\(decimal(field.highest))", column: at)
                }
                return number
            }
            while index < bytes.endIndex && ItemScanner.isLetter(bytes[index]) { index += 1 }
            guard index > start else {
                if index == bytes.endIndex { throw CronFieldParser.problem(field, "a value is missing", column: at) }
                throw CronFieldParser.problem(field, "unexpected '\(String(decoding: bytes[index...], as: UTF8.self))'", column: at)
            }
            let word = String(decoding: bytes[start..<index], as: UTF8.self)
            guard let named = field.value(ofName: bytes[start..<index]) else {
                if field == .month || field == .dayOfWeek {
                    throw CronFieldParser.problem(field, "unknown name '\(word)'", column: at)
                }
                throw CronFieldParser.problem(field, "expected a number, got '\(word)'", column: at)
            }
            return named
        }

        mutating func step() throws(ScheduleError) -> Int {
            let at = columnHere
            guard let number = digits() else {
                if index == bytes.endIndex { throw CronFieldParser.problem(field, "a step is missing after '/'", column: at) }
                throw CronFieldParser.problem(field, "unexpected '\(String(decoding: bytes[index...], as: UTF8.self))'", column: at)
            }
            return number
        }

        /// Decimal digits, capped so that no number overflows (a long one is out of range).
        private mutating func digits() -> Int? {
            let start = index
            var value = 0
            while index < bytes.endIndex, bytes[index] >= 0x30 && bytes[index] <= 0x39 {
                value = min(value * 10 + Int(bytes[index] - 0x30), 1_000_000)
                index += 1
            }
            return index > start ? value : nil
        }

        private static func isLetter(_ byte: UInt8) -> Bool {
            (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
        }
    }
}
