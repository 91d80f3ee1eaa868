/// The numeric conversions of Python's `%` for the integer values supervisord offers
/// (`process_num`, `numprocs`): `d i u o x X` and, through Python's float, `e E f F g G`.
enum PythonNumbers {
    static func integer(_ value: Int64, _ letter: UInt8, _ spec: PythonFormat.Spec) -> [UInt8] {
        let magnitude = value.magnitude
        var digits: [UInt8]
        var prefix: [UInt8] = []
        switch letter {
        case UInt8(ascii: "o"):
            digits = Array(inBase(magnitude, 8, upper: false).utf8)
            if spec.alternate { prefix = Array("0o".utf8) }
        case UInt8(ascii: "x"), UInt8(ascii: "X"):
            let upper = letter == UInt8(ascii: "X")
            digits = Array(inBase(magnitude, 16, upper: upper).utf8)
            if spec.alternate { prefix = Array((upper ? "0X" : "0x").utf8) }
        default:
            digits = Array(inBase(magnitude, 10, upper: false).utf8)
        }
        if let precision = spec.precision, precision > digits.count {
            digits = [UInt8](repeating: UInt8(ascii: "0"), count: precision - digits.count) + digits
        }
        return padded(sign: sign(value < 0, spec), prefix: prefix, body: digits, spec)
    }

    static func float(_ value: Int64, _ letter: UInt8, _ spec: PythonFormat.Spec) -> [UInt8] {
        // Python converts the integer to a float first: what is printed is that double exactly.
        let exact = UInt64(Double(value.magnitude))
        let digits = Array(inBase(exact, 10, upper: false).utf8)
        let precision = spec.precision ?? 6
        let upper = letter == UInt8(ascii: "E") || letter == UInt8(ascii: "G")
        var body: [UInt8]
        switch letter {
        case UInt8(ascii: "f"), UInt8(ascii: "F"):
            body = fixed(digits, decimals: precision, alternate: spec.alternate)
        case UInt8(ascii: "e"), UInt8(ascii: "E"):
            body = scientific(digits, decimals: precision, alternate: spec.alternate, trim: false, upper: upper)
        default:
            let significant = max(precision, 1)
            let (rounded, exponent) = round(digits, significant: significant)
            if exponent < significant {
                body = fixed(rounded.count > exponent + 1 ? Array(rounded[...exponent]) : rounded,
                             decimals: significant - 1 - exponent, alternate: spec.alternate)
                if !spec.alternate { body = trimmed(body) }
            } else {
                body = scientific(digits, decimals: significant - 1, alternate: spec.alternate, trim: !spec.alternate, upper: upper)
            }
        }
        return padded(sign: sign(value < 0, spec), prefix: [], body: body, spec)
    }

    /// `123` with 2 decimals: `123.00`.
    private static func fixed(_ digits: [UInt8], decimals: Int, alternate: Bool) -> [UInt8] {
        if decimals > 0 { return digits + [UInt8(ascii: ".")] + [UInt8](repeating: UInt8(ascii: "0"), count: decimals) }
        return alternate ? digits + [UInt8(ascii: ".")] : digits
    }

    /// `1.23e+02`.
    private static func scientific(_ digits: [UInt8], decimals: Int, alternate: Bool, trim: Bool, upper: Bool) -> [UInt8] {
        let (rounded, exponent) = round(digits, significant: decimals + 1)
        var mantissa: [UInt8] = [rounded[0]]
        if decimals > 0 || alternate { mantissa.append(UInt8(ascii: ".")) }
        mantissa.append(contentsOf: rounded.dropFirst().prefix(decimals))
        while mantissa.count < 1 + (decimals > 0 || alternate ? 1 : 0) + decimals { mantissa.append(UInt8(ascii: "0")) }
        if trim { mantissa = trimmed(mantissa) }
        var exponentDigits = Array(decimal(exponent).utf8)
        if exponentDigits.count < 2 { exponentDigits.insert(UInt8(ascii: "0"), at: 0) }
        return mantissa + [UInt8(ascii: upper ? "E" : "e"), UInt8(ascii: "+")] + exponentDigits
    }

    /// Without trailing zeros after the point, nor the point when nothing follows it.
    private static func trimmed(_ text: [UInt8]) -> [UInt8] {
        guard text.contains(UInt8(ascii: ".")) else { return text }
        var result = text
        while result.last == UInt8(ascii: "0") { result.removeLast() }
        if result.last == UInt8(ascii: ".") { result.removeLast() }
        return result
    }

    /// The digits rounded (half to even) to `significant` digits, padded with zeros to that
    /// length at least, and the decimal exponent of the first.
    private static func round(_ digits: [UInt8], significant: Int) -> (digits: [UInt8], exponent: Int) {
        var exponent = digits.count - 1
        if digits == [UInt8(ascii: "0")] {
            return ([UInt8](repeating: UInt8(ascii: "0"), count: significant), 0)
        }
        guard digits.count > significant else {
            return (digits + [UInt8](repeating: UInt8(ascii: "0"), count: significant - digits.count), exponent)
        }
        var kept = Array(digits[..<significant])
        let dropped = digits[significant...]
        let first = dropped.first!
        let restNonZero = dropped.dropFirst().contains { $0 != UInt8(ascii: "0") }
        let lastOdd = (kept.last! - UInt8(ascii: "0")) % 2 == 1
        if first > UInt8(ascii: "5") || (first == UInt8(ascii: "5") && (restNonZero || lastOdd)) {
            var position = kept.count - 1
            while position >= 0 {
                if kept[position] == UInt8(ascii: "9") {
                    kept[position] = UInt8(ascii: "0")
                    position -= 1
                } else {
                    kept[position] += 1
                    break
                }
            }
            if position < 0 {
                kept.insert(UInt8(ascii: "1"), at: 0)
                kept.removeLast()
                exponent += 1
            }
        }
        return (kept, exponent)
    }

    private static func sign(_ negative: Bool, _ spec: PythonFormat.Spec) -> [UInt8] {
        negative ? [UInt8(ascii: "-")] : spec.plus ? [UInt8(ascii: "+")] : spec.space ? [0x20] : []
    }

    /// Width padding: spaces on the right with `-`, zeros after the sign and prefix with `0`,
    /// else spaces on the left.
    private static func padded(sign: [UInt8], prefix: [UInt8], body: [UInt8], _ spec: PythonFormat.Spec) -> [UInt8] {
        let length = sign.count + prefix.count + body.count
        guard spec.width > length else { return sign + prefix + body }
        let fill = spec.width - length
        if spec.leftAlign { return sign + prefix + body + [UInt8](repeating: 0x20, count: fill) }
        if spec.zero { return sign + prefix + [UInt8](repeating: UInt8(ascii: "0"), count: fill) + body }
        return [UInt8](repeating: 0x20, count: fill) + sign + prefix + body
    }

    static func inBase(_ value: UInt64, _ base: UInt64, upper: Bool) -> String {
        let symbols = Array((upper ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
        var digits: [UInt8] = []
        var rest = value
        repeat {
            digits.append(symbols[Int(rest % base)])
            rest /= base
        } while rest > 0
        return String(decoding: digits.reversed(), as: UTF8.self)
    }

    static func hex(_ value: UInt64) -> String { inBase(value, 16, upper: false) }
}
