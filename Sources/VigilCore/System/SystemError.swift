import CLinux

/// A failed system call: which operation, and the errno it left.
public struct SystemError: Error, Equatable {
    public let operation: String
    public let errno: Int32

    public init(_ operation: String, errno: Int32) {
        self.operation = operation
        self.errno = errno
    }

    /// Captures the current errno.
    static func last(_ operation: String) -> SystemError {
        SystemError(operation, errno: clinux_errno())
    }

    /// "operation: reason", for log lines.
    public var description: String { "\(operation): \(SystemError.reason(errno))" }

    /// strerror's text for an errno value.
    public static func reason(_ errno: Int32) -> String {
        guard let text = strerror(errno) else { return "error \(errno)" }
        return String(cString: text)
    }
}

/// Calls `body` until it stops failing with EINTR. The one place that rule lives.
@inline(__always)
func retryingInterrupts(_ body: () -> Int32) -> Int32 {
    while true {
        let result = body()
        if result != -1 || clinux_errno() != EINTR { return result }
    }
}
