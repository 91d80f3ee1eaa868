/// What ended the container: the first decision that started the end.
enum Ending: Equatable {
    case mainExited(ChildState)
    /// TERM, INT or QUIT reached vigil (`docker stop`, ^C).
    case stopRequest(signal: Int32)
    case initFailed(name: String, how: ChildState)
    /// A required sidecar went down for good.
    case requiredFailed(name: String, how: ChildState)
    /// A run of a required scheduled task failed.
    case taskFailed(name: String, how: ChildState)
    /// The main process, or a required sidecar that then stayed down, failed its liveness check.
    case livenessFailed(name: String)
    case mainCouldNotStart(errno: Int32)
    case waitFailed
    /// supervisorctl's `shutdown` (XML-RPC `supervisor.shutdown`).
    case shutdownRequested
}

/// Why vigil exited, as it says it in one line, and as the termination message (the same
/// line, then each sidecar's restart count), built from plain values.
struct ExitReport: Equatable {
    struct Restarts: Equatable {
        let name: String
        let count: Int
    }

    var code: Int32
    var cause: Ending?
    /// How the main process ended, if it ran.
    var main: ChildState?
    /// From the start of the end to the exit.
    var stopTook: Int64?
    /// Supervised processes (and the main process) SIGKILLed at the end of their grace.
    var killed: [String] = []
    /// Other processes SIGKILLed when the grace period ran out.
    var leftoversKilled = 0
    var restarts: [Restarts] = []

    /// Something went wrong that the log has not said whole: a failure ended the container, or
    /// something had to be SIGKILLed. A main process that could not start has its own line
    /// already; an ending by the main process or a stop request, with everything stopped in
    /// time, is the clean case.
    var isWorthSaying: Bool {
        guard killed.isEmpty && leftoversKilled == 0 else { return true }
        switch cause {
        case .initFailed, .requiredFailed, .taskFailed, .livenessFailed, .waitFailed: return true
        case .mainExited, .stopRequest, .mainCouldNotStart, .shutdownRequested, nil: return false
        }
    }

    /// `exiting with 143: stop request (SIGTERM); main killed by SIGTERM; the stop took 1.2s`.
    var line: LogText {
        var text: LogText = "exiting with \(code): "
        text.append(causeText)
        if let main, !mainIsTheCause { text.append("; main \(describe(main))") }
        if let stopTook, stopTook >= Durations.millisecond { text.append("; the stop took \(Durations.format(stopTook))") }
        if !killed.isEmpty || leftoversKilled > 0 {
            var who = killed.joined(separator: ", ")
            if leftoversKilled > 0 {
                let others = decimal(leftoversKilled) + (leftoversKilled == 1 ? " other process" : " other processes")
                who += who.isEmpty ? others : " and " + others
            }
            text.append("; SIGKILL at the end of the grace: \(who)")
        }
        return text
    }

    /// The termination message: the line, then `restarts: log 0, metrics 2` when there are
    /// sidecars; at most `longest` bytes.
    func message(longest: Int) -> [UInt8] {
        var bytes = line.bytes + [0x0A]
        if !restarts.isEmpty {
            let list = restarts.map { $0.name + " " + decimal($0.count) }.joined(separator: ", ")
            let text: LogText = "restarts: \(list)\n"
            bytes += text.bytes
        }
        return Array(bytes.prefix(longest))
    }

    private var mainIsTheCause: Bool {
        if case .mainExited = cause { return true }
        return false
    }

    private var causeText: LogText {
        switch cause {
        case .mainExited(let how): return "main \(describe(how))"
        case .stopRequest(let signal): return "stop request (\(SignalNames.name(of: signal)))"
        case .initFailed(let name, let how): return "init task \(name) \(describe(how))"
        case .requiredFailed(let name, let how): return "required sidecar \(name) \(describe(how)) and stays down"
        case .taskFailed(let name, let how): return "a run of required task \(name) \(describe(how))"
        case .livenessFailed(let name): return "\(name) failed its liveness check"
        case .mainCouldNotStart(let errno): return "main could not be started: \(SystemError.reason(errno))"
        case .waitFailed: return "waiting for events failed"
        case .shutdownRequested: return "shutdown requested over XML-RPC"
        case nil: return "nothing was left to supervise"
        }
    }
}
