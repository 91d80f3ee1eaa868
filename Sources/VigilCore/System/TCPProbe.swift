import CLinux

/// One non-blocking TCP connection attempt of a readiness check.
enum TCPProbe {
    enum Outcome {
        case connected
        case failed
        /// Still connecting: look again with `finish`.
        case pending(fd: Int32)
    }

    /// Starts connecting to `address` (IPv4, host byte order) and `port`.
    static func start(address: UInt32, port: UInt16) -> Outcome {
        var fd: Int32 = -1
        switch clinux_tcp_probe(address, port, &fd) {
        case 1: return .connected
        case 0: return .pending(fd: fd)
        default: return .failed
        }
    }

    /// Looks at a connection under way: nil while still connecting; the descriptor is closed
    /// once there is an answer.
    static func finish(_ fd: Int32) -> Bool? {
        switch clinux_tcp_probe_finish(fd) {
        case 0: return nil
        case 1: return true
        default: return false
        }
    }
}
