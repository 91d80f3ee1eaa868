import CLinux

/// Writes vigil's own messages to stderr, one `write` per line so that lines from vigil and
/// its child do not interleave mid-line. stdout belongs to the application.
public struct Log: Sendable {
    /// How a line starts.
    public enum Style: Equatable, Sendable {
        /// `vigil: warning: text`, with the program name vigil runs under.
        case named(String)
        /// tini's `[WARN  tini (PID)] text`, for log scrapers written for tini.
        case tini
    }

    public var verbosity: Int
    public var style: Style

    public init(verbosity: Int = Verbosity.warnings, style: Style = .named("vigil")) {
        self.verbosity = verbosity
        self.style = style
    }

    // Messages are autoclosures: a line below the verbosity is never even built, which keeps
    // the per-signal and per-reap paths free of string work.

    /// Always printed, even with `-q`.
    public func error(_ message: @autoclosure () -> String) { emit(.errors, message()) }

    public func warning(_ message: @autoclosure () -> String) {
        if verbosity >= Verbosity.warnings { emit(.warnings, message()) }
    }

    public func info(_ message: @autoclosure () -> String) {
        if verbosity >= Verbosity.info { emit(.info, message()) }
    }

    public func debug(_ message: @autoclosure () -> String) {
        if verbosity >= Verbosity.debug { emit(.debug, message()) }
    }

    private enum Level { case errors, warnings, info, debug }

    private func emit(_ level: Level, _ message: String) {
        let line: String
        switch style {
        case .named(let program):
            switch level {
            case .errors, .info: line = "\(program): \(message)\n"
            case .warnings: line = "\(program): warning: \(message)\n"
            case .debug: line = "\(program): debug: \(message)\n"
            }
        case .tini:
            let tag: String
            switch level {
            case .errors: tag = "FATAL"
            case .warnings: tag = "WARN "
            case .info: tag = "INFO "
            case .debug: tag = "DEBUG"
            }
            line = "[\(tag) tini (\(getpid()))] \(message)\n"
        }
        Output.write(line, to: 2)
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
