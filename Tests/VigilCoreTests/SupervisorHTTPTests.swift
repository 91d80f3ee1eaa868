import Testing
@testable import VigilCore

private func frame(_ text: String) -> HTTPRequestFraming.Framed {
    HTTPRequestFraming.parse(Array(text.utf8)[...])
}

private func head(_ lines: String...) -> HTTPRequestHead {
    guard case .request(let request, _, _) = frame(lines.joined(separator: "\r\n") + "\r\n\r\n") else {
        return HTTPRequestHead(method: "", uri: "", version: nil, headers: [])
    }
    return request
}

@Suite struct SupervisorHTTPTests {
    @Test func framesSupervisorctlsRequests() {
        let body = "<?xml version='1.0'?>\n<methodCall>\n<methodName>supervisor.getState</methodName>\n<params>\n</params>\n</methodCall>\n"
        let text = "POST /RPC2 HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: identity\r\nContent-Type: text/xml\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body
        guard case .request(let request, let received, let consumed) = frame(text + "POST /RPC2") else {
            Issue.record("not framed")
            return
        }
        #expect(request.method == "POST" && request.uri == "/RPC2" && request.version == "1.1" && request.keepsAlive)
        #expect(request.header("content-type") == "text/xml" && request.header("Host") == "localhost")
        #expect(received == Array(body.utf8) && consumed == text.utf8.count)
        #expect(frame(String(text.dropLast(3))) == .incomplete)
        #expect(frame("POST /RPC2 HTTP/1.0\r\nContent-Length: 5\r\n") == .incomplete)
    }

    @Test func framingFailuresAsMedusaAnswersThem() {
        #expect(frame("POST /RPC2 HTTP/1.0\r\n\r\n") == .failure(status: 411))
        #expect(frame("POST /RPC2 HTTP/1.0\r\nContent-Length:5\r\n\r\nhello") == .failure(status: 411))
        #expect(frame("POST /RPC2 HTTP/1.0\r\nContent-Length: x\r\n\r\n") == .failure(status: 400))
        #expect(frame("POST /RPC2 HTTP/1.0\r\nContent-Length: 99999999\r\n\r\n") == .failure(status: 413))
        #expect(frame("BAD\r\n\r\n") == .failure(status: 400))
        #expect(frame("GET  / HTTP/1.0\r\n\r\n") == .failure(status: 400))
        #expect(frame("GET / HTTP/x\r\n\r\n") == .failure(status: 400))
        #expect(frame("\r\n\r\n") == .empty(consumed: 4))
        #expect(HTTPRequestFraming.parse([UInt8](repeating: 0x41, count: 20_000)[...]) == .failure(status: 413))
    }

    @Test func headersAndConnections() {
        #expect(head("GET /logtail/web%3Aworker?x=%41 HTTP/1.0").uri == "/logtail/web:worker?x=%41")
        #expect(head("GET / HTTP/1.0", "X-Long: a", " b").headers == ["X-Long: ab"])
        #expect(!head("GET /RPC2 HTTP/1.0").keepsAlive && head("GET /RPC2 HTTP/1.0", "Connection: keep-alive").keepsAlive)
        #expect(!head("GET /RPC2 HTTP/1.1", "connection: close").keepsAlive && !head("GET /").keepsAlive)
    }

    @Test func basicAuthorizationWithPlainAndSHAPasswords() {
        func verdict(_ header: String?, _ password: String = "{SHA}e982f17bcbe0f724063b708a4f76db211a999304") -> BasicAuthorization.Decision {
            let request = header.map { head("GET /RPC2 HTTP/1.1", $0) } ?? head("GET /RPC2 HTTP/1.1")
            return BasicAuthorization.check(request, username: "root", password: password)
        }
        let good = "Authorization: Basic " + String(decoding: Base64.encode(Array("root:docker".utf8)), as: UTF8.self)
        #expect(verdict(good) == .accepted)
        #expect(verdict("authorization: basic cm9vdDpkb2NrZXI=") == .accepted)
        #expect(verdict("Authorization: Basic cm9vdDp3cm9uZw==") == .refused)
        #expect(verdict(nil) == .refused)
        #expect(verdict("Authorization: Digest xyz") == .refused)
        #expect(verdict("Authorization: Basic cm9vdA") == .malformed)
        #expect(verdict("Authorization: Basic !!!") == .failed)
        #expect(verdict("Authorization: Basic cm9vdDpkb2NrZXI=", "docker") == .accepted)
        #expect(BasicAuthorization.check(head("GET /RPC2 HTTP/1.1"), username: nil, password: nil) == .accepted)
    }

    @Test func base64AsPythonDecodesIt() {
        func decode(_ text: String) -> String? { Base64.decode(Array(text.utf8)).map { String(decoding: $0, as: UTF8.self) } }
        #expect(decode("YWJj") == "abc" && decode("YWI=") == "ab" && decode("YQ==") == "a" && decode("YW Jj") == "abc")
        #expect(decode("YQ==YWJj") == "a" && decode("Y=Q==") == "a" && decode("$$YWJj$") == "abc" && decode("") == "")
        #expect(decode("YQ") == nil && decode("Y") == nil)
        #expect(Base64.decode(Array("ab=c=".utf8)) == [0x69, 0xB7])
        #expect(String(decoding: Base64.encode(Array("u:p".utf8)), as: UTF8.self) == "dTpw")
        #expect(String(decoding: Base64.encode(Array("ab".utf8)), as: UTF8.self) == "YWI=")
    }

    @Test func sha1Digests() {
        #expect(String(decoding: SHA1.hexDigest(Array("docker".utf8)), as: UTF8.self) == "e982f17bcbe0f724063b708a4f76db211a999304")
        #expect(String(decoding: SHA1.hexDigest([]), as: UTF8.self) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(String(decoding: SHA1.hexDigest([UInt8](repeating: 0x61, count: 1000)), as: UTF8.self) == "291e9a6c66994949b57ba5e650361e98fc36b1ba")
    }

    @Test func repliesInMedusasForm() {
        let reply = String(decoding: MedusaReply.error(401, version: "1.0", date: "Sun, 06 Dec 2026 20:05:19 GMT"), as: UTF8.self)
        #expect(reply == "HTTP/1.0 401 Unauthorized\r\nServer: Medusa/1.12\r\nDate: Sun, 06 Dec 2026 20:05:19 GMT\r\nConnection: close\r\nWWW-Authenticate: Basic realm=\"default\"\r\nContent-Length: 137\r\nContent-Type: text/html\r\n\r\n<head>\r\n<title>Error response</title>\r\n</head>\r\n<body>\r\n<h1>Error response</h1>\r\n<p>Error code 401.\r\n<p>Message: Unauthorized.\r\n</body>\r\n")
        let ok = String(decoding: MedusaReply.xml(Array("<x/>".utf8), version: "1.1", date: "D", close: false), as: UTF8.self)
        #expect(ok == "HTTP/1.1 200 OK\r\nServer: Medusa/1.12\r\nDate: D\r\nContent-Type: text/xml\r\nContent-Length: 4\r\n\r\n<x/>")
    }
}
