import CLinux

/// Which tool vigil stands in for, chosen by the name it was run under. Under `tini` or
/// `docker-init` it takes tini's options and semantics, under `dumb-init` dumb-init's, so that
/// swapping the binary changes nothing a user relies on.
public enum Personality: Equatable, Sendable {
    case vigil
    case tini
    case dumbInit

    /// From argv[0]: its last path component.
    public static func detect(_ argv0: String) -> Personality {
        let bytes = Array(argv0.utf8)
        let start = (bytes.lastIndex(of: UInt8(ascii: "/")).map { $0 + 1 }) ?? 0
        let name = bytes[start...]
        if ASCII.equals(name, "tini") || ASCII.equals(name, "tini-static") || ASCII.equals(name, "docker-init") {
            return .tini
        }
        if ASCII.equals(name, "dumb-init") { return .dumbInit }
        return .vigil
    }

    /// The prefix of log lines.
    public var programName: String {
        switch self {
        case .vigil: return "vigil"
        case .tini: return "tini"
        case .dumbInit: return "dumb-init"
        }
    }

    /// tini and dumb-init both exit 1 on a bad command line.
    public var usageExitCode: Int32 {
        self == .vigil ? ExitCodes.usage : 1
    }

    /// When vigil itself cannot work: 125 (as Docker uses for its own failures), 1 for tini and
    /// dumb-init, which exit 1 on every failure of their own.
    public var internalFailureExitCode: Int32 {
        self == .vigil ? ExitCodes.internalFailure : 1
    }

    /// vigil registers as a subreaper whenever it is not PID 1; tini only when asked (and
    /// warns otherwise); dumb-init never does.
    public var registersSubreaperByDefault: Bool { self == .vigil }

    /// Like execvp, tini and dumb-init run a file without `#!` through /bin/sh.
    public var runsScriptsWithoutShebangThroughShell: Bool { self != .vigil }

    /// The exit code when the command cannot be started.
    public func spawnFailureExitCode(errno: Int32) -> Int32 {
        switch self {
        case .vigil: return ExitCodes.forSpawnFailure(errno: errno)
        case .tini: return errno == ENOENT ? 127 : errno == EACCES ? 126 : 1
        case .dumbInit: return 2
        }
    }
}
