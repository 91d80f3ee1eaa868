/// The options vigil understands. The parser, the environment reader and `--help` all read
/// this one table, so they cannot drift apart.
enum OptionID: Equatable {
    case help, version, group, subreaper, parentDeathSignal, exitMap, verbose, quiet, warnReap
    case stopSignal, grace, killAfter, repeatStopKills, pause, rewrite, session
    // Several processes.
    case initTask, sidecar, config, terminationLog
    // Scheduled tasks.
    case task, crontab
    // Procfiles.
    case procfile, dryRun
    // The per-process settings' own flags (`ProcessSettings.table`).
    case ready, restart, required, backoff, backoffMax, backoffReset, maxRestarts, startTimeout, readyTimeout
    case schedule, tz, concurrency, timeLimit
    case live, livePeriod, liveTimeout, liveFailures, after
    case env, envFile, workdir, user, prefixOutput
}

struct OptionSpec {
    let id: OptionID
    let short: UInt8?
    let long: String
    /// Name of the value in help text; nil for a flag.
    let valueName: String?
    /// The value may be left out (only `--name=VALUE` gives one).
    var optionalValue = false
    /// The environment variable that sets the same option.
    let environment: String?
    let summary: String
}

enum OptionTable {
    static let all: [OptionSpec] = [
        OptionSpec(id: .group, short: UInt8(ascii: "g"), long: "group", valueName: nil,
                   environment: "VIGIL_GROUP",
                   summary: "forward signals to the child's process group"),
        OptionSpec(id: .subreaper, short: UInt8(ascii: "s"), long: "subreaper", valueName: nil,
                   environment: "VIGIL_SUBREAPER",
                   summary: "fail unless registered as child subreaper (automatic when not PID 1)"),
        OptionSpec(id: .parentDeathSignal, short: UInt8(ascii: "p"), long: "parent-death-signal",
                   valueName: "SIG", environment: "VIGIL_PARENT_DEATH_SIGNAL",
                   summary: "receive SIG when vigil's parent dies, and forward it"),
        OptionSpec(id: .exitMap, short: UInt8(ascii: "e"), long: "exit-map", valueName: "CODE",
                   environment: "VIGIL_EXIT_MAP",
                   summary: "exit 0 when the child exits with CODE (repeatable; env: comma list)"),
        OptionSpec(id: .stopSignal, short: nil, long: "stop-signal", valueName: "SIG",
                   environment: "VIGIL_STOP_SIGNAL",
                   summary: "signal for what is left when the child exits (default TERM); NAME=SIG: a process's"),
        OptionSpec(id: .grace, short: nil, long: "grace", valueName: "DURATION",
                   environment: "VIGIL_GRACE",
                   summary: "time the rest has to stop before SIGKILL (default 5s); NAME=DURATION: a process's share"),
        OptionSpec(id: .killAfter, short: nil, long: "kill-after", valueName: "DURATION",
                   environment: "VIGIL_KILL_AFTER",
                   summary: "SIGKILL the child this long after the first stop request"),
        OptionSpec(id: .repeatStopKills, short: nil, long: "repeat-stop-kills", valueName: nil,
                   environment: "VIGIL_REPEAT_STOP_KILLS",
                   summary: "a second TERM/INT/QUIT SIGKILLs everything at once"),
        OptionSpec(id: .pause, short: nil, long: "pause", valueName: nil,
                   environment: "VIGIL_PAUSE",
                   summary: "run no command: reap orphans until TERM, INT or QUIT (pod pause)"),
        OptionSpec(id: .rewrite, short: nil, long: "rewrite", valueName: "FROM:TO",
                   environment: "VIGIL_REWRITE",
                   summary: "forward signal FROM as TO; TO 0 or none drops it (repeatable)"),
        OptionSpec(id: .session, short: nil, long: "session", valueName: nil,
                   environment: "VIGIL_SESSION",
                   summary: "child leads a session with the terminal; ^Z stops vigil too"),
        OptionSpec(id: .warnReap, short: UInt8(ascii: "w"), long: "warn-reap", valueName: nil,
                   environment: "VIGIL_WARN_REAP",
                   summary: "log each reaped process other than the child, with PID and name"),
        OptionSpec(id: .verbose, short: UInt8(ascii: "v"), long: "verbose", valueName: nil,
                   environment: "VIGIL_VERBOSITY",
                   summary: "log more (repeatable); env: level 0-3"),
        OptionSpec(id: .quiet, short: UInt8(ascii: "q"), long: "quiet", valueName: nil,
                   environment: nil,
                   summary: "log errors only"),
        OptionSpec(id: .initTask, short: nil, long: "init", valueName: "[NAME=]CMD", environment: nil,
                   summary: "run CMD to completion before anything else (repeatable, in order)"),
        OptionSpec(id: .sidecar, short: nil, long: "sidecar", valueName: "[NAME=]CMD", environment: nil,
                   summary: "keep CMD running beside the command, restarted (repeatable, in order)"),
        OptionSpec(id: .task, short: nil, long: "task", valueName: "[NAME=]CMD", environment: nil,
                   summary: "run CMD on the schedule --schedule NAME=EXPR gives (repeatable)"),
        OptionSpec(id: .crontab, short: nil, long: "crontab", valueName: "FILE", environment: "VIGIL_CRONTAB",
                   summary: "run the tasks of a crontab file, read as supercronic reads it"),
        OptionSpec(id: .procfile, short: nil, long: "procfile", valueName: "FILE", optionalValue: true,
                   environment: "VIGIL_PROCFILE",
                   summary: "run a Procfile as honcho does (bare: first operand or ./Procfile); operands: TYPEs"),
        OptionSpec(id: .dryRun, short: nil, long: "dry-run", valueName: nil, environment: nil,
                   summary: "with --procfile: print the processes it would run, and run nothing"),
        OptionSpec(id: .config, short: nil, long: "config", valueName: "FILE", environment: "VIGIL_CONFIG",
                   summary: "read options and processes from FILE (a TOML subset)"),
        OptionSpec(id: .terminationLog, short: nil, long: "termination-log", valueName: "PATH",
                   environment: "VIGIL_TERMINATION_LOG",
                   summary: "write why vigil exited to PATH (default: /dev/termination-log if writable)"),
    ] + settingFlags + [
        OptionSpec(id: .help, short: UInt8(ascii: "h"), long: "help", valueName: nil,
                   environment: nil, summary: "print this help, or a topic's, and exit"),
        OptionSpec(id: .version, short: nil, long: "version", valueName: nil,
                   environment: nil, summary: "print the version and exit"),
    ]

