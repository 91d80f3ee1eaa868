/// Python's `template % expansions`, which supervisord applies to most values (its `expand`):
/// `%(name)s` and the other conversions with their flags, width and precision, `%%` for a
/// percent sign, and Python's errors for everything else. A conversion without a name takes the
/// whole dict, so a bare `%s` prints `{'ENV_HOME': '/root', ...}` into the value, as it does under
/// supervisord.
///
/// The values are strings, except `process_num` and `numprocs`, which are integers: `%(process_num)02d`
/// pads, `%(program_name)d` is an error.
enum PythonFormat {
    enum FormatFailure: Error, Equatable {
        /// `KeyError`: a `%(name)` that is not defined.
        case missingName([UInt8])
        /// Any other error, with Python's message.
        case badlyFormatted(String)
    }

    /// Widths and precisions past this are refused (Python would build the string).
    static let largestWidth = 10_000
    /// The longest result.
    static let longestResult = 1 << 20

    /// The argument a conversion takes: the dict, until a conversion without a name has used
    /// it; after `%(name)`, that name's value, until used.
    private enum Argument {
        case dictionary
        case value(Expansions.Value)
        case usedUp
    }

    struct Spec {
        var leftAlign = false, plus = false, space = false, alternate = false, zero = false
        var width = 0
        var precision: Int? = nil
    }

    static func format(_ template: ArraySlice<UInt8>, _ scope: ExpansionScope) throws(FormatFailure) -> [UInt8] {
        var result: [UInt8] = []
        var argument = Argument.dictionary
        var index = template.startIndex
        let end = template.endIndex
        while index < end {
            let byte = template[index]
            index += 1
            guard byte == UInt8(ascii: "%") else {
                result.append(byte)
                continue
            }
            guard index < end else { throw .badlyFormatted("incomplete format") }
            if template[index] == UInt8(ascii: "%") {
                result.append(byte)
                index += 1
                continue
            }
            if template[index] == UInt8(ascii: "(") {
                var depth = 1
                var close = index + 1
                while close < end && depth > 0 {
                    if template[close] == UInt8(ascii: "(") { depth += 1 } else if template[close] == UInt8(ascii: ")") { depth -= 1 }
                    close += 1
                }
                guard depth == 0 else { throw .badlyFormatted("incomplete format key") }
                let name = template[(index + 1)..<(close - 1)]
                guard let value = scope.value(name) else { throw .missingName(Array(name)) }
                argument = .value(value)
                index = close
            }
            var spec = Spec()
            try parseSpec(template, &index, &spec, &argument)
            guard index < end else { throw .badlyFormatted("incomplete format") }
            if template[index] == UInt8(ascii: "h") || template[index] == UInt8(ascii: "l") || template[index] == UInt8(ascii: "L") {
                index += 1
                guard index < end else { throw .badlyFormatted("incomplete format") }
            }
            let conversion = PythonText.scalar(at: index, in: template)
            let position = PythonText.length(template[template.startIndex..<index])
            index += conversion.length
            let value = try take(&argument)
            let text = try convert(UInt32(conversion.value), position: position, value, spec, scope)
            guard result.count + text.count <= longestResult else { throw .badlyFormatted("the result is longer than 1 MiB") }
            result.append(contentsOf: text)
        }
        return result
    }

    /// Flags, width and precision.
    private static func parseSpec(_ template: ArraySlice<UInt8>, _ index: inout Int, _ spec: inout Spec, _ argument: inout Argument) throws(FormatFailure) {
        let end = template.endIndex
        flags: while index < end {
            switch template[index] {
            case UInt8(ascii: "-"): spec.leftAlign = true
            case UInt8(ascii: "+"): spec.plus = true
            case UInt8(ascii: " "): spec.space = true
            case UInt8(ascii: "#"): spec.alternate = true
            case UInt8(ascii: "0"): spec.zero = true
            default: break flags
            }
            index += 1
        }
        if index < end && template[index] == UInt8(ascii: "*") {
            try star(&argument)
        }
        spec.width = try number(template, &index, tooBig: "width too big")
        if index < end && template[index] == UInt8(ascii: ".") {
            index += 1
            if index < end && template[index] == UInt8(ascii: "*") { try star(&argument) }
            spec.precision = try number(template, &index, tooBig: "precision too big")
        }
    }

    /// A `*`: the width comes from the argument, which leaves none for the conversion, so it
    /// always fails, only the message differs.
    private static func star(_ argument: inout Argument) throws(FormatFailure) {
        if case .value(.number) = argument { throw .badlyFormatted("not enough arguments for format string") }
        if case .usedUp = argument { throw .badlyFormatted("not enough arguments for format string") }
        throw .badlyFormatted("* wants int")
    }

