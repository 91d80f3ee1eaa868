/// Collects vigil's own options from each source in turn (environment, configuration file,
/// command line) into one `Configuration`. Every source goes through `set`, so a flag, a
/// variable and a file key with the same name mean the same thing.
struct ConfigurationBuilder {
    let realtime: RealtimeSignals
    var configuration = Configuration()
    var pause = false
    /// Init tasks and sidecars as defined, the file's first.
    var processes: [ProcessSpec] = []
    /// Per-process settings given by process name, applied once every process is defined.
    var settings: [(setting: String, name: String, value: String, place: String)] = []
    /// The main command from the configuration file.
    var fileMainCommand: [String]? = nil
    /// `--prefix-output` without a name: every process.
    var prefixEverything = false
    /// Crontab files to read once every source is in (`--crontab`, `VIGIL_CRONTAB`, the
    /// file's `crontab`): each with the flag or place that named it.
    var crontabs: [ProcessSpec.NamedFile] = []
    /// `--procfile`, its `--env-file FILE`s and `--dry-run` (`ConfigurationBuilder+Procfile`).
    var procfileRun = ProcfileRun()
    // Lists a source replaces as a whole: `-e` on the command line replaces VIGIL_EXIT_MAP.
    private var exitMapTouched = false
    private var rewriteTouched = false
    private var crontabTouched = false
    private var verbosityCount: Int? = nil

    init(realtime: RealtimeSignals) {
        self.realtime = realtime
    }

    /// The next source starts: its first list entry replaces the list.
    mutating func beginSource() {
        exitMapTouched = false
        rewriteTouched = false
        crontabTouched = false
        verbosityCount = nil
    }

    /// One option from the command line or the file. `value` is nil for a flag given alone;
    /// `shown` names it in errors (`--grace`, `vigil.toml:3:1: grace`).
    mutating func set(_ id: OptionID, _ value: String?, shown: String) throws(UsageError) {
        let text = value ?? ""
        switch id {
        case .help, .version, .config:
            break
        case .group: configuration.forwardToGroup = try flag(value, shown)
        case .subreaper: configuration.subreaper = try flag(value, shown) ? .required : .automatic
        case .warnReap: configuration.warnOnReap = try flag(value, shown)
        case .repeatStopKills: configuration.repeatedStopKills = try flag(value, shown)
        case .session: configuration.grouping = try flag(value, shown) ? .newSession : .ownGroup
        case .pause: pause = try flag(value, shown)
        case .rewrite:
            if !rewriteTouched { configuration.rewrite = SignalRewrite() }
            rewriteTouched = true
            try addRewrite(text, shown)
        case .stopSignal:
            if let (name, signal) = perProcess(text) {
                settings.append(("stop-signal", name, signal, shown))
            } else {
                configuration.stopSignal = try self.signal(text, shown)
            }
        case .grace:
            if let (name, duration) = perProcess(text) {
                settings.append(("grace", name, duration, shown))
            } else {
                configuration.grace = try self.duration(text, shown)
            }
        case .killAfter: configuration.killAfter = try duration(text, shown)
        case .parentDeathSignal: configuration.parentDeathSignal = try signal(text, shown)
        case .exitMap:
            if !exitMapTouched { configuration.exitMap = ExitMap() }
            exitMapTouched = true
            configuration.exitMap.insert(try exitCode(text, shown))
        case .verbose: try setVerbosity(value, shown)
        case .quiet:
            if let count = verbosityCount, count > 0 { throw UsageError("-q and -v cannot be combined") }
            if try flag(value, shown) {
                verbosityCount = Verbosity.errors
                configuration.verbosity = Verbosity.errors
            }
        case .procfile: procfileRun.request(value, shown)
        case .dryRun: procfileRun.dryRun = try flag(value, shown)
        case .envFile where ProcfileRun.isProcfileEnvironment(text):
            try procfileRun.addEnvironmentFile(text, shown)
        case .initTask: try define(.initTask, text, shown)
        case .sidecar: try define(.sidecar, text, shown)
        case .task: try define(.task, text, shown)
        case .crontab:
            guard !text.isEmpty, !text.utf8.contains(0) else { throw UsageError("\(shown): expected a file, got '\(text)'") }
            if !crontabTouched { crontabs = [] }
            crontabTouched = true
            crontabs.append(ProcessSpec.NamedFile(path: text, place: shown))
        case .terminationLog:
            guard !text.isEmpty, !text.utf8.contains(0) else { throw UsageError("\(shown): expected a path, got '\(text)'") }
            configuration.terminationLog = text
        case .ready, .restart, .required, .backoff, .backoffMax, .backoffReset, .maxRestarts, .startTimeout, .readyTimeout,
             .live, .livePeriod, .liveTimeout, .liveFailures, .after, .env, .envFile, .workdir, .user, .prefixOutput,
             .schedule, .tz, .concurrency, .timeLimit:
            guard let setting = ProcessSettings.setting(flag: id) else { return }
            try setProcessSetting(setting, value, shown)
        }
    }

