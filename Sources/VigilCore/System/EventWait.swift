import CLinux

/// Sleeps until one of the descriptors is readable or the deadline passes. With no deadline
/// it sleeps until something happens: vigil makes no wake-ups of its own while idle.
enum EventWait {
    /// Any return is a reason to look around. Throws when ppoll fails for a reason that would
    /// repeat at once if retried (anything but EINTR, which a stop and continue can cause).
    static func wait(for fds: [Int32], until deadline: Instant?) throws(SystemError) {
        var entries = fds.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        var timeout = deadline.map { EventWait.remaining(until: $0) } ?? CLinux.timespec()
        let result = entries.withUnsafeMutableBufferPointer { buffer in
            withUnsafePointer(to: &timeout) { timeoutPointer in
                ppoll(buffer.baseAddress, nfds_t(buffer.count), deadline == nil ? nil : timeoutPointer, nil)
            }
        }
        if result < 0 {
            let error = SystemError.last("ppoll")
            if error.errno != EINTR { throw error }
        }
    }

    /// The time from now until `deadline`, never negative.
    static func remaining(until deadline: Instant) -> timespec {
        let remaining = max(0, deadline - Clock.now())
        return CLinux.timespec(tv_sec: Int(remaining / 1_000_000_000), tv_nsec: Int(remaining % 1_000_000_000))
    }
}
