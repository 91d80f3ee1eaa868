import Testing
@testable import VigilCore

private func call(_ text: String) throws(XMLRPCRequest.RequestFailure) -> XMLRPCCall {
    try XMLRPCRequest.parse(Array(text.utf8))
}

private func failure(_ text: String) -> XMLRPCRequest.RequestFailure? {
    do {
        _ = try call(text)
        return nil
    } catch {
        return error
    }
}

private func params(_ values: String) -> String {
    "<methodCall><methodName>a.b</methodName><params>" + values + "</params></methodCall>"
}

@Suite struct XMLRPCTests {
    @Test func whatSupervisorctlSends() throws {
        let request = try call("<?xml version='1.0'?>\n<methodCall>\n<methodName>supervisor.startProcess</methodName>\n<params>\n<param>\n<value><string>web</string></value>\n</param>\n<param>\n<value><boolean>1</boolean></value>\n</param>\n</params>\n</methodCall>\n")
        #expect(request == XMLRPCCall(method: "supervisor.startProcess", params: [.string("web"), .boolean(true)]))
        #expect(request.route?.namespace == "supervisor" && request.route?.method == "startProcess")
        let empty = try call("<?xml version='1.0'?>\n<methodCall>\n<methodName>supervisor.getAllProcessInfo</methodName>\n<params>\n</params>\n</methodCall>\n")
        #expect(empty.params.isEmpty)
    }

