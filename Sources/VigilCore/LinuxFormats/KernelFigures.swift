/// Figures the kernel publishes under /proc: the PID limit, the uptime, counts.
enum KernelFigures {
    /// /proc/sys/kernel/pid_max: one decimal.
    static func parsePidMax(_ bytes: [UInt8]) -> UInt64? { parsePidMax(bytes[...]) }
    static func parsePidMax(_ bytes: ArraySlice<UInt8>) -> UInt64? { ByteFields.wholeUnsigned(bytes) }

    /// pids.current: one decimal.
    static func parseCount(_ bytes: [UInt8]) -> UInt64? { ByteFields.wholeUnsigned(bytes[...]) }

    /// /proc/uptime ("350735.47 234388.90"): seconds since boot, in hundredths. Digits past
    /// the second decimal are dropped.
    static func parseUptime(_ bytes: [UInt8]) -> UInt64? { parseUptime(bytes[...]) }

    static func parseUptime(_ bytes: ArraySlice<UInt8>) -> UInt64? {
        let text = ByteFields.trim(bytes)
        var index = text.startIndex
        guard let seconds = ByteFields.unsigned(text, &index), seconds < UInt64.max / 1000 else { return nil }
        var hundredths: UInt64 = 0
        if index < text.endIndex, text[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < text.endIndex, ByteFields.isDigit(text[index]) {
                if digits < 2 { hundredths = hundredths * 10 + UInt64(text[index] - 0x30) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            if digits == 1 { hundredths *= 10 }
        }
        guard index == text.endIndex || ByteFields.isBlank(text[index]) else { return nil }
        return seconds * 100 + hundredths
    }
}
