/// The fault that started a recovery, as the fault handler describes it in the re-execution's
/// argv: `SIGNAL:CODE:ADDRESS:WHEN` (decimal, decimal, hexadecimal, CLOCK_MONOTONIC
/// nanoseconds).
struct FaultReport: Equatable {
    var signal: Int32
    /// `si_code`: positive for a fault the kernel raised.
    var code: Int32
    var address: UInt64
    var at: Instant

    /// "SIGSEGV at address 0x0".
    var description: String {
        SignalNames.name(of: signal) + " at address 0x" + hexadecimal(address)
    }

    /// Reads the description, as outside input: nil unless every field is in its range.
    static func parse(_ text: String) -> FaultReport? {
        let parts = ByteFields.fields(Array(text.utf8)[...], separator: UInt8(ascii: ":"))
        guard parts.count == 4, parts[2].count <= 16, !parts[2].isEmpty,
              let signal = StateFields.number(parts[0], 1...64), let code = StateFields.number(parts[1], 1...Int64(Int32.max)),
              let at = StateFields.number(parts[3], 0...Instant.max / 4) else { return nil }
        var address: UInt64 = 0
        for digit in parts[2] {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): address = address << 4 | UInt64(digit - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): address = address << 4 | UInt64(digit - UInt8(ascii: "a") + 10)
            default: return nil
            }
        }
        return FaultReport(signal: Int32(signal), code: Int32(code), address: address, at: at)
    }
}

/// A number in lowercase hexadecimal, without a prefix.
func hexadecimal(_ value: UInt64) -> String {
    var digits: [UInt8] = []
    var rest = value
    repeat {
        let digit = UInt8(rest % 16)
        digits.append(digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10)
        rest /= 16
    } while rest > 0
    return String(decoding: digits.reversed(), as: UTF8.self)
}
