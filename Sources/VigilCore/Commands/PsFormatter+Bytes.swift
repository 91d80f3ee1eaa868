// Decimal numbers, padding and literals appended to the output bytes, for the text and the JSON.
extension PsFormatter {
    @inline(never)
    static func append(_ literal: String, to out: inout [UInt8]) {
        out.append(contentsOf: literal.utf8)
    }

    static func appendDecimal(_ value: UInt64, to out: inout [UInt8]) {
        if value == 0 {
            put(0x30, to: &out)
            return
        }
        let start = out.count
        var value = value
        while value > 0 {
            out.append(0x30 + UInt8(value % 10))
            value /= 10
        }
        out[start...].reverse()
    }

    static func appendSigned(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 { put(UInt8(ascii: "-"), to: &out) }
        appendDecimal(value.magnitude, to: &out)
    }

    static func appendHundredths(_ value: UInt64, to out: inout [UInt8]) {
        appendDecimal(value / 100, to: &out)
        put(UInt8(ascii: "."), to: &out)
        appendTwoDigits(value % 100, to: &out)
    }

    static func appendTwoDigits(_ value: UInt64, to out: inout [UInt8]) {
        out.append(0x30 + UInt8(value / 10 % 10))
        out.append(0x30 + UInt8(value % 10))
    }

    static func decimalWidth(_ value: UInt64) -> Int {
        var width = 1
        var value = value
        while value >= 10 {
            value /= 10
            width += 1
        }
        return width
    }

    @inline(never)
    static func clear(_ bytes: inout [UInt8]) { bytes.removeAll(keepingCapacity: true) }

    @inline(never)
    static func put(_ byte: UInt8, to out: inout [UInt8]) { out.append(byte) }

    @inline(never)
    static func spaces(_ count: Int, to out: inout [UInt8]) {
        if count > 0 { out.append(contentsOf: repeatElement(0x20, count: count)) }
    }

    static func pad(_ literal: String, _ width: Int, right: Bool, to out: inout [UInt8]) {
        let count = literal.utf8.count
        if right { spaces(width - count, to: &out) }
        append(literal, to: &out)
        if !right { spaces(width - count, to: &out) }
    }

    static func signedWidth(_ value: Int64) -> Int { (value < 0 ? 1 : 0) + decimalWidth(value.magnitude) }

    static func padSigned(_ value: Int64, _ width: Int, to out: inout [UInt8]) {
        spaces(width - signedWidth(value), to: &out)
        appendSigned(value, to: &out)
    }

    static func padDecimal(_ value: UInt64, _ width: Int, to out: inout [UInt8]) {
        spaces(width - decimalWidth(value), to: &out)
        appendDecimal(value, to: &out)
    }
}
