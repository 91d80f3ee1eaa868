import CLinux

/// Everything the command line and the environment can set.
public struct Configuration: Equatable, Sendable {
    /// Forward signals to the child's process group rather than to the child alone (`-g`).
    public var forwardToGroup = false
    /// Fail unless the kernel accepts vigil as a child subreaper (`-s`).
    public var requireSubreaper = false
    /// Signal vigil asks to receive when its parent dies (`-p`).
    public var parentDeathSignal: Int32? = nil
    /// Child exit codes reported as 0 (`-e`).
    public var exitMap = ExitMap()
    /// 0 errors only, 1 warnings (default), 2 info, 3 and up debug (`-q`, `-v`).
    public var verbosity = Verbosity.warnings
    /// Log every reaped process that is not the main child (`-w`).
    public var warnOnReap = false
    /// Sent to what is left when the main child has exited (`--stop-signal`).
    public var stopSignal: Int32 = SIGTERM
    /// How long the rest may take to stop before SIGKILL, in nanoseconds (`--grace`).
    public var grace: Int64 = 5 * Durations.second
    /// SIGKILL the main child this long after the first stop request (`--kill-after`).
    public var killAfter: Int64? = nil
    /// A second stop request during shutdown SIGKILLs everything at once (`--repeat-stop-kills`).
    public var repeatedStopKills = false
    /// Signals forwarded as another signal or dropped (`--rewrite`).
    public var rewrite = SignalRewrite()
    /// The child leads its own session with the terminal; job-control signals stop vigil too
    /// (`--session`, dumb-init's default).
    public var session = false
    /// After forwarding TSTP, TTIN or TTOU, stop vigil too (SIGSTOP), so that a shell or
    /// supervisor above sees the job stop; CONT resumes vigil and is forwarded. Session mode
    /// and every dumb-init mode.
    public var stopsWithTerminalStopSignals = false
    /// Session mode's consequences: signals go to the child's process group (the session it
    /// leads), and terminal stop signals become SIGSTOP unless the user rewrote them.
    mutating func applySessionDefaults() {
        guard session else { return }
        forwardToGroup = true
        stopsWithTerminalStopSignals = true
        rewrite.stopOnTerminalSignals()
    }
    /// The child starts with the signal mask vigil was started with (tini's rule), rather than
    /// an empty one. Either way, signals ignored when vigil started stay ignored in the child.
    public var childInheritsSignalMask = false
    /// Whose words the log lines use.
    public var wording = Wording.vigil

    /// The tool vigil stands in for.
    public var personality = Personality.vigil
    /// When the main child exits, stop the rest of the tree gracefully before exiting. Off
    /// under the names tini and dumb-init unless a `VIGIL_*` shutdown variable is set.
    public var stopsTheRest = true

    public init() {}
}

/// Log levels, as numbers so that `-vvv` and `VIGIL_VERBOSITY=3` mean the same.
public enum Verbosity {
    public static let errors = 0
    public static let warnings = 1
    public static let info = 2
    public static let debug = 3
}

/// What the command line asks vigil to do.
public enum Invocation: Equatable, Sendable {
    /// Supervise the command made of these entries of the argument vector, in this order
    /// (tini's option parsing may leave options between them).
    case run(Configuration, command: [Int])
    /// Pause mode: no child; reap orphans until a stop request.
    case pause(Configuration)
    /// Print this text on stdout and exit 0 (help, version, licence).
    case show(String)
}

/// A problem with the command line or an environment variable: exit code 2.
public struct UsageError: Error, Equatable {
    /// The problem, without the program name: "unknown option '--foo'".
    public let message: String
    /// The line after it: where to find help.
    public var hint: String? = nil

    public init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }

    /// The problem line and the hint, as printed on stderr.
    public func rendered(programName: String) -> String {
        "\(programName): \(message)\n\(hint ?? "Try '\(programName) --help' for more information.")\n"
    }
}
