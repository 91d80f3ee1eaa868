/// A method call, as supervisor's server reads the body of `POST /RPC2`.
struct XMLRPCCall: Equatable {
    var method: String
    var params: [XMLRPCValue]

    /// `namespace.method` as supervisor routes it: exactly two parts, the method not starting
    /// with `_` (nil: supervisor answers UNKNOWN_METHOD).
    var route: (namespace: String, method: String)? {
        let parts = Array(method.utf8).split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].first != UInt8(ascii: "_") else { return nil }
        return (PythonText.string(parts[0]), PythonText.string(parts[1]))
    }
}

/// supervisor's XML-RPC request reader (`supervisor_xmlrpc_handler.loads`): every element is
/// converted when it ends, by its name (`int`, `i4`, `boolean`, `string`, `double`,
/// `dateTime.iso8601`, `base64`, `array`, `data`, `struct`, `param`, `value`), an element of
/// another name keeping its text; the last `methodName` and `params` anywhere count. Its
/// quirks are kept: `<boolean>` is true only for exactly `1`, a `<value>` without a type is its
/// text, `<i8>5</i8>` reads as the string "5". Anything it cannot convert makes the request
/// "unmarshallable" (HTTP 400), as does a missing or empty method name.
enum XMLRPCRequest {
    /// The largest body read.
    static let maximumSize = 1 << 20

    enum RequestFailure: Error, Equatable {
        /// supervisor: "XML-RPC request data ... is invalid: unmarshallable".
        case unmarshallable(String)
        /// supervisor: "... is invalid: no method name".
        case noMethodName
    }

    static func parse(_ body: [UInt8]) throws(RequestFailure) -> XMLRPCCall {
        guard body.count <= maximumSize else { throw .unmarshallable("larger than 1 MiB") }
        let root: XMLElement
        do {
            root = try XMLTreeReader.parse(body)
        } catch {
            throw .unmarshallable(error.message)
        }
        var state = ParserState()
        _ = try state.convert(root)
        guard let method = state.method, !method.isEmpty else { throw .noMethodName }
        return XMLRPCCall(method: PythonText.string(method[...]), params: state.params ?? [])
    }

    private struct ParserState {
        var method: [UInt8]?
        var params: [XMLRPCValue]?

        /// An element's `text` once it has ended (Python replaces it by the converted value), with
        /// its children's.
        struct Converted {
            var value: XMLRPCValue
            var children: [Converted]
        }

        mutating func convert(_ element: XMLElement) throws(RequestFailure) -> Converted {
            var converted: [Converted] = []
            for child in element.children { converted.append(try convert(child)) }
            return Converted(value: try value(element, converted), children: converted)
        }

        private mutating func value(_ element: XMLElement, _ converted: [Converted]) throws(RequestFailure) -> XMLRPCValue {
            let children = converted.map { $0.value }
            let raw: XMLRPCValue = element.text.map { .string(PythonText.string($0[...])) } ?? .none
            let name = element.name
            if ASCII.equals(name, "int") || ASCII.equals(name, "i4") {
                guard let text = element.text, case .value(let number) = PythonInt.parse(text[...]) else {
                    throw .unmarshallable("not an integer")
                }
                return .int(number)
            }
            if ASCII.equals(name, "boolean") { return .boolean(element.text.map { ASCII.equals($0, "1") } ?? false) }
            if ASCII.equals(name, "string") { return .string(PythonText.string((element.text ?? [])[...])) }
            if ASCII.equals(name, "double") {
                guard let text = element.text, XMLRPCRequest.isFloat(text) else { throw .unmarshallable("not a number") }
                return .double(PythonText.string(text[...]))
            }
            if ASCII.equals(name, "dateTime.iso8601") {
                guard let text = element.text, XMLRPCRequest.isDateTime(text) else { throw .unmarshallable("not a date and time") }
                return .dateTime(PythonText.string(text[...]))
            }
            if ASCII.equals(name, "base64") {
                guard let decoded = Base64.decode(element.text ?? []), PythonText.firstInvalidUTF8(decoded) == nil else {
                    throw .unmarshallable("bad base64 data")
                }
                return .string(PythonText.string(decoded[...]))
            }
            if ASCII.equals(name, "array") || ASCII.equals(name, "param") {
                guard let first = children.first else { throw .unmarshallable("an empty <array> or <param>") }
                return first
            }
            if ASCII.equals(name, "data") { return .array(children) }
            if ASCII.equals(name, "struct") { return .structure(try members(converted)) }
            if ASCII.equals(name, "value") {
                if let first = children.first { return first }
                return .string(PythonText.string((element.text ?? [])[...]))
            }
            if ASCII.equals(name, "methodName") { method = element.text }
            if ASCII.equals(name, "params") { params = children }
            return raw
        }

