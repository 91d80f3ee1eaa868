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
    /// Supervise the command that starts at `commandIndex` of the argument vector.
    case run(Configuration, commandIndex: Int)
    /// Pause mode: no child; reap orphans until a stop request.
    case pause(Configuration)
    case help
    case version
}

/// A problem with the command line or an environment variable: exit code 2.
public struct UsageError: Error, Equatable {
    /// The problem, without the program name: "unknown option '--foo'".
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    /// The problem line and the GNU-style hint, as printed on stderr.
    public func rendered(programName: String) -> String {
        "\(programName): \(message)\nTry '\(programName) --help' for more information.\n"
    }
}
