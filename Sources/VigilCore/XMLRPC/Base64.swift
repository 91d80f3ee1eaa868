/// Base64 as Python's `base64.decodebytes` reads it (non-strict `binascii.a2b_base64`):
/// characters outside the alphabet are skipped, input ends at the padding that completes a
/// group, and a group left incomplete is an error.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    private static func sextet(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return UInt32(byte - UInt8(ascii: "A"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return UInt32(byte - UInt8(ascii: "a") + 26)
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0") + 52)
        case UInt8(ascii: "+"): return 62
        case UInt8(ascii: "/"): return 63
        default: return nil
        }
    }

    static func decode(_ text: [UInt8]) -> [UInt8]? {
        var output: [UInt8] = []
        var left: UInt32 = 0
        var position = 0
        var pads = 0
        for byte in text {
            if byte == UInt8(ascii: "=") {
                pads += 1
                if position >= 2 && position + pads >= 4 { return output }
                continue
            }
            guard let value = sextet(byte) else { continue }
            pads = 0
            switch position {
            case 0: left = value
            case 1: output.append(UInt8(truncatingIfNeeded: left << 2 | value >> 4)); left = value & 0x0F
            case 2: output.append(UInt8(truncatingIfNeeded: left << 4 | value >> 2)); left = value & 0x03
            default: output.append(UInt8(truncatingIfNeeded: left << 6 | value)); left = 0
            }
            position = (position + 1) & 3
        }
        return position == 0 ? output : nil
    }

    static func encode(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var value: UInt32 = 0
            for (offset, byte) in chunk.enumerated() { value |= UInt32(byte) << (16 - 8 * UInt32(offset)) }
            for offset in 0..<4 {
                output.append(offset <= chunk.count ? alphabet[Int((value >> (18 - 6 * UInt32(offset))) & 0x3F)] : UInt8(ascii: "="))
            }
            index += 3
        }
        return output
    }
}
