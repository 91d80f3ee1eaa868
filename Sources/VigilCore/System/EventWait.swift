import CLinux

/// Sleeps until one of the descriptors is ready or the deadline passes. With no deadline it
/// sleeps until something happens: vigil makes no wake-ups of its own while idle.
enum EventWait {
    /// How often vigil looks again at processes it cannot watch.
    static let recheckInterval = 50 * Durations.millisecond

    /// Sleeps until one of `entries` is ready (their `revents` say which), one of `pids`
    /// exits, or the deadline passes. The pids are watched through pidfds opened and closed
    /// here. A process already gone ends the wait at once; one that cannot be watched (no
    /// descriptor left) shortens it to a recheck. Any return is a reason to look around.
    /// Throws when ppoll fails for a reason that would repeat at once if retried (anything but
    /// EINTR, which a stop and continue can cause).
    static func wait(_ entries: inout [pollfd], orExitOf pids: [pid_t] = [], until deadline: Instant?) throws(SystemError) {
        let watched = entries.count
        defer {
            for entry in entries[watched...] { closeDescriptor(entry.fd) }
            entries.removeLast(entries.count - watched)
        }
        var until = deadline
        for pid in pids {
            switch valueOrErrno({ clinux_pidfd_open(pid) }) {
            case .success(let pidfd): entries.append(pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0))
            case .failure(let errno) where errno.rawValue == ESRCH: return
            case .failure: until = min(until ?? Int64.max, Clock.now() + recheckInterval)
            }
        }
        var timeout = until.map { EventWait.remaining(until: $0) } ?? CLinux.timespec()
        let result = entries.withUnsafeMutableBufferPointer { buffer in
            withUnsafePointer(to: &timeout) { timeoutPointer in
                valueOrErrno(retryOnInterrupt: false) {
                    ppoll(buffer.baseAddress, nfds_t(buffer.count), until == nil ? nil : timeoutPointer, nil)
                }
            }
        }
        if case .failure(let errno) = result, errno.rawValue != EINTR { throw SystemError("ppoll", errno) }
    }

    /// The time from now until `deadline`, never negative.
    static func remaining(until deadline: Instant) -> timespec {
        let remaining = max(0, deadline - Clock.now())
        return CLinux.timespec(tv_sec: Int(remaining / 1_000_000_000), tv_nsec: Int(remaining % 1_000_000_000))
    }
}
