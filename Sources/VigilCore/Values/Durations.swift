/// Parses and prints the durations of `--grace` and `--kill-after`, in nanoseconds.
enum Durations {
    static let second: Int64 = 1_000_000_000
    static let millisecond: Int64 = 1_000_000
    /// Longer than any stop timeout a runtime uses; guards against overflow.
    static let maximum: Int64 = 24 * 3600 * second

    /// What a duration may be, for errors: "expected a duration (...), got 'x'".
    static let accepted: LogText = "a duration such as 5s, 500ms, 1m30s or 1.5h (units h, m, s, ms; a plain number is seconds; at most 24h)"

    /// `500ms`, `5s`, `1.5s`, `2m`, `1h`, parts one after the other as Go and Docker write
    /// them (`1m30s`, `1h2m3.5s`), or a plain number of seconds (`10`, `0.25`), the way
    /// `docker stop -t` counts. Nil for anything else, negative values and more than 24 hours
    /// included.
    static func parse(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil }
        var index = 0
        var total: Int64 = 0
        while index < bytes.count {
            let start = index
            while index < bytes.count && (isDigit(bytes[index]) || bytes[index] == UInt8(ascii: ".")) { index += 1 }
            let number = bytes[start..<index]
            let unitStart = index
            while index < bytes.count && !isDigit(bytes[index]) && bytes[index] != UInt8(ascii: ".") { index += 1 }
            let unit = bytes[unitStart..<index]
            // A plain number only alone: `1m30` is a mistake, not 1m30s.
            guard !unit.isEmpty || (start == 0 && index == bytes.count), let scale = scale(unit),
                  let part = value(number, scale) else { return nil }
            total += part
            guard total <= maximum else { return nil }
        }
        return total
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    private static func scale(_ unit: ArraySlice<UInt8>) -> Int64? {
        if unit.isEmpty || ASCII.equals(unit, "s") { return second }
        if ASCII.equals(unit, "ms") { return millisecond }
        if ASCII.equals(unit, "m") { return 60 * second }
        if ASCII.equals(unit, "h") { return 3600 * second }
        return nil
    }

    /// `number` (digits, at most one dot, a digit on either side of it at least) times `scale`,
    /// at most `maximum`.
    private static func value(_ number: ArraySlice<UInt8>, _ scale: Int64) -> Int64? {
        let dot = number.firstIndex(of: UInt8(ascii: "."))
        let whole = number[..<(dot ?? number.endIndex)]
        let fraction = dot.map { number[($0 + 1)...] } ?? []
        guard !(whole.isEmpty && fraction.isEmpty), dot == nil || !fraction.isEmpty else { return nil }
        guard let wholeValue = whole.isEmpty ? 0 : ASCII.parseInteger(whole), wholeValue <= maximum / scale else { return nil }
        var value = wholeValue * scale
        var place = scale
        for digit in fraction {
            guard isDigit(digit) else { return nil }
            place /= 10
            value += Int64(digit - 0x30) * place
        }
        return value <= maximum ? value : nil
    }

    /// `5s`, `1.5s`, `250ms`, `0s`.
    static func format(_ nanoseconds: Int64) -> String {
        if nanoseconds % second == 0 { return decimal(nanoseconds / second) + "s" }
        if nanoseconds < second { return decimal(nanoseconds / millisecond) + "ms" }
        let tenths = nanoseconds / (second / 10)
        return decimal(tenths / 10) + "." + decimal(tenths % 10) + "s"
    }
}
