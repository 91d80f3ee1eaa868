import CLinux

/// Sleeps until one of the descriptors is readable or the deadline passes. With no deadline
/// it sleeps until something happens: vigil makes no wake-ups of its own while idle.
enum EventWait {
    static func wait(for fds: [Int32], until deadline: Instant?) {
        var entries = fds.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        var timeout = deadline.map { EventWait.remaining(until: $0) } ?? CLinux.timespec()
        // EINTR cannot happen with every signal blocked; any return is a reason to look around.
        _ = entries.withUnsafeMutableBufferPointer { buffer in
            withUnsafePointer(to: &timeout) { timeoutPointer in
                ppoll(buffer.baseAddress, nfds_t(buffer.count), deadline == nil ? nil : timeoutPointer, nil)
            }
        }
    }

    /// The time from now until `deadline`, never negative.
    static func remaining(until deadline: Instant) -> timespec {
        let remaining = max(0, deadline - Clock.now())
        return CLinux.timespec(tv_sec: Int(remaining / 1_000_000_000), tv_nsec: Int(remaining % 1_000_000_000))
    }
}
