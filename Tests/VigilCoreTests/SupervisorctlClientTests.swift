import Testing
@testable import VigilCore

private func parsed(_ words: [String]) throws(UsageError) -> SupervisorctlCommandLine.ClientRequest? {
    guard case .run(let parsed) = try SupervisorctlCommandLine.parse(words) else { return nil }
    return parsed
}

private func refusal(_ words: [String]) -> String? {
    do {
        _ = try SupervisorctlCommandLine.parse(words)
        return nil
    } catch {
        return error.message
    }
}

@Suite struct SupervisorctlClientTests {
    @Test func optionsAsGetoptReadsThem() throws {
        let full = try parsed(["-cfile.conf", "--server=unix:///run/s.sock", "-u", "me", "--pass", "pw", "status", "web", "-x"])
        #expect(full?.configFile == "file.conf" && full?.serverURL == "unix:///run/s.sock")
        #expect(full?.username == "me" && full?.password == "pw")
        #expect(full?.action == ["status", "web", "-x"])
        #expect(try SupervisorctlCommandLine.parse(["-h"]) == .help)
        #expect(try parsed(["-i", "--", "-c"])?.action == ["-c"])
        #expect(try parsed([])?.action == [])
    }

    @Test func refusedAsSupervisorctlRefuses() {
        #expect(refusal(["-z"]) == "Error: option -z not recognized")
        #expect(refusal(["-c"]) == "Error: option -c requires argument")
        #expect(refusal(["--nope"]) == "Error: option --nope not recognized")
        #expect(refusal(["--help=1"]) == "Error: option --help must not have an argument")
        #expect(refusal(["-s", "nothing"]) != nil)
    }

    @Test func aCallAsPythonWritesIt() {
        let bytes = XMLRPCReply.call("supervisor.stopProcess", [.string("a<b"), .boolean(true)])
        #expect(String(decoding: bytes, as: UTF8.self) == "<?xml version='1.0'?>\n<methodCall>\n<methodName>supervisor.stopProcess</methodName>\n<params>\n<param>\n<value><string>a&lt;b</string></value>\n</param>\n<param>\n<value><boolean>1</boolean></value>\n</param>\n</params>\n</methodCall>\n")
    }

    @Test func repliesAndFaults() throws {
        let value = try XMLRPCReply.parse(Array("<?xml version='1.0'?><methodResponse><params><param><value><array><data><value><int>7</int></value><value>x</value></data></array></value></param></params></methodResponse>".utf8))
        #expect(value == .value(.array([.int(7), .string("x")])))
        let fault = try XMLRPCReply.parse(Array("<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>10</int></value></member><member><name>faultString</name><value><string>BAD_NAME: x</string></value></member></struct></value></fault></methodResponse>".utf8))
        #expect(fault == .fault(code: 10, text: "BAD_NAME: x"))
        #expect(throws: XMLRPCReply.ReplyError.self) { try XMLRPCReply.parse(Array("<methodCall/>".utf8)) }
        #expect(throws: XMLRPCReply.ReplyError.self) { try XMLRPCReply.parse(Array("not xml".utf8)) }
    }

    @Test func httpRepliesFramed() {
        let head = Array("HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\n".utf8)
        #expect(HTTPResponseFraming.parse(head + Array("abc".utf8), ended: false) == .reply(status: 200, body: Array("abc".utf8)))
        #expect(HTTPResponseFraming.parse(head + Array("ab".utf8), ended: false) == .incomplete)
        #expect(HTTPResponseFraming.parse(head + Array("ab".utf8), ended: true) == .malformed)
        #expect(HTTPResponseFraming.parse(Array("HTTP/1.1 401 Unauthorized\r\n\r\nno".utf8), ended: true) == .reply(status: 401, body: Array("no".utf8)))
        #expect(HTTPResponseFraming.parse(Array("garbage\r\n\r\n".utf8), ended: true) == .malformed)
    }
}
