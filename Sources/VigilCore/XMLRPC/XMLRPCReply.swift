/// The client's side of XML-RPC, for vigil's supervisorctl: a `<methodCall>` as Python's
/// xmlrpc client writes it, and a `<methodResponse>` read as it reads one (the value, or the
/// fault's code and text). Replies come from outside (any server the URL names): the XML
/// reader's limits hold, and anything that is not a method response is an error.
enum XMLRPCReply: Equatable {
    case value(XMLRPCValue)
    case fault(code: Int64, text: String)

    struct ReplyError: Error, Equatable {
        var message: String
    }

    /// `<methodCall>` with its name and parameters.
    static func call(_ method: String, _ params: [XMLRPCValue]) -> [UInt8] {
        var out: [UInt8] = []
        XMLRPCResponse.add("<?xml version='1.0'?>\n<methodCall>\n<methodName>", to: &out)
        for byte in method.utf8 {
            switch byte {
            case UInt8(ascii: "&"): XMLRPCResponse.add("&amp;", to: &out)
            case UInt8(ascii: "<"): XMLRPCResponse.add("&lt;", to: &out)
            case UInt8(ascii: ">"): XMLRPCResponse.add("&gt;", to: &out)
            default: out.append(byte)
            }
        }
        XMLRPCResponse.add("</methodName>\n<params>\n", to: &out)
        for param in params {
            XMLRPCResponse.add("<param>\n", to: &out)
            _ = XMLRPCResponse.write(param, to: &out)
            XMLRPCResponse.add("</param>\n", to: &out)
        }
        XMLRPCResponse.add("</params>\n</methodCall>\n", to: &out)
        return out
    }

    static func parse(_ body: [UInt8]) throws(ReplyError) -> XMLRPCReply {
        let root: XMLElement
        do {
            root = try XMLTreeReader.parse(body)
        } catch {
            throw ReplyError(message: "not XML: " + error.message)
        }
        guard ASCII.equals(root.name, "methodResponse"), root.children.count == 1 else { throw ReplyError(message: "not a method response") }
        let child = root.children[0]
        if ASCII.equals(child.name, "fault") {
            guard child.children.count == 1, case .structure(let members) = try value(child.children[0]) else {
                throw ReplyError(message: "a fault without its struct")
            }
            var code: Int64 = 0
            var text = ""
            for member in members {
                if ASCII.equals(member.name, "faultCode"), case .int(let number) = member.value { code = number }
                if ASCII.equals(member.name, "faultString"), case .string(let string) = member.value { text = string }
            }
            return .fault(code: code, text: text)
        }
        guard ASCII.equals(child.name, "params"), child.children.count == 1, ASCII.equals(child.children[0].name, "param"),
              child.children[0].children.count == 1 else { throw ReplyError(message: "a response without one value") }
        return .value(try value(child.children[0].children[0]))
    }

    /// A `<value>` element, as Python's unmarshaller reads it.
    private static func value(_ element: XMLElement) throws(ReplyError) -> XMLRPCValue {
        guard ASCII.equals(element.name, "value") else { throw ReplyError(message: "expected a value") }
        guard let typed = element.children.first else { return .string(text(element)) }
        guard element.children.count == 1 else { throw ReplyError(message: "a value with several types") }
        let name = typed.name
        if ASCII.equals(name, "int") || ASCII.equals(name, "i4") || ASCII.equals(name, "i8") {
            guard case .value(let number) = PythonInt.parse((typed.text ?? [])[...]) else { throw ReplyError(message: "a bad integer") }
            return .int(number)
        }
        if ASCII.equals(name, "boolean") {
            let flag = text(typed)
            guard ASCII.equals(flag, "0") || ASCII.equals(flag, "1") else { throw ReplyError(message: "a bad boolean") }
            return .boolean(ASCII.equals(flag, "1"))
        }
        if ASCII.equals(name, "string") { return .string(text(typed)) }
        if ASCII.equals(name, "double") { return .double(text(typed)) }
        if ASCII.equals(name, "dateTime.iso8601") { return .dateTime(text(typed)) }
        if ASCII.equals(name, "nil") { return .none }
        if ASCII.equals(name, "base64") {
            guard let decoded = Base64.decode(typed.text ?? []) else { throw ReplyError(message: "bad base64 data") }
            return .string(String(decoding: decoded, as: UTF8.self))
        }
        if ASCII.equals(name, "array") {
            guard typed.children.count == 1, ASCII.equals(typed.children[0].name, "data") else { throw ReplyError(message: "an array without data") }
            var items: [XMLRPCValue] = []
            for item in typed.children[0].children { items.append(try value(item)) }
            return .array(items)
        }
        if ASCII.equals(name, "struct") {
            var members: [XMLRPCMember] = []
            for member in typed.children {
                guard ASCII.equals(member.name, "member"), member.children.count == 2, ASCII.equals(member.children[0].name, "name") else {
                    throw ReplyError(message: "a bad struct member")
                }
                members.append(XMLRPCMember(name: text(member.children[0]), value: try value(member.children[1])))
            }
            return .structure(members)
        }
        throw ReplyError(message: "an unknown type")
    }

    private static func text(_ element: XMLElement) -> String {
        String(decoding: element.text ?? [], as: UTF8.self)
    }
}

/// An HTTP/1.x reply as vigil's supervisorctl reads it: the status line, the head up to the
/// empty line, and a body of `Content-Length` bytes (or up to the end when there is none).
enum HTTPResponseFraming {
    enum Framed: Equatable {
        case incomplete
        case reply(status: Int, body: [UInt8])
        case malformed
    }

    static let maximumHead = 16 * 1024
    static let maximumBody = 16 * 1024 * 1024

    /// `ended`: the server closed the connection (a body without a length ends there).
    static func parse(_ bytes: [UInt8], ended: Bool) -> Framed {
        guard let end = PythonText.firstRange(of: [0x0D, 0x0A, 0x0D, 0x0A], in: Array(bytes.prefix(maximumHead + 4)), from: 0) else {
            return bytes.count > maximumHead || ended ? .malformed : .incomplete
        }
        let lines = bytes[..<end].split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
            line.last == 0x0D ? line.dropLast() : line
        }
        guard let first = lines.first, ASCII.hasPrefix(first, "HTTP/1."), first.count >= 12, first[first.startIndex + 8] == 0x20,
              case .value(let status) = PythonInt.parse(first[(first.startIndex + 9)..<(first.startIndex + 12)]), status >= 100
        else { return .malformed }
        var length: Int? = nil
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")),
                  ASCII.equals(PythonText.lowered(line[..<colon]), "content-length") else { continue }
            guard case .value(let value) = PythonInt.parse(line[(colon + 1)...]), value >= 0, value <= Int64(maximumBody) else {
                return .malformed
            }
            length = Int(value)
        }
        let body = bytes[(end + 4)...]
        guard let length else { return ended ? .reply(status: Int(status), body: Array(body)) : .incomplete }
        guard body.count >= length else { return ended ? .malformed : .incomplete }
        return .reply(status: Int(status), body: Array(body.prefix(length)))
    }
}
