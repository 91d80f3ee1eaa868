import CLinux

/// Writes vigil's own messages to stderr, one `write` per line so that lines from vigil and
/// its child do not interleave mid-line. stdout belongs to the application.
public struct Log: Sendable {
    public var verbosity: Int
    public var programName: String

    public init(verbosity: Int = Verbosity.warnings, programName: String = "vigil") {
        self.verbosity = verbosity
        self.programName = programName
    }

    // Messages are autoclosures: a line below the verbosity is never even built, which keeps
    // the per-signal and per-reap paths free of string work.

    /// Always printed, even with `-q`.
    public func error(_ message: @autoclosure () -> String) { emit(message()) }

    public func warning(_ message: @autoclosure () -> String) {
        if verbosity >= Verbosity.warnings { emit("warning: " + message()) }
    }

    public func info(_ message: @autoclosure () -> String) {
        if verbosity >= Verbosity.info { emit(message()) }
    }

    public func debug(_ message: @autoclosure () -> String) {
        if verbosity >= Verbosity.debug { emit("debug: " + message()) }
    }

    private func emit(_ message: String) {
        Output.write("\(programName): \(message)\n", to: 2)
    }
}

/// Raw writes to a file descriptor, retried until complete.
public enum Output {
    public static func write(_ text: String, to fd: Int32) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = retryingInterrupts {
                    Int32(truncatingIfNeeded: CLinux.write(fd, bytes.baseAddress! + offset, bytes.count - offset))
                }
                if written <= 0 { return }
                offset += Int(written)
            }
        }
    }
}