    /// A per-process setting's own flag: kept by process name until every process is defined.
    private mutating func setProcessSetting(_ setting: ProcessSetting, _ value: String?, _ shown: String) throws(UsageError) {
        let text = value ?? ""
        switch setting.flag {
        case .naming:
            guard ProcessName.isValid(text.utf8) else { throw UsageError("\(shown): expected a process name, got '\(text)'") }
            settings.append((setting.name, text, "true", shown))
        case .optionalNaming:
            guard let value else {
                prefixEverything = true
                return
            }
            guard ProcessName.isValid(value.utf8) else { throw UsageError("\(shown): expected a process name, got '\(value)'") }
            settings.append((setting.name, value, "true", shown))
        case .valued, .sharedWithOption:
            let (name, settingValue) = try NamedCommand.target(text, option: shown)
            settings.append((setting.name, name, settingValue, shown))
        }
    }

    /// `-v` (one more level), or a level (the file's `verbose = 2`; above 3 means 3).
    private mutating func setVerbosity(_ value: String?, _ shown: String) throws(UsageError) {
        if let value {
            guard let level = ASCII.parseInteger(value) else {
                throw UsageError("\(shown): expected a level from 0 to 3, got '\(value)'")
            }
            configuration.verbosity = Int(min(level, Int64(Verbosity.debug)))
        } else {
            if verbosityCount == 0 { throw UsageError("-q and -v cannot be combined") }
            verbosityCount = (verbosityCount ?? Verbosity.warnings) + 1
            configuration.verbosity = verbosityCount!
        }
    }

    /// One `VIGIL_*` variable: flags take 1/0, true/false, yes/no, on/off; lists are commas.
    mutating func setFromEnvironment(_ id: OptionID, _ value: String, variable: String) throws(UsageError) {
        switch id {
        case .group, .subreaper, .warnReap, .repeatStopKills, .session, .pause:
            try set(id, try boolean(value, variable) ? "true" : "false", shown: variable)
        case .rewrite, .exitMap:
            if id == .exitMap { configuration.exitMap = ExitMap() } else { configuration.rewrite = SignalRewrite() }
            for item in ASCII.split(value, separator: UInt8(ascii: ",")) {
                if id == .exitMap { configuration.exitMap.insert(try exitCode(item, variable)) } else { try addRewrite(item, variable) }
            }
        case .killAfter:
            configuration.killAfter = value.isEmpty ? nil : try duration(value, variable)
        case .parentDeathSignal:
            configuration.parentDeathSignal = value.isEmpty ? nil : try signal(value, variable)
        case .verbose:
            guard let level = ASCII.parseInteger(value) else {
                throw UsageError("\(variable): expected a level from 0 to 3, got '\(value)'")
            }
            configuration.verbosity = Int(min(level, Int64(Verbosity.debug)))
        default:
            try set(id, value, shown: variable)
        }
    }

    /// `--init` or `--sidecar`: a new process at the end of the start order.
    mutating func define(_ kind: ProcessSpec.Kind, _ text: String, _ shown: String) throws(UsageError) {
        let (name, command) = try NamedCommand.namedCommand(text, option: shown)
        try add(ProcessSpec(name: name, kind: kind, command: command))
    }

    /// Adds a process at the end of the start order, from a flag or from the file at `place`
    /// (FILE:LINE:COL, which then starts the error).
    mutating func add(_ spec: ProcessSpec, place: String? = nil) throws(UsageError) {
        let problem: LogText
        if ASCII.equals(spec.name, "main") {
            problem = "'main' names the main command; give the process another name (NAME=CMD)"
        } else if processes.contains(where: { ASCII.equals($0.name, spec.name) }) {
            problem = "two processes are named '\(spec.name)'; name them apart with NAME=CMD"
        } else {
            processes.append(spec)
            return
        }
        guard let place else { throw UsageError(problem) }
        throw UsageError("\(place): \(problem)")
    }

