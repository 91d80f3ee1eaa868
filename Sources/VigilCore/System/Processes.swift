import CLinux

/// What reaping found.
enum ReapResult: Equatable {
    case reaped(pid: pid_t, status: Int32)
    /// Children exist, none has exited.
    case noneReady
    /// No children at all.
    case noChildren
}

/// What a look at the children, without reaping, found.
enum Waitable: Equatable {
    /// This child has exited or stopped; /proc still describes it.
    case child(pid_t)
    /// Children exist, none has exited.
    case noneReady
    /// No children at all.
    case noChildren
}

/// System calls about processes: waiting, signalling, reading /proc.
enum Processes {
    /// Reaps one exited child without blocking. A child that stopped is reported too (its
    /// status says so), so that vigil can follow a ^Z; it stays a child.
    static func reapOne() -> ReapResult {
        var status: Int32 = 0
        switch valueOrErrno({ waitpid(-1, &status, WNOHANG | WUNTRACED) }) {
        case .success(0): return .noneReady
        case .success(let pid): return .reaped(pid: pid, status: status)
        case .failure: return .noChildren
        }
    }

    /// The next child reapOne would report, left unreaped (waitid with WNOWAIT).
    static func peek() -> Waitable {
        var info = siginfo_t()
        guard case .success = valueOrErrno({ waitid(P_ALL, 0, &info, WEXITED | WSTOPPED | WNOHANG | WNOWAIT) })
        else { return .noChildren }
        let pid = clinux_siginfo_pid(&info)
        return pid == 0 ? .noneReady : .child(pid)
    }

    /// Reaps the given exited child, or collects its stop.
    static func reap(_ pid: pid_t) -> ReapResult {
        var status: Int32 = 0
        guard case .success(pid) = valueOrErrno({ waitpid(pid, &status, WNOHANG | WUNTRACED) }) else { return .noneReady }
        return .reaped(pid: pid, status: status)
    }

    /// Sends a signal. A target that no longer exists is not an error.
    @discardableResult
    static func signal(_ pid: pid_t, _ signal: Int32) -> SystemError? {
        guard case .failure(let errno) = valueOrErrno({ kill(pid, signal) }), errno.rawValue != ESRCH else { return nil }
        return SystemError("kill", errno)
    }

    /// Signals one process through a pidfd, after checking that the PID still names the
    /// process seen in /proc (same start time), so that a recycled PID is never hit. Its parent
    /// may have changed meanwhile: an orphan re-parented to vigil is still the same process.
    static func signal(_ entry: ProcessEntry, _ signal: Int32) -> Bool {
        guard case .success(let pidfd) = valueOrErrno({ clinux_pidfd_open(entry.pid) }) else { return false }
        defer { closeDescriptor(pidfd) }
        guard let now = ProcessTable.entry(entry.pid), now.startTicks == entry.startTicks else { return false }
        if case .success = valueOrErrno({ clinux_pidfd_send_signal(pidfd, signal) }) { return true }
        return false
    }

    /// Whether any process besides vigil is there for `kill(-1)` to reach (PID 1 without /proc).
    static func anyoneElse() -> Bool {
        if case .success = valueOrErrno({ kill(-1, 0) }) { return true }
        return false
    }

    /// Signals the process group that `leader` started, and the leader itself wherever it
    /// went: a child that left its group (setpgid, setsid) is still reached, once. An empty
    /// group is not "gone" while the leader lives.
    @discardableResult
    static func signalGroup(of leader: pid_t, _ signal: Int32) -> SystemError? {
        let group = Processes.group(of: leader)
        let groupError = Processes.signal(-leader, signal)
        guard group != leader, group > 0 else { return groupError }
        return Processes.signal(leader, signal)
    }

    /// The process group of `pid` (0 when it cannot be told: gone, or not visible).
    static func group(of pid: pid_t) -> pid_t {
        guard case .success(let group) = valueOrErrno({ getpgid(pid) }) else { return 0 }
        return group
    }

    /// Reads a small /proc/PID file whole.
    static func readProcFile(_ pid: pid_t, _ name: String) -> [UInt8]? {
        readFile("/proc/" + decimal(pid) + "/" + name)
    }

    /// Opens `path` for reading (close-on-exec).
    static func open(_ path: String) -> Result<Int32, SystemError> {
        systemCall("open " + path) { path.withCString { clinux_open_read($0) } }
    }

    /// Opens `path` for writing (close-on-exec, non-blocking, without creating it).
    static func openForWriting(_ path: String) -> Result<Int32, SystemError> {
        systemCall("open " + path) { path.withCString { clinux_open_for_writing($0, 0) } }
    }

    /// A small file's whole contents (at most `limit` bytes), or nil when it cannot be opened.
    static func readFile(_ path: String, limit: Int = Int.max) -> [UInt8]? {
        guard case .success(let fd) = valueOrErrno({ path.withCString { clinux_open_read($0) } }) else { return nil }
        defer { closeDescriptor(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 512)
        while true {
            let result = chunk.withUnsafeMutableBytes { raw in valueOrErrno { read(fd, raw.baseAddress, raw.count) } }
            guard case .success(let count) = result, count > 0 else { break }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count >= limit { break }
        }
        return bytes
    }

    /// The file's bytes (at least `limit` of them when it is that long), or why it cannot be
    /// read: opening it or reading it (a directory opens, then fails with EISDIR).
    static func contents(of path: String, limit: Int = Int.max) -> Result<[UInt8], Errno> {
        let fd: Int32
        switch valueOrErrno({ path.withCString { clinux_open_read($0) } }) {
        case .success(let opened): fd = opened
        case .failure(let errno): return .failure(errno)
        }
        defer { closeDescriptor(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 512)
        while true {
            let result = chunk.withUnsafeMutableBytes { raw in valueOrErrno { CLinux.read(fd, raw.baseAddress, raw.count) } }
            switch result {
            case .failure(let errno): return .failure(errno)
            case .success(let count) where count > 0:
                bytes.append(contentsOf: chunk[0..<count])
                if bytes.count >= limit { return .success(bytes) }
            case .success: return .success(bytes)
            }
        }
    }
}
