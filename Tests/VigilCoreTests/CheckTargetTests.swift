import Testing
@testable import VigilCore

/// The texts of tcp and http checks, and the HTTP exchange's two pure halves: the request vigil
/// sends and the verdict on the reply's first bytes.
@Suite struct IPAddressTests {
    @Test(arguments: [
        ("::1", "0:0:0:0:0:0:0:1"), ("::", "0:0:0:0:0:0:0:0"), ("fe80::1:2", "fe80:0:0:0:0:0:1:2"),
        ("2001:db8::", "2001:db8:0:0:0:0:0:0"), ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
        ("::ffff:192.0.2.1", "0:0:0:0:0:ffff:c000:201"), ("1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"),
        ("ABCD::EF", "abcd:0:0:0:0:0:0:ef"),
    ])
    func ipv6Literals(text: String, expanded: String) {
        guard let bytes = IPAddress.parseIPv6(text.utf8) else {
            Issue.record("'\(text)' did not parse")
            return
        }
        #expect(IPAddress.v6(bytes).text == expanded)
        // What vigil prints parses back to the same address.
        #expect(IPAddress.parseIPv6(expanded.utf8) == bytes)
    }

    @Test(arguments: [
        "", ":", ":::", "1:::2", "1::2::3", ":1", "1:", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "12345::",
        "g::1", "::1%eth0", "1.2.3.4::", "::1.2.3", "::1.2.3.256", "1:2:3:4:5:6:7::8:9", " ::1",
    ])
    func notIPv6(text: String) {
        #expect(IPAddress.parseIPv6(text.utf8) == nil)
    }

    @Test func ipv4Literals() {
        #expect(IPAddress.parseIPv4("127.0.0.1".utf8) == 0x7F00_0001)
        #expect(IPAddress.v4(0x0A00_0105).text == "10.0.1.5")
        for bad in ["1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", "0001.1.1.1", "a.b.c.d", ""] {
            #expect(IPAddress.parseIPv4(bad.utf8) == nil, "\(bad)")
        }
    }
}

@Suite struct CheckTextTests {
    func check(_ text: String) throws(UsageError) -> ProcessSpec.Readiness { try ReadinessCheck.parse(text, place: "--ready") }

    func error(_ text: String) -> String? {
        do {
            _ = try check(text)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func tcpTakesIPv4AndIPv6Literals() throws {
        #expect(try check("tcp:5432") == .tcp(address: 0x7F00_0001, port: 5432))
        #expect(try check("tcp:10.0.0.2:80") == .tcp(address: 0x0A00_0002, port: 80))
        let loopback6 = IPAddress.v6([UInt8](repeating: 0, count: 15) + [1])
        #expect(try check("tcp:[::1]:8080") == .tcp(Endpoint(address: loopback6, port: 8080)))
        #expect(error("tcp:[::1]") == "--ready: expected tcp:PORT or tcp:HOST:PORT (HOST an IPv4 address or [IPv6]), got 'tcp:[::1]'")
        #expect(error("tcp:::1:80") == "--ready: expected tcp:PORT or tcp:HOST:PORT (HOST an IPv4 address or [IPv6]), got 'tcp:::1:80'")
        #expect(error("tcp:[::1]:0") == "--ready: expected a port from 1 to 65535 in 'tcp:[::1]:0'")
    }

    @Test func httpOnThisContainersLoopback() throws {
        guard case .http(let target) = try check("http:8080/healthz?full=1") else {
            Issue.record("not an http check")
            return
        }
        #expect(target == HTTPTarget(endpoint: Endpoint(address: .loopback, port: 8080), host: "127.0.0.1:8080",
                                     path: "/healthz?full=1"))
        #expect(String(decoding: target.request, as: UTF8.self) == "GET /healthz?full=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"
            + "User-Agent: vigil\r\nAccept: */*\r\nConnection: close\r\n\r\n")
    }

    @Test(arguments: [
        ("http://localhost:9000/ready", IPAddress.loopback, 9000, "localhost:9000", "/ready"),
        ("http://localhost/", IPAddress.loopback, 80, "localhost", "/"),
        ("http://10.1.2.3:81", IPAddress.v4(0x0A01_0203), 81, "10.1.2.3:81", "/"),
        ("http://[::1]:8080/x", IPAddress.v6([UInt8](repeating: 0, count: 15) + [1]), 8080, "[::1]:8080", "/x"),
    ])
    func httpURLs(text: String, address: IPAddress, port: Int, host: String, path: String) throws {
        #expect(try check(text) == .http(HTTPTarget(endpoint: Endpoint(address: address, port: UInt16(port)), host: host, path: path)))
    }

    @Test(arguments: [
        ("http:8080", "--ready: expected exec:COMMAND, tcp:PORT, tcp:HOST:PORT, http:PORT/PATH, http://HOST:PORT/PATH or notify, got 'http:8080'"),
        ("http:0/x", "--ready: expected a port from 1 to 65535 in 'http:0/x'"),
        ("http://example.com/", "--ready: expected an IPv4 address, [IPV6] or localhost as the host in 'http://example.com/'"),
        ("http://[::1/", "--ready: expected an IPv4 address, [IPV6] or localhost as the host in 'http://[::1/'"),
        ("http://localhost:70000/", "--ready: expected a port from 1 to 65535 in 'http://localhost:70000/'"),
        ("http:80/a b", "--ready: the path must start with / and hold printable ASCII only (no spaces or #, at most 1024 bytes), in 'http:80/a b'"),
        ("http:80/a#b", "--ready: the path must start with / and hold printable ASCII only (no spaces or #, at most 1024 bytes), in 'http:80/a#b'"),
        ("https://localhost/", "--ready: expected exec:COMMAND, tcp:PORT, tcp:HOST:PORT, http:PORT/PATH, http://HOST:PORT/PATH or notify, got 'https://localhost/'"),
    ])
    func badHTTPChecks(text: String, message: String) {
        #expect(error(text) == message)
    }

    @Test func livenessTakesEveryKindButNotify() throws {
        #expect(try ReadinessCheck.parseLiveness("http:80/", place: "--live") == .http(
            HTTPTarget(endpoint: Endpoint(address: .loopback, port: 80), host: "127.0.0.1:80", path: "/")))
        #expect(throws: UsageError.self) { try ReadinessCheck.parseLiveness("notify", place: "--live") }
    }
}

@Suite struct HTTPReplyTests {
    func verdict(_ text: String) -> HTTPReply.Verdict { HTTPReply.verdict(Array(text.utf8)[...]) }

    @Test func theStatusLineDecides() {
        #expect(verdict("HTTP/1.1 200 OK\r\n") == .status(200))
        #expect(verdict("HTTP/1.0 302\r\n") == .status(302))
        #expect(verdict("HTTP/1.1 500 Internal") == .status(500))
        #expect(HTTPReply.passes(200) && HTTPReply.passes(399) && !HTTPReply.passes(199) && !HTTPReply.passes(400))
    }

    @Test func aPartialReplyWaitsAndAWrongOneFailsAtOnce() {
        #expect(verdict("") == .incomplete)
        #expect(verdict("HTTP/1.1 20") == .incomplete)
        #expect(verdict("HTTP/1.1 200") == .incomplete)
        #expect(verdict("SSH-2.0-OpenSSH") == .malformed)
        #expect(verdict("HTTP/2 200 ") == .malformed)
        #expect(verdict("HTTP/1.1 2000") == .malformed)
        #expect(verdict("http/1.1 200 OK") == .malformed)
    }
}
