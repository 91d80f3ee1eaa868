import CLinux

/// A sidecar's sd_notify socket (`NOTIFY_SOCKET`): an abstract datagram socket on which
/// vigil reads `READY=1`, with the sender's PID from its credentials.
struct NotifySocket {
    let fd: Int32
    /// The abstract name, as `NOTIFY_SOCKET` gives it without its `@`.
    let name: String

    /// Binds `name`, or a name the kernel picks when that one is taken.
    static func open(_ name: String) -> Result<NotifySocket, SystemError> {
        var bound = [CChar](repeating: 0, count: 108)
        switch systemCall("bind", { clinux_notify_socket(name, &bound, bound.count) }) {
        case .success(let fd):
            let text = String(decoding: bound.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return .success(NotifySocket(fd: fd, name: text))
        case .failure(let error): return .failure(error)
        }
    }

    /// The PIDs that sent `READY=1` in the datagrams waiting now (one entry per such line).
    func readySenders() -> [pid_t] {
        var senders: [pid_t] = []
        var buffer = [CChar](repeating: 0, count: 4096)
        while true {
            var sender: pid_t = 0
            let length = buffer.withUnsafeMutableBufferPointer { raw in
                valueOrErrno { clinux_notify_receive(fd, raw.baseAddress, raw.count, &sender) }
            }
            guard case .success(let count) = length else { return senders }
            // sd_notify: newline-separated assignments; READY=1 is the one vigil reads.
            let bytes = buffer[0..<count].map { UInt8(bitPattern: $0) }
            for line in bytes.split(separator: 0x0A) where ASCII.equals(line, "READY=1") { senders.append(sender) }
        }
    }
}
