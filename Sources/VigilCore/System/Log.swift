import CLinux

/// Writes vigil's own messages to stderr, one `write` per line so that lines from vigil and
/// its child do not interleave mid-line. stdout belongs to the application.
struct Log: Sendable {
    /// How a line starts.
    enum Style: Equatable, Sendable {
        /// `vigil: warning: text`, with the program name vigil runs under.
        case named(String)
        /// `[WARN  tini (PID)] text`, as tini writes them, for log scrapers written for it.
        case bracketed(String)
    }

    var verbosity: Int
    var style: Style

    init(verbosity: Int = Verbosity.warnings, style: Style = .named("vigil")) {
        self.verbosity = verbosity
        self.style = style
    }

    // Messages are autoclosures: a line below the verbosity is never even built, which keeps
    // the per-signal and per-reap paths free of text work.

    /// Always printed, even with `-q`.
    func error(_ message: @autoclosure () -> LogText) { emit(.errors, message()) }

    func warning(_ message: @autoclosure () -> LogText) {
        if verbosity >= Verbosity.warnings { emit(.warnings, message()) }
    }

    func info(_ message: @autoclosure () -> LogText) {
        if verbosity >= Verbosity.info { emit(.info, message()) }
    }

    func debug(_ message: @autoclosure () -> LogText) {
        if verbosity >= Verbosity.debug { emit(.debug, message()) }
    }

    private enum Level { case errors, warnings, info, debug }

    private func emit(_ level: Level, _ message: LogText) {
        let line: LogText
        switch style {
        case .named(let program):
            switch level {
            case .errors, .info: line = "\(program): \(message)\n"
            case .warnings: line = "\(program): warning: \(message)\n"
            case .debug: line = "\(program): debug: \(message)\n"
            }
        case .bracketed(let program):
            let tag: LogText
            switch level {
            case .errors: tag = "FATAL"
            case .warnings: tag = "WARN "
            case .info: tag = "INFO "
            case .debug: tag = "DEBUG"
            }
            line = "[\(tag) \(program) (\(getpid()))] \(message)\n"
        }
        Output.write(line.bytes, to: 2)
    }
}

/// Raw writes to a file descriptor, retried until complete.
enum Output {
    static func write(_ text: String, to fd: Int32) {
        write(Array(text.utf8), to: fd)
    }

    static func write(_ bytes: [UInt8], to fd: Int32) {
        bytes.withUnsafeBufferPointer { bytes in
            var offset = 0
            while offset < bytes.count {
                let result = valueOrErrno { CLinux.write(fd, bytes.baseAddress! + offset, bytes.count - offset) }
                guard case .success(let written) = result, written > 0 else { return }
                offset += written
            }
        }
    }
}
