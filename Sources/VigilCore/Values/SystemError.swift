import CLinux

/// An errno value.
struct Errno: Error, Equatable {
    let rawValue: Int32

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

    /// "operation: reason", for log lines.
    var description: String { operation + ": " + SystemError.reason(errno) }

    /// strerror's text for an errno value.
    static func reason(_ errno: Int32) -> String { Errno(rawValue: errno).reason }
}