    /// What the command line asks for, now that every source is in.
    mutating func invocation(operands: [Int]) throws(UsageError) -> Invocation {
        for (setting, name, value, place) in settings {
            if ASCII.equals(name, "main") {
                try ProcessSettings.check(setting, allowedFor: .main, place: place)
                try ProcessSettings.apply(setting, value, to: &configuration.main, where: place, realtime: realtime)
                continue
            }
            guard let index = processes.firstIndex(where: { ASCII.equals($0.name, name) }) else {
                throw UsageError("\(place): no process named '\(name)'")
            }
            try ProcessSettings.check(setting, allowedFor: processes[index].kind, place: place)
            try ProcessSettings.apply(setting, value, to: &processes[index], where: place, realtime: realtime)
        }
        if prefixEverything {
            configuration.main.prefixOutput = true
            for index in processes.indices { processes[index].prefixOutput = true }
        }
        // Inits run first, then sidecars, each in the order given; scheduled tasks last.
        configuration.processes = processes.filter { $0.kind == .initTask } + processes.filter { $0.kind == .sidecar }
            + processes.filter { $0.kind == .task }
        for task in processes where task.kind == .task {
            // A pattern, not ==: CronExpression's == would compare Strings.
            if case nil = task.task.schedule {
                throw UsageError("task \(task.name) has no schedule: give it with --schedule \(task.name)=EXPR")
            }
        }
        configuration.applySessionDefaults()

        if pause {
            guard operands.isEmpty else { throw UsageError("--pause runs no command, but one was given") }
            return .pause(configuration)
        }
        if !operands.isEmpty { return .run(configuration, command: operands) }
        if let fileMainCommand {
            configuration.main.command = fileMainCommand
            return .run(configuration, command: [])
        }
        guard !configuration.processes.isEmpty else { throw UsageError("no command given: put one after the options (vigil [OPTIONS] -- COMMAND), set [main] command in the --config file, or run none with --pause") }
        return .pause(configuration)
    }

    /// `NAME=VALUE` of a per-process `--stop-signal` or `--grace`: signals and durations never
    /// hold `=`.
    private func perProcess(_ text: String) -> (String, String)? {
        guard let (name, value) = NamedCommand.splitName(text), ProcessName.isValid(name.utf8) else { return nil }
        return (name, value)
    }

    func flag(_ value: String?, _ shown: String) throws(UsageError) -> Bool {
        guard let value else { return true }
        if ASCII.equals(value, "true") { return true }
        if ASCII.equals(value, "false") { return false }
        throw UsageError("\(shown): expected true or false, got '\(value)'")
    }

    private func boolean(_ value: String, _ variable: String) throws(UsageError) -> Bool {
        let word = ASCII.uppercased(value)
        for yes in ["1", "TRUE", "YES", "ON"] where ASCII.equals(word, yes) { return true }
        for no in ["", "0", "FALSE", "NO", "OFF"] where ASCII.equals(word, no) { return false }
        throw UsageError("\(variable): expected 1 or 0 (true/false, yes/no, on/off), got '\(value)'")
    }

    private func signal(_ value: String, _ option: String) throws(UsageError) -> Int32 {
        guard let number = SignalNames.parse(value, realtime: realtime) else {
            throw UsageError("\(option): unknown signal '\(value)'")
        }
        return number
    }

    private mutating func addRewrite(_ value: String, _ option: String) throws(UsageError) {
        guard let (from, to) = SignalRewrite.parsePair(value, realtime: realtime) else {
            throw UsageError("\(option): expected FROM:TO with signal names or numbers (TO may be 0 or none), got '\(value)'")
        }
        configuration.rewrite.set(from, to: to)
    }

    private func duration(_ value: String, _ option: String) throws(UsageError) -> Int64 {
        guard let nanoseconds = Durations.parse(value) else {
            throw UsageError("\(option): expected \(Durations.accepted), got '\(value)'")
        }
        return nanoseconds
    }

    private func exitCode(_ value: String, _ option: String) throws(UsageError) -> UInt8 {
        guard let code = ASCII.parseInteger(value), code <= 255 else {
            throw UsageError("\(option): exit code must be 0 to 255, got '\(value)'")
        }
        return UInt8(code)
    }
}
