/// The text of a log line or an error message, written with ordinary string interpolation:
/// `log.warning("sent SIGKILL to \(pid) (\(name))")`.
///
/// Two reasons not to use String for it. Each interpolated piece is one call to a small
/// function here, where String's interpolation inlines its generic machinery at every site;
/// in the Embedded binary that is kilobytes per log line. And every interpolated string is
/// made safe to print as `vigil ps` makes names safe (`TerminalText`: control bytes as `\n` or
/// `\x1b`, invisible format characters such as U+202E as `\u{202e}`), and very long values
/// cut, so that a process cannot forge or reorder a log line with the name it gives itself,
/// and a 100 KB option value is not echoed whole.
struct LogText: ExpressibleByStringInterpolation, Equatable {
    /// UTF-8 (or whatever bytes the pieces held), ready to write.
    private(set) var bytes: [UInt8]

    /// The longest interpolated value kept whole, in bytes.
    static let longestValue = 200

    init(stringLiteral literal: StaticString) {
        bytes = []
        bytes.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    init(stringInterpolation: Interpolation) {
        bytes = stringInterpolation.bytes
    }

    /// A value shown as it is, escaped like an interpolated one.
    init(_ value: String) {
        var interpolation = Interpolation(literalCapacity: 0, interpolationCount: 1)
        interpolation.appendInterpolation(value)
        bytes = interpolation.bytes
    }

    var string: String { String(decoding: bytes, as: UTF8.self) }

    static func + (left: LogText, right: LogText) -> LogText {
        var result = left
        result.append(right)
        return result
    }

    mutating func append(_ other: LogText) {
        bytes.append(contentsOf: other.bytes)
    }

    struct Interpolation: StringInterpolationProtocol {
        fileprivate var bytes: [UInt8] = []

        init(literalCapacity: Int, interpolationCount: Int) {
            bytes.reserveCapacity(literalCapacity + 16 * interpolationCount)
        }

        @inline(never)
        mutating func appendLiteral(_ literal: StaticString) {
            bytes.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
        }

        @inline(never)
        mutating func appendInterpolation(_ value: Int64) {
            if value < 0 { bytes.append(UInt8(ascii: "-")) }
            var magnitude = value.magnitude
            var digits: [UInt8] = []
            repeat {
                digits.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
                magnitude /= 10
            } while magnitude > 0
            bytes.append(contentsOf: digits.reversed())
        }

        mutating func appendInterpolation(_ value: Int32) { appendInterpolation(Int64(value)) }
        mutating func appendInterpolation(_ value: Int) { appendInterpolation(Int64(value)) }

        /// Escaped as `vigil ps` escapes names (`TerminalText`), and cut after `longestValue`
        /// bytes of the value, at a character's boundary.
        @inline(never)
        mutating func appendInterpolation(_ value: String) {
            let utf8 = Array(value.utf8)
            guard utf8.count > LogText.longestValue else {
                TerminalText.append(utf8, to: &bytes, backslashes: false)
                return
            }
            var end = LogText.longestValue
            while end > 0 && utf8[end] & 0xC0 == 0x80 { end -= 1 }
            TerminalText.append(utf8[..<end], to: &bytes, backslashes: false)
            bytes.append(contentsOf: [0x2E, 0x2E, 0x2E])  // "..."
        }

        /// Text built elsewhere (already made safe), as it is.
        @inline(never)
        mutating func appendInterpolation(_ text: LogText) {
            bytes.append(contentsOf: text.bytes)
        }
    }
}
