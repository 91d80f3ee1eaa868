import CLinux

/// An errno value.
struct Errno: Error, Equatable {
    let rawValue: Int32

    static var current: Errno { Errno(rawValue: clinux_errno()) }

    /// strerror's text.
    var reason: String {
        guard let text = clinux_error_text(rawValue) else { return "error " + decimal(rawValue) }
        return String(cString: text)
    }
}

/// A failed system call: which operation, and the errno it left.
struct SystemError: Error, Equatable {
    let operation: String
    let errno: Int32

    init(_ operation: String, errno: Int32) {
        self.operation = operation
        self.errno = errno
    }

    init(_ operation: String, _ errno: Errno) {
        self.init(operation, errno: errno.rawValue)
    }

    /// Captures the current errno.
    static func last(_ operation: String) -> SystemError {
        SystemError(operation, errno: clinux_errno())
    }

    /// "operation: reason", for log lines.
    var description: String { operation + ": " + SystemError.reason(errno) }

    /// strerror's text for an errno value.
    static func reason(_ errno: Int32) -> String { Errno(rawValue: errno).reason }
}

/// The one errno rule: calls `body`, a system call that returns -1 and sets errno on failure,
/// again while it fails with EINTR (unless told not to), and reads errno right after the call
/// that failed. Any integer result type, so that `ssize_t` needs no truncating cast.
@inline(__always)
func valueOrErrno<T: FixedWidthInteger>(retryOnInterrupt: Bool = true, _ body: () -> T) -> Result<T, Errno> {
    while true {
        let result = body()
        guard result == -1 else { return .success(result) }
        let errno = Errno.current
        if retryOnInterrupt && errno.rawValue == EINTR { continue }
        return .failure(errno)
    }
}

/// Closes a descriptor vigil owns: the one place that does. Never retried: on Linux the
/// descriptor is gone even when close reports EINTR.
func closeDescriptor(_ fd: Int32) {
    _ = close(fd)
}
