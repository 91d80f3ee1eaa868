import CLinux

/// Which tool vigil stands in for, chosen by the name it was run under. Under `tini` or
/// `docker-init` it takes tini's options and semantics, under `dumb-init` dumb-init's, under
/// `my_init` phusion/baseimage's my_init's (`MyInitPersonality`), so that swapping the binary
/// changes nothing a user relies on.
///
/// This is the only place that knows those tools: each resolves into a `Configuration` of plain
/// values, and nothing after parsing asks which tool it was.
enum Personality: Equatable {
    case vigil
    case tini
    case dumbInit
    /// supervisord's configuration and command line, supervisord's states (`SupervisordPersonality`).
    case supervisord
    /// A client: supervisorctl's commands over supervisord's XML-RPC (never an init).
    case supervisorctl
    case myInit
    /// baseimage's `setuser USER COMMAND...`: an exec as another user (never an init).
    case setuser

    /// From argv[0]: its last path component.
    static func detect(_ argv0: String) -> Personality {
        let bytes = Array(argv0.utf8)
        let start = (bytes.lastIndex(of: UInt8(ascii: "/")).map { $0 + 1 }) ?? 0
        let name = bytes[start...]
        if ASCII.equals(name, "tini") || ASCII.equals(name, "tini-static") || ASCII.equals(name, "docker-init") {
            return .tini
        }
        if ASCII.equals(name, "dumb-init") { return .dumbInit }
        if ASCII.equals(name, "supervisord") { return .supervisord }
        if ASCII.equals(name, "supervisorctl") { return .supervisorctl }
        if ASCII.equals(name, "my_init") { return .myInit }
        if ASCII.equals(name, "setuser") { return .setuser }
        return .vigil
    }

    /// The prefix of usage errors and log lines.
    var programName: String {
        switch self {
        case .vigil: return "vigil"
        case .tini: return "tini"
        case .dumbInit: return "dumb-init"
        case .supervisord: return "supervisord"
        case .supervisorctl: return "supervisorctl"
        case .myInit: return "my_init"
        case .setuser: return "setuser"
        }
    }

    /// The tool's own behaviour, before its options.
    var defaults: Configuration {
        var configuration = Configuration()
        switch self {
        case .vigil:
            break
        case .myInit:
            return MyInitPersonality.defaults
        case .tini:
            configuration.controlChannel = false
            configuration.explainsExit = false
            configuration.mainChildExit = .exitAtOnce
            configuration.continuesStoppedProcesses = false
            configuration.subreaper = .off(warn: true)
            configuration.shellFallback = true
            configuration.childInheritsSignalMask = true
            configuration.exitCodes = .tini
            configuration.logStyle = .bracketed("tini")
            configuration.wording = .tini
        case .dumbInit:
            configuration.controlChannel = false
            configuration.explainsExit = false
            configuration.mainChildExit = .forwardTermAndExit
            configuration.continuesStoppedProcesses = false
            configuration.subreaper = .off(warn: false)
            configuration.shellFallback = true
            configuration.grouping = .newSession
            // dumb-init stops itself after forwarding TSTP, TTIN or TTOU in single-child mode too.
            configuration.stopsWithTerminalStopSignals = true
            configuration.exitCodes = .dumbInit
            configuration.logStyle = .named("dumb-init")
        case .supervisord, .supervisorctl, .setuser:
            // No main command, and supervisorctl is the control channel; setuser only execs.
            configuration.controlChannel = false
        }
        return configuration
    }

    /// Parses the command line the way the tool would. `readFile` reads vigil's configuration
    /// file.
    func parse(
        _ arguments: [String], environment: (String) -> String?,
        readFile: (String) -> Result<[UInt8], Errno> = { _ in .failure(Errno(rawValue: 2)) },
        realtime: RealtimeSignals = .current, supervisordHost: () -> SupervisordHost = { SupervisordHost() }
    ) throws(UsageError) -> Invocation {
        switch self {
        case .vigil:
            return try VigilCommandLine(realtime: realtime).parse(arguments, environment: environment, readFile: readFile)
        case .tini: return try TiniCommandLine(realtime: realtime).parse(arguments, environment: environment)
        case .dumbInit: return try DumbInitCommandLine(realtime: realtime).parse(arguments, environment: environment)
        case .supervisord: return try SupervisordPersonality.parse(arguments, host: supervisordHost(), realtime: realtime)
        case .supervisorctl: throw UsageError("supervisorctl is a client: it does not run processes")
        case .myInit: return try MyInitPersonality.parse(arguments, environment: environment)
        case .setuser: throw UsageError("setuser runs one command as a user: it does not supervise")
        }
    }
}

extension ExitCodes {
    /// tini: 127 not found, 126 permission denied, 1 for its own failures and usage.
    static let tini = ExitCodes(
        usage: 1, internalFailure: 1, spawnFailures: [SpawnFailure(ENOENT, 127), SpawnFailure(EACCES, 126)],
        otherSpawnFailure: 1)
    /// dumb-init: 2 whenever the command cannot run, 1 for usage and its own failures.
    static let dumbInit = ExitCodes(usage: 1, internalFailure: 1, spawnFailures: [], otherSpawnFailure: 2)
}

/// Parses the command line the way the tool vigil was run as would.
enum InvocationParser {
    static func parse(
        _ arguments: [String], environment: (String) -> String?, realtime: RealtimeSignals = .current
    ) throws(UsageError) -> Invocation {
        try Personality.detect(arguments.first ?? "vigil").parse(arguments, environment: environment, realtime: realtime)
    }
}
