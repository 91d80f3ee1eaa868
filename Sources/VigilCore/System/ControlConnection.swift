import CLinux

/// The client's side of the control channel: one connection, one request, one reply.
enum ControlConnection {
    /// What came back from the listener.
    struct Exchange {
        /// The listener's PID as this process's namespaces see it (0: not visible).
        var listenerPID: Int32
        /// The reply's bytes, up to 1 MiB, until the listener closed.
        var reply: [UInt8]
        /// The whole request was sent.
        var sentAll: Bool
    }

    /// Connects to the abstract socket `name` (sends and receives give up after `timeout`
    /// milliseconds), and, when `trusts` accepts the listener's PID, sends `request` and
    /// reads the reply. A listener that is not trusted gets nothing.
    static func exchange(_ name: String, _ request: [UInt8], timeout: Int32,
                         trusts: (Int32) -> Bool) -> Result<Exchange, SystemError> {
        let fd: Int32
        switch valueOrErrno({ clinux_control_connect(name, timeout) }) {
        case .success(let descriptor): fd = descriptor
        case .failure(let errno): return .failure(SystemError("connect", errno))
        }
        defer { closeDescriptor(fd) }
        var uid: uid_t = 0
        var pid: pid_t = 0
        if case .failure(let errno) = valueOrErrno({ clinux_peer_credentials(fd, &uid, &pid) }) {
            return .failure(SystemError("getsockopt", errno))
        }
        guard trusts(pid) else { return .success(Exchange(listenerPID: pid, reply: [], sentAll: false)) }
        // MSG_NOSIGNAL: a vigil that refuses the connection must not end this client.
        let sent = request.withUnsafeBufferPointer { buffer in
            valueOrErrno { send(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL)) }
        }
        // A refusing vigil answers and closes without reading: its reply is still there to read.
        var reply: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while reply.count < 1 << 20 {
            let result = chunk.withUnsafeMutableBytes { raw in valueOrErrno { read(fd, raw.baseAddress, raw.count) } }
            guard case .success(let count) = result, count > 0 else { break }
            reply += chunk[0..<count]
        }
        let sentAll: Bool
        if case .success(let count) = sent { sentAll = count == request.count } else { sentAll = false }
        return .success(Exchange(listenerPID: pid, reply: reply, sentAll: sentAll))
    }
}
