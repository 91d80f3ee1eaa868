/// XML-RPC replies byte for byte as supervisor writes them (Python's `xmlrpc.client.dumps`), so
/// that supervisorctl and other clients parse them as they parse supervisord's, and the HTTP
/// reply around them.
enum XMLRPCResponse {
    /// `<methodResponse>` with one value; nil when the value cannot be written (an integer
    /// outside 32 bits, or `.none`: supervisor's server does not write nil).
    static func result(_ value: XMLRPCValue) -> [UInt8]? {
        var out: [UInt8] = []
        add("<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n", to: &out)
        guard write(value, to: &out) else { return nil }
        add("</param>\n</params>\n</methodResponse>\n", to: &out)
        return out
    }

    /// `<methodResponse>` with a fault: `faultCode` and `faultString` (`NAME: detail`).
    static func fault(_ kind: XMLRPCFault, _ detail: String? = nil) -> [UInt8] {
        fault(code: Int64(kind.rawValue), text: kind.text(detail))
    }

    static func fault(code: Int64, text: String) -> [UInt8] {
        var out: [UInt8] = []
        add("<?xml version='1.0'?>\n<methodResponse>\n<fault>\n", to: &out)
        let body = XMLRPCValue.structure([XMLRPCMember(name: "faultCode", value: .int(code)),
                                          XMLRPCMember(name: "faultString", value: .string(text))])
        _ = write(body, to: &out)
        add("</fault>\n</methodResponse>\n", to: &out)
        return out
    }

    static func add(_ literal: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// One value and its line end, as Python's Marshaller dumps it.
    static func write(_ value: XMLRPCValue, to out: inout [UInt8]) -> Bool {
        switch value {
        case .int(let number):
            guard number >= Int64(Int32.min) && number <= Int64(Int32.max) else { return false }
            add("<value><int>", to: &out)
            out.append(contentsOf: decimal(number).utf8)
            add("</int></value>\n", to: &out)
        case .boolean(let flag):
            add(flag ? "<value><boolean>1</boolean></value>\n" : "<value><boolean>0</boolean></value>\n", to: &out)
        case .string(let text):
            add("<value><string>", to: &out)
            escape(text, to: &out)
            add("</string></value>\n", to: &out)
        case .double(let text):
            add("<value><double>", to: &out)
            out.append(contentsOf: text.utf8)
            add("</double></value>\n", to: &out)
        case .dateTime(let text):
            add("<value><dateTime.iso8601>", to: &out)
            out.append(contentsOf: text.utf8)
            add("</dateTime.iso8601></value>\n", to: &out)
        case .array(let items):
            add("<value><array><data>\n", to: &out)
            for item in items { guard write(item, to: &out) else { return false } }
            add("</data></array></value>\n", to: &out)
        case .structure(let members):
            add("<value><struct>\n", to: &out)
            for member in members {
                add("<member>\n<name>", to: &out)
                escape(member.name, to: &out)
                add("</name>\n", to: &out)
                guard write(member.value, to: &out) else { return false }
                add("</member>\n", to: &out)
            }
            add("</struct></value>\n", to: &out)
        case .none:
            return false
        }
        return true
    }

    /// Python's xmlrpc `escape`: `&`, `<` and `>` only. Other characters go as they are, control
    /// characters included, as supervisord sends them.
    private static func escape(_ text: String, to out: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): add("&amp;", to: &out)
            case UInt8(ascii: "<"): add("&lt;", to: &out)
            case UInt8(ascii: ">"): add("&gt;", to: &out)
            default: out.append(byte)
            }
        }
    }
}
