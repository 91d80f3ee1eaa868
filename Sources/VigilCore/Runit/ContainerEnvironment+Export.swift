/// my_init's two dumps of its environment, byte for byte for ASCII names and values:
/// - `/etc/container_environment.sh`: `export NAME=VALUE` lines, but for `notExported`. NAME
///   has every character but ASCII letters, digits and `_` replaced by `_` (my_init keeps
///   letters of other scripts, which shells refuse); VALUE is as my_init's `shquote` writes
///   it: `''` when empty, as it is when made only of letters, digits and `@%+=:,./-_`, else in
///   single quotes with each `'` written `'"'"'` (vigil quotes any non-ASCII value; my_init
///   leaves letters of other scripts bare: the shell reads both the same);
/// - `/etc/container_environment.json`: Python's `json.dumps` of the whole environment, HOME
///   and the like included: `{"NAME": "value", ...}` in environment order, non-ASCII as
///   `\uXXXX` (surrogate pairs past U+FFFF), a byte that is not UTF-8 as `\udcXX` (Python's
///   escape for it; my_init itself stops there).
extension ContainerEnvironment {
    static func shellScript(_ environment: [NameAndValue]) -> [UInt8] {
        var text: [UInt8] = []
        for variable in environment where isExported(variable) {
            text += "export ".utf8
            var index = 0
            while index < variable.name.count {
                let length = characterLength(variable.name, index)
                let byte = variable.name[index]
                text.append(length == 1 && isWordByte(byte) ? byte : UInt8(ascii: "_"))
                index += length
            }
            text.append(UInt8(ascii: "="))
            appendQuoted(variable.value, to: &text)
            text.append(0x0A)
        }
        return text
    }

    /// my_init's `shquote`.
    static func appendQuoted(_ value: [UInt8], to text: inout [UInt8]) {
        let safe = Array("@%+=:,./-".utf8)
        if !value.isEmpty && value.allSatisfy({ isWordByte($0) || safe.contains($0) }) {
            text += value
            return
        }
        text.append(0x27)
        for byte in value {
            if byte == 0x27 { text += Array("'\"'\"'".utf8) } else { text.append(byte) }
        }
        text.append(0x27)
    }

    static func json(_ environment: [NameAndValue]) -> [UInt8] {
        var text: [UInt8] = [UInt8(ascii: "{")]
        for variable in environment {
            if text.count > 1 { text += ", ".utf8 }
            appendJSONString(variable.name, to: &text)
            text += ": ".utf8
            appendJSONString(variable.value, to: &text)
        }
        text.append(UInt8(ascii: "}"))
        return text
    }

    /// A string as Python's `json.dumps` writes it (`ensure_ascii`).
    static func appendJSONString(_ bytes: [UInt8], to text: inout [UInt8]) {
        text.append(0x22)
        var index = 0
        while index < bytes.count {
            guard let (scalar, length) = UTF8Scan.scalar(bytes[...], at: index) else {
                appendEscape(0xDC00 | UInt32(bytes[index]), to: &text)
                index += 1
                continue
            }
            index += length
            switch scalar {
            case 0x22, 0x5C: text += [0x5C, UInt8(scalar)]
            case 0x0A: text += [0x5C, UInt8(ascii: "n")]
            case 0x0D: text += [0x5C, UInt8(ascii: "r")]
            case 0x09: text += [0x5C, UInt8(ascii: "t")]
            case 0x08: text += [0x5C, UInt8(ascii: "b")]
            case 0x0C: text += [0x5C, UInt8(ascii: "f")]
            case 0x20...0x7E: text.append(UInt8(scalar))
            case 0x10000...:
                let offset = scalar - 0x10000
                appendEscape(0xD800 | offset >> 10, to: &text)
                appendEscape(0xDC00 | offset & 0x3FF, to: &text)
            default: appendEscape(scalar, to: &text)
            }
        }
        text.append(0x22)
    }

    private static func appendEscape(_ unit: UInt32, to text: inout [UInt8]) {
        text += [0x5C, UInt8(ascii: "u")]
        for shift in stride(from: 12, through: 0, by: -4) { text.append(UTF8Scan.hexDigit(unit >> UInt32(shift))) }
    }

    /// An ASCII letter, digit or `_`: Python's `\w` in ASCII.
    static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == UInt8(ascii: "_")
    }

    /// How many bytes the character at `index` takes: 1 for ASCII and for a byte that is not UTF-8.
    private static func characterLength(_ bytes: [UInt8], _ index: Int) -> Int {
        UTF8Scan.scalar(bytes[...], at: index)?.length ?? 1
    }
}