    /// The per-process settings that have flags of their own, in the table's order.
    private static var settingFlags: [OptionSpec] {
        ProcessSettings.table.compactMap { setting in
            switch setting.flag {
            case .valued(let id, let valueName):
                return OptionSpec(id: id, short: nil, long: setting.name, valueName: valueName,
                                  environment: nil, summary: setting.summary)
            case .naming(let id):
                return OptionSpec(id: id, short: nil, long: setting.name, valueName: "NAME",
                                  environment: nil, summary: setting.summary)
            case .optionalNaming(let id):
                return OptionSpec(id: id, short: nil, long: setting.name, valueName: "NAME",
                                  optionalValue: true, environment: nil, summary: setting.summary)
            case .sharedWithOption:
                return nil
            }
        }
    }

    static func spec(_ id: OptionID) -> OptionSpec {
        for spec in all where spec.id == id { return spec }
        preconditionFailure("every option is in the table")
    }

    static func spec(long: some Collection<UInt8>) -> OptionSpec? {
        for spec in all where ASCII.equals(long, spec.long) { return spec }
        return nil
    }

    /// The table as the option scanner reads it.
    static let scannerOptions: [OptionScanner<OptionID>.Option] = all.map {
        OptionScanner.Option($0.id, short: $0.short.map { Unicode.Scalar($0) }, long: $0.long, value: $0.valueName,
                             optionalValue: $0.optionalValue)
    }
}
