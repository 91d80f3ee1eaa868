import CLinux

/// One XML-RPC call of vigil's supervisorctl over HTTP/1.1: a connection to the socket file or
/// TCP address of the server URL, the POST as supervisor's transport sends it, and the reply
/// read until it is whole. Blocking, with a deadline: this is a client, not vigil's loop.
enum XMLRPCClientConnection {
    /// Where the server listens (from `unix:///path` or `http://host:port`).
    enum Server: Equatable {
        case socketFile(String)
        case tcp(IPAddress, UInt16)
    }

    /// A failed call: the errno of the connection (ECONNREFUSED and ENOENT are reported as
    /// supervisorctl reports them), or what was wrong with the reply.
    enum CallFailure: Error, Equatable {
        case system(SystemError)
        case badReply(String)
        case status(Int)
    }

    static let timeout: Int32 = 30_000

    static func call(_ server: Server, _ body: [UInt8], authorization: [UInt8]?) -> Result<[UInt8], CallFailure> {
        let connected: Result<Int32, Errno>
        switch server {
        case .socketFile(let path): connected = valueOrErrno { clinux_unix_connect(path, timeout) }
        case .tcp(.v4(let value), let port):
            let bytes = [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
            connected = valueOrErrno { clinux_tcp_connect(4, bytes, port, timeout) }
        case .tcp(.v6(let bytes), let port): connected = valueOrErrno { clinux_tcp_connect(6, bytes, port, timeout) }
        }
        let fd: Int32
        switch connected {
        case .success(let descriptor): fd = descriptor
        case .failure(let errno): return .failure(.system(SystemError("connect", errno)))
        }
        defer { closeDescriptor(fd) }
        var head = "POST /RPC2 HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: identity\r\nUser-Agent: vigil supervisorctl\r\n"
        head += "Content-Type: text/xml\r\nContent-Length: " + decimal(Int64(body.count)) + "\r\n"
        var request = Array(head.utf8)
        if let authorization { request += Array("Authorization: Basic ".utf8) + authorization + [0x0D, 0x0A] }
        request += [0x0D, 0x0A] + body
        let sent = request.withUnsafeBufferPointer { buffer in
            valueOrErrno { send(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL)) }
        }
        if case .failure(let errno) = sent { return .failure(.system(SystemError("send", errno))) }
        return receive(fd)
    }

    private static func receive(_ fd: Int32) -> Result<[UInt8], CallFailure> {
        var reply: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let result = chunk.withUnsafeMutableBytes { raw in valueOrErrno { read(fd, raw.baseAddress, raw.count) } }
            if case .failure(let errno) = result { return .failure(.system(SystemError("read", errno))) }
            guard case .success(let count) = result else { break }
            reply += chunk[0..<count]
            switch HTTPResponseFraming.parse(reply, ended: count == 0) {
            case .incomplete: continue
            case .malformed: return .failure(.badReply("not an HTTP reply"))
            case .reply(let status, let body):
                return status == 200 ? .success(body) : .failure(.status(status))
            }
        }
        return .failure(.badReply("no reply"))
    }
}