    @Test func supervisorsReadingOfValues() throws {
        #expect(try call(params("<param><value>bare text</value></param><param><value><i4> 42 </i4></value></param><param><value><boolean>true</boolean></value></param>")).params
            == [.string("bare text"), .int(42), .boolean(false)])
        #expect(try call(params("<param><value><i8>5</i8></value></param><param><value><nil/></value></param><param><value></value></param>")).params
            == [.string("5"), .none, .string("")])
        #expect(try call(params("<param><value><base64>aGk=</base64></value></param><param><value><double> 1.5e3 </double></value></param>")).params
            == [.string("hi"), .double(" 1.5e3 ")])
        #expect(try call(params("<param><value><string>&lt;&amp;&#65;&#x42;<![CDATA[<c>]]></string></value></param>")).params == [.string("<&AB<c>")])
        #expect(try call(params("<param><value><string>\r\nx\ry</string></value></param>")).params == [.string("\nx\ny")])
        #expect(try call(params("<param><value><struct><member><name>k</name><value>1</value></member><member><name>k</name><value>2</value></member></struct></value></param>")).params
            == [.structure([XMLRPCMember(name: "k", value: .string("2"))])])
        let multicall = try call("<methodCall><methodName>system.multicall</methodName><params><param><value><array><data><value><struct><member><name>methodName</name><value><string>x.y</string></value></member><member><name>params</name><value><array><data><value><int>1</int></value></data></array></value></member></struct></value></data></array></value></param></params></methodCall>")
        guard case .array(let calls) = multicall.params[0] else { Issue.record("not an array"); return }
        #expect(calls[0].member("methodName") == .string("x.y") && calls[0].member("params") == .array([.int(1)]))
    }

    @Test func whatSupervisorRefuses() {
        #expect(failure("<methodCall><params/></methodCall>") == .noMethodName)
        #expect(failure("<methodCall><methodName></methodName></methodCall>") == .noMethodName)
        #expect(failure(params("<param><value><int>x</int></value></param>")) == .unmarshallable("not an integer"))
        #expect(failure(params("<param></param>")) == .unmarshallable("an empty <array> or <param>"))
        #expect(failure(params("<param><value><struct><member><name>k</name></member></struct></value></param>"))
            == .unmarshallable("a <member> without a name and a value"))
        #expect(failure(params("<param><value><base64>aGk</base64></value></param>")) == .unmarshallable("bad base64 data"))
        if case .unmarshallable? = failure(params("") + "<junk/>") {} else { Issue.record("junk accepted") }
        if case .unmarshallable? = failure("<a><b></a></b>") {} else { Issue.record("mismatched tags accepted") }
        if case .unmarshallable? = failure("<a>\u{1}</a>") {} else { Issue.record("a control character accepted") }
        if case .unmarshallable? = failure("<a>&nope;</a>") {} else { Issue.record("an undefined entity accepted") }
        if case .unmarshallable? = failure("<a>&#0;</a>") {} else { Issue.record("a NUL reference accepted") }
        // Refused by vigil though Python would expand it: no entity can blow up.
        if case .unmarshallable? = failure("<!DOCTYPE x [<!ENTITY a 'b'>]><methodCall><methodName>a.&a;</methodName></methodCall>") {} else {
            Issue.record("a DOCTYPE accepted")
        }
        let deep = String(repeating: "<value>", count: 100) + String(repeating: "</value>", count: 100)
        if case .unmarshallable? = failure(deep) {} else { Issue.record("deep nesting accepted") }
    }

    @Test func routesAsSupervisorTraversesThem() {
        #expect(XMLRPCCall(method: "supervisor.getState", params: []).route != nil)
        #expect(XMLRPCCall(method: "supervisor._private", params: []).route == nil)
        #expect(XMLRPCCall(method: "a.b.c", params: []).route == nil)
        #expect(XMLRPCCall(method: "getState", params: []).route == nil)
    }

    @Test func repliesByteForByteAsSupervisorWritesThem() {
        #expect(XMLRPCResponse.result(.int(1)).map { String(decoding: $0, as: UTF8.self) }
            == "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><int>1</int></value>\n</param>\n</params>\n</methodResponse>\n")
        #expect(XMLRPCResponse.result(.string("a<b>&c é\u{1B}")).map { String(decoding: $0, as: UTF8.self) }
            == "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><string>a&lt;b&gt;&amp;c é\u{1B}</string></value>\n</param>\n</params>\n</methodResponse>\n")
        #expect(XMLRPCResponse.result(.array([.int(1), .string("x"), .array([]), .structure([])])).map { String(decoding: $0, as: UTF8.self) }
            == "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><array><data>\n<value><int>1</int></value>\n<value><string>x</string></value>\n<value><array><data>\n</data></array></value>\n<value><struct>\n</struct></value>\n</data></array></value>\n</param>\n</params>\n</methodResponse>\n")
        let info = XMLRPCValue.structure([XMLRPCMember(name: "name", value: .string("web")), XMLRPCMember(name: "pid", value: .int(12)),
                                          XMLRPCMember(name: "flag", value: .boolean(false))])
        #expect(XMLRPCResponse.result(info).map { String(decoding: $0, as: UTF8.self) }
            == "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><struct>\n<member>\n<name>name</name>\n<value><string>web</string></value>\n</member>\n<member>\n<name>pid</name>\n<value><int>12</int></value>\n</member>\n<member>\n<name>flag</name>\n<value><boolean>0</boolean></value>\n</member>\n</struct></value>\n</param>\n</params>\n</methodResponse>\n")
        #expect(String(decoding: XMLRPCResponse.fault(.badName, "foo"), as: UTF8.self)
            == "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n<value><int>10</int></value>\n</member>\n<member>\n<name>faultString</name>\n<value><string>BAD_NAME: foo</string></value>\n</member>\n</struct></value>\n</fault>\n</methodResponse>\n")
        #expect(XMLRPCResponse.result(.int(1 << 31)) == nil)
        #expect(XMLRPCResponse.result(.array([.none])) == nil)
        #expect(XMLRPCFault.unknownMethod.text() == "UNKNOWN_METHOD" && XMLRPCFault.cantReread.rawValue == 92)
    }

    @Test func repliesRoundTrip() throws {
        let value = XMLRPCValue.array([.int(-5), .boolean(true), .string("<x&y>"), .structure([XMLRPCMember(name: "a&b", value: .array([]))])])
        let reply = try #require(XMLRPCResponse.result(value))
        let tree = try XMLTreeReader.parse(reply)
        #expect(tree.name == Array("methodResponse".utf8))
        let wrapped = "<methodCall><methodName>a.b</methodName>" + String(decoding: reply.dropFirst(38).dropLast(18), as: UTF8.self) + "</methodCall>"
        #expect(try call(wrapped).params == [value])
    }
}
