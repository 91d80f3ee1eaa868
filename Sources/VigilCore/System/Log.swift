import CLinux

/// Writes vigil's own messages to stderr, one `write` per line so that lines from vigil and
/// its child do not interleave mid-line. stdout belongs to the application.
///
/// A log line never blocks PID 1: a stderr that nobody reads (a stalled log collector's full
/// pipe) would otherwise stop the reaping. A line that cannot be written at once is dropped
/// and counted, and the count is said once output flows again. stderr itself stays blocking:
/// the application shares that open file.
struct Log {
    var verbosity: Int
    var style: LogStyle
    let output: LogOutput

    init(verbosity: Int = Verbosity.warnings, style: LogStyle = .named("vigil"), output: LogOutput = LogOutput(fd: 2)) {
        self.verbosity = verbosity
        self.style = style
        self.output = output
    }

    // Messages are autoclosures: a line below the verbosity is never even built, which keeps
    // the per-signal and per-reap paths free of text work.

    /// Always printed, even with `-q`; `vigil: error: text`.
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
        if output.dropped > 0 {
            guard output.write(line(.warnings, "\(output.dropped) log lines dropped: stderr was not writable")) else {
                output.dropped += 1
                return
            }
            output.dropped = 0
        }
        if !output.write(line(level, message)) { output.dropped += 1 }
    }

    private func line(_ level: Level, _ message: LogText) -> [UInt8] {
        let line: LogText
        switch style {
        case .named(let program):
            switch level {
            case .errors: line = "\(program): error: \(message)"
            case .info: line = "\(program): \(message)"
            case .warnings: line = "\(program): warning: \(message)"
            case .debug: line = "\(program): debug: \(message)"
            }
        case .bracketed(let program):
            let tag: LogText
            switch level {
            case .errors: tag = "FATAL"
            case .warnings: tag = "WARN "
            case .info: tag = "INFO "
            case .debug: tag = "DEBUG"
            }
            line = "[\(tag) \(program) (\(getpid()))] \(message)"
        }
        // A pipe takes a write of up to PIPE_BUF bytes whole: longer lines are cut.
        var bytes = line.bytes
        if bytes.count > LogOutput.longestLine - 1 {
            bytes.removeLast(bytes.count - (LogOutput.longestLine - 4))
            bytes.append(contentsOf: [0x2E, 0x2E, 0x2E])
        }
        bytes.append(0x0A)
        return bytes
    }
}

/// stderr for log lines: written only when that cannot block.
final class LogOutput {
    /// PIPE_BUF: the most a pipe takes in one write, whole.
    static let longestLine = 4096

    let fd: Int32
    /// Lines dropped since the last one written.
    var dropped = 0

    init(fd: Int32) {
        self.fd = fd
    }

    /// Writes `line` whole, or not at all when that would block. True when written (or when
    /// stderr is gone altogether: nobody can be told then).
    func write(_ line: [UInt8]) -> Bool {
        let written = line.withUnsafeBufferPointer { buffer in
            valueOrErrno { clinux_write_without_blocking(fd, buffer.baseAddress, buffer.count) }
        }
        switch written {
        case .success(let count) where count == line.count: return true
        case .success(let count):
            // Only a file or terminal ever takes part of a line: finish it (they do not stall).
            Output.write(Array(line[count...]), to: fd)
            return true
        case .failure(let errno): return errno.rawValue != EAGAIN
        }
    }
}

/// Raw writes to a file descriptor, retried until complete.
enum Output {
    @discardableResult
    static func write(_ text: String, to fd: Int32) -> Bool {
        write(Array(text.utf8), to: fd)
    }

    /// Writes all of `bytes`; false when the descriptor refuses them (a closed pipe).
    @discardableResult
    static func write(_ bytes: [UInt8], to fd: Int32) -> Bool {
        bytes.withUnsafeBufferPointer { bytes in
            var offset = 0
            while offset < bytes.count {
                let result = valueOrErrno { CLinux.write(fd, bytes.baseAddress! + offset, bytes.count - offset) }
                guard case .success(let written) = result, written > 0 else { return false }
                offset += written
            }
            return true
        }
    }
}