        /// `dict((k.text or "", v.text) for k, v in struct)`: each member has exactly two children.
        private func members(_ converted: [Converted]) throws(RequestFailure) -> [XMLRPCMember] {
            var members: [XMLRPCMember] = []
            for member in converted {
                guard member.children.count == 2 else { throw .unmarshallable("a <member> without a name and a value") }
                let key = member.children[0].value
                let value = member.children[1].value
                let name: String
                // Python's `k.text or ""`: a false value is the empty name.
                switch key {
                case .string(let text): name = text
                case .none: name = ""
                case .int(let number) where number == 0: name = ""
                case .boolean(let flag) where !flag: name = ""
                case .array(let items) where items.isEmpty: name = ""
                case .structure(let items) where items.isEmpty: name = ""
                default: throw .unmarshallable("a <member> name that is not text")
                }
                if let index = members.firstIndex(where: { $0.name.utf8.elementsEqual(name.utf8) }) {
                    members[index].value = value
                } else {
                    members.append(XMLRPCMember(name: name, value: value))
                }
            }
            return members
        }
    }

    /// What Python's `float()` accepts: spaces around, a sign, digits with single underscores
    /// between them, a point, an exponent; or inf, infinity, nan.
    static func isFloat(_ text: [UInt8]) -> Bool {
        var body = PythonText.strip(text[...])
        if body.first == UInt8(ascii: "+") || body.first == UInt8(ascii: "-") { body = body.dropFirst() }
        let lowered = PythonText.lowered(body)
        if ASCII.equals(lowered, "inf") || ASCII.equals(lowered, "infinity") || ASCII.equals(lowered, "nan") { return true }
        func digits(_ part: ArraySlice<UInt8>) -> Bool {
            !part.isEmpty && part.first != UInt8(ascii: "_") && part.last != UInt8(ascii: "_")
                && !part.indices.contains { part[$0] == UInt8(ascii: "_") && part[$0 - 1] == UInt8(ascii: "_") }
                && part.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: "_") }
        }
        var mantissa = lowered[...]
        if let e = lowered.firstIndex(of: UInt8(ascii: "e")) {
            var exponent = lowered[(e + 1)...]
            if exponent.first == UInt8(ascii: "+") || exponent.first == UInt8(ascii: "-") { exponent = exponent.dropFirst() }
            guard digits(exponent) else { return false }
            mantissa = lowered[..<e]
        }
        let parts = mantissa.split(separator: UInt8(ascii: "."), maxSplits: 1, omittingEmptySubsequences: false)
        if parts.count == 1 { return digits(parts[0]) }
        return (parts[0].isEmpty || digits(parts[0])) && (parts[1].isEmpty || digits(parts[1])) && !(parts[0].isEmpty && parts[1].isEmpty)
    }

    /// `YYYYMMDDTHH:MM:SS`, the form XML-RPC clients send.
    static func isDateTime(_ text: [UInt8]) -> Bool {
        guard text.count == 17, text[8] == UInt8(ascii: "T"), text[11] == UInt8(ascii: ":"), text[14] == UInt8(ascii: ":") else { return false }
        for index in [0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 12, 13, 15, 16] where text[index] < 0x30 || text[index] > 0x39 { return false }
        return true
    }
}