    private static func number(_ template: ArraySlice<UInt8>, _ index: inout Int, tooBig: String) throws(FormatFailure) -> Int {
        var value = 0
        while index < template.endIndex, template[index] >= 0x30, template[index] <= 0x39 {
            value = value * 10 + Int(template[index] - 0x30)
            guard value <= largestWidth else { throw .badlyFormatted(tooBig) }
            index += 1
        }
        return value
    }

    /// The argument for a conversion: nil stands for the whole dict.
    private static func take(_ argument: inout Argument) throws(FormatFailure) -> Expansions.Value? {
        switch argument {
        case .dictionary:
            argument = .usedUp
            return nil
        case .value(let value):
            argument = .usedUp
            return value
        case .usedUp:
            throw .badlyFormatted("not enough arguments for format string")
        }
    }

    private static func convert(
        _ conversion: UInt32, position: Int, _ value: Expansions.Value?, _ spec: Spec, _ scope: ExpansionScope
    ) throws(FormatFailure) -> [UInt8] {
        let letter = conversion < 0x80 ? UInt8(conversion) : 0
        switch letter {
        case UInt8(ascii: "s"), UInt8(ascii: "r"), UInt8(ascii: "a"):
            var text = textOf(value, letter, scope)
            if let precision = spec.precision { text = prefix(text, codePoints: precision) }
            return pad(text, spec, zeroAllowed: false)
        case UInt8(ascii: "d"), UInt8(ascii: "i"), UInt8(ascii: "u"), UInt8(ascii: "o"), UInt8(ascii: "x"), UInt8(ascii: "X"):
            guard case .number(let number)? = value else {
                let kind = letter == UInt8(ascii: "o") || letter == UInt8(ascii: "x") || letter == UInt8(ascii: "X")
                    ? "an integer" : "a real number"
                throw .badlyFormatted("%" + String(decoding: [letter], as: UTF8.self) + " format: " + kind + " is required, not " + typeName(value))
            }
            return PythonNumbers.integer(number, letter, spec)
        case UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "f"), UInt8(ascii: "F"), UInt8(ascii: "g"), UInt8(ascii: "G"):
            guard case .number(let number)? = value else { throw .badlyFormatted("must be real number, not " + typeName(value)) }
            return PythonNumbers.float(number, letter, spec)
        case UInt8(ascii: "c"):
            return pad(try character(value), spec, zeroAllowed: false)
        default:
            let shown = conversion >= 31 && conversion <= 126 ? String(decoding: [UInt8(conversion)], as: UTF8.self) : "?"
            throw .badlyFormatted("unsupported format character '" + shown + "' (0x" + PythonNumbers.hex(UInt64(conversion)) + ") at index " + decimal(position))
        }
    }

    private static func textOf(_ value: Expansions.Value?, _ letter: UInt8, _ scope: ExpansionScope) -> [UInt8] {
        switch value {
        case nil: return PythonRepr.dictionary(scope.combined, asciiOnly: letter == UInt8(ascii: "a"))
        case .number(let number)?: return Array(decimal(number).utf8)
        case .text(let text)?:
            if letter == UInt8(ascii: "s") { return text }
            return PythonRepr.string(text[...], asciiOnly: letter == UInt8(ascii: "a"))
        }
    }

    private static func character(_ value: Expansions.Value?) throws(FormatFailure) -> [UInt8] {
        switch value {
        case .number(let number)?:
            guard number >= 0, number < 0x110000 else { throw .badlyFormatted("%c arg not in range(0x110000)") }
            guard let scalar = Unicode.Scalar(UInt32(number)) else {
                throw .badlyFormatted("%c arg is a surrogate, which a value cannot hold")
            }
            var bytes: [UInt8] = []
            UTF8.encode(scalar) { bytes.append($0) }
            return bytes
        case .text(let text)? where PythonText.length(text[...]) == 1:
            return text
        default:
            throw .badlyFormatted("%c requires int or char")
        }
    }

    private static func typeName(_ value: Expansions.Value?) -> String {
        switch value {
        case nil: return "dict"
        case .text?: return "str"
        case .number?: return "int"
        }
    }

    static func prefix(_ text: [UInt8], codePoints: Int) -> [UInt8] {
        var count = 0
        for (index, byte) in text.enumerated() where byte & 0xC0 != 0x80 {
            if count == codePoints { return Array(text[..<index]) }
            count += 1
        }
        return text
    }

    /// Spaces to `spec.width` code points, on the left unless `-`.
    static func pad(_ text: [UInt8], _ spec: Spec, zeroAllowed: Bool) -> [UInt8] {
        let length = PythonText.length(text[...])
        guard spec.width > length else { return text }
        let fill = [UInt8](repeating: 0x20, count: spec.width - length)
        return spec.leftAlign ? text + fill : fill + text
    }
}
