/// How a child changed state, decoded from a `waitpid` status word. The W* macros do not
/// import into Swift, so this follows Linux's bit layout.
enum ChildState: Equatable, Sendable {
    case exited(code: Int32)
    case killed(signal: Int32, coreDumped: Bool)
    case stopped(signal: Int32)
    case continued

    init(waitStatus status: Int32) {
        let low = status & 0x7F
        if low == 0 {
            self = .exited(code: (status >> 8) & 0xFF)
        } else if status & 0xFF == 0x7F {
            self = .stopped(signal: (status >> 8) & 0xFF)
        } else if status == 0xFFFF {
            self = .continued
        } else {
            self = .killed(signal: low, coreDumped: status & 0x80 != 0)
        }
    }

    /// The shell convention: the exit code, or 128 + N for a process killed by signal N.
    /// Nil for states that do not end the process.
    var exitCode: Int32? {
        switch self {
        case .exited(let code): return code
        case .killed(let signal, _): return 128 + signal
        case .stopped, .continued: return nil
        }
    }
}

/// The exit codes that vigil reports as 0 (`--exit-map`).
struct ExitMap: Equatable, Sendable {
    /// Sorted, without duplicates.
    private(set) var codes: [UInt8] = []

    init(_ codes: [UInt8] = []) {
        for code in codes { insert(code) }
    }

    var isEmpty: Bool { codes.isEmpty }

    mutating func insert(_ code: UInt8) {
        guard !codes.contains(code) else { return }
        codes.append(code)
        codes.sort()
    }

    /// The code vigil exits with for a child that ended with `code`.
    func apply(_ code: Int32) -> Int32 {
        guard code >= 0 && code <= 255 else { return code }
        return codes.contains(UInt8(code)) ? 0 : code
    }
}

/// "exited with code 3", "killed by SIGTERM (core dumped)": for log lines.
func describe(_ state: ChildState) -> String {
    switch state {
    case .exited(let code): return "exited with code " + decimal(code)
    case .killed(let signal, let core):
        return "killed by " + SignalNames.name(of: signal) + (core ? " (core dumped)" : "")
    case .stopped(let signal): return "stopped by " + SignalNames.name(of: signal)
    case .continued: return "continued"
    }
}
