import CLinux

/// What a recovery checks before it takes over what the faulted image left: processes that must
/// be its children, and output pipes that must be what the state says they are.
enum Adoption {
    /// Whether `pid` is a child of this process, exited or not (waitid with WNOWAIT, which
    /// leaves it as it is).
    static func isChild(_ pid: Int32) -> Bool {
        var info = siginfo_t()
        guard pid > 0 else { return false }
        let result = valueOrErrno { waitid(P_PID, id_t(pid), &info, WEXITED | WSTOPPED | WCONTINUED | WNOHANG | WNOWAIT) }
        if case .success = result { return true }
        return false
    }

    /// Takes over an output pipe's end (close-on-exec again; a read end non-blocking). False
    /// when `fd` is not an open pipe end of that direction.
    static func takePipe(_ fd: Int32, writable: Bool) -> Bool {
        clinux_adopt_pipe(fd, writable ? 1 : 0) == 0
    }
}
