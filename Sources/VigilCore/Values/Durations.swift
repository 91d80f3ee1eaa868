/// Parses and prints the durations of `--grace` and `--kill-after`, in nanoseconds.
enum Durations {
    static let second: Int64 = 1_000_000_000
    static let millisecond: Int64 = 1_000_000
    /// Longer than any stop timeout a runtime uses; guards against overflow.
    static let maximum: Int64 = 24 * 3600 * second

    /// `500ms`, `5s`, `1.5s`, `2m`, `1h`, or a plain number of seconds (`10`, `0.25`), the
    /// way `docker stop -t` counts. Nil for anything else, negative values included.
    static func parse(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        var end = bytes.count
        while end > 0 && (bytes[end - 1] < 0x30 || bytes[end - 1] > 0x39) && bytes[end - 1] != UInt8(ascii: ".") {
            end -= 1
        }
        let unit = bytes[end...]
        let scale: Int64
        if unit.isEmpty || ASCII.equals(unit, "s") {
            scale = second
        } else if ASCII.equals(unit, "ms") {
            scale = millisecond
        } else if ASCII.equals(unit, "m") {
            scale = 60 * second
        } else if ASCII.equals(unit, "h") {
            scale = 3600 * second
        } else {
            return nil
        }
        let number = bytes[..<end]
        let dot = number.firstIndex(of: UInt8(ascii: "."))
        let whole = number[..<(dot ?? end)]
        let fraction = dot.map { number[($0 + 1)...] } ?? []
        guard !(whole.isEmpty && fraction.isEmpty) else { return nil }
        guard let wholeValue = whole.isEmpty ? 0 : ASCII.parseInteger(whole) else { return nil }
        if dot != nil && fraction.isEmpty { return nil }
        guard wholeValue <= maximum / scale else { return nil }
        var value = wholeValue * scale
        var place = scale
        for digit in fraction {
            guard digit >= 0x30 && digit <= 0x39 else { return nil }
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
