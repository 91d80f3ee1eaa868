/// vigil's own command line and `VIGIL_*` environment variables: the environment first, then
/// the command line, which wins.
///
/// Parsing stops at the first argument that is not an option, or after `--`, so that
/// `vigil sh -c 'echo hi'` needs no `--`.
struct VigilCommandLine {
    let realtime: RealtimeSignals

    init(realtime: RealtimeSignals = .current) {
        self.realtime = realtime
    }

    /// - Parameters:
    ///   - arguments: the whole argument vector, program name first.
    ///   - environment: looks up an environment variable.
    func parse(_ arguments: [String], environment: (String) -> String?) throws(UsageError) -> Invocation {
        var configuration = Configuration()
        var pause = false
        try applyEnvironment(to: &configuration, pause: &pause, environment)

        var scanner = OptionScanner(arguments, options: OptionTable.scannerOptions, operands: .stopAtFirst)
        var verbosityFromCommandLine: Int? = nil
        var exitMapFromCommandLine: ExitMap? = nil
        var rewriteFromCommandLine: SignalRewrite? = nil
        while let option = try scanner.next(wordedBy: VigilCommandLine.words) {
            let shown = option.shown, value = option.value ?? ""
            switch option.id {
            case .help: return .show(Usage.text())
            case .version: return .show("vigil \(VigilVersion.string) (commit \(VigilVersion.commit))\n")
            case .group: configuration.forwardToGroup = true
            case .subreaper: configuration.subreaper = .required
            case .warnReap: configuration.warnOnReap = true
            case .repeatStopKills: configuration.repeatedStopKills = true
            case .session: configuration.grouping = .newSession
            case .rewrite:
                var rewrite = rewriteFromCommandLine ?? SignalRewrite()
                try addRewrite(value, to: &rewrite, option: shown)
                rewriteFromCommandLine = rewrite
            case .pause: pause = true
            case .stopSignal: configuration.stopSignal = try signal(value, option: shown)
            case .grace: configuration.grace = try duration(value, option: shown)
            case .killAfter: configuration.killAfter = try duration(value, option: shown)
            case .parentDeathSignal: configuration.parentDeathSignal = try signal(value, option: shown)
            case .exitMap:
                var map = exitMapFromCommandLine ?? ExitMap()
                map.insert(try exitCode(value, option: shown))
                exitMapFromCommandLine = map
            case .verbose:
                if verbosityFromCommandLine == 0 { throw UsageError("-q and -v cannot be combined") }
                verbosityFromCommandLine = (verbosityFromCommandLine ?? Verbosity.warnings) + 1
            case .quiet:
                if let level = verbosityFromCommandLine, level > 0 {
                    throw UsageError("-q and -v cannot be combined")
                }
                verbosityFromCommandLine = Verbosity.errors
            }
        }
        if let level = verbosityFromCommandLine { configuration.verbosity = level }
        if let map = exitMapFromCommandLine { configuration.exitMap = map }
        if let rewrite = rewriteFromCommandLine { configuration.rewrite = rewrite }
        configuration.applySessionDefaults()

        let command = scanner.operandIndices
        if pause {
            guard command.isEmpty else { throw UsageError("--pause runs no command, but one was given") }
            return .pause(configuration)
        }
        guard !command.isEmpty else { throw UsageError("no command given") }
        return .run(configuration, command: command)
    }

    /// vigil's words for what the scanner found wrong.
    static func words<ID>(_ problem: OptionScanner<ID>.Problem) -> UsageError {
        switch problem {
        case .unknown(let name, let long): return UsageError("unknown option '\(long ? "--" : "-")\(name)'")
        case .ambiguous(let name): return UsageError("unknown option '--\(name)'")
        case .unexpectedValue(let shown): return UsageError("option '\(shown)' takes no value")
        case .missingValue(let shown, _, let valueName):
            return UsageError("option '\(shown)' needs a value: \(valueName)")
        }
    }

    /// Under the names of tini and dumb-init, vigil keeps their behaviour, with one opt-in:
    /// setting `VIGIL_GRACE`, `VIGIL_STOP_SIGNAL` or `VIGIL_KILL_AFTER` turns on vigil's
    /// graceful stop of the whole tree (useful as Docker's `--init`, which always runs the
    /// init as `docker-init`).
    func applyShutdownVariables(
        to configuration: inout Configuration, _ environment: (String) -> String?
    ) throws(UsageError) {
        let shutdown: [OptionID] = [.grace, .stopSignal, .killAfter]
        var pause = false
        try applyEnvironment(to: &configuration, pause: &pause, environment, only: shutdown)
        for spec in OptionTable.all where shutdown.contains(spec.id) {
            if let variable = spec.environment, environment(variable) != nil { configuration.mainChildExit = .stopTheRest }
        }
    }

    private func applyEnvironment(
        to configuration: inout Configuration, pause: inout Bool, _ environment: (String) -> String?,
        only: [OptionID]? = nil
    ) throws(UsageError) {
        for spec in OptionTable.all where only?.contains(spec.id) ?? true {
            guard let variable = spec.environment, let value = environment(variable) else { continue }
            switch spec.id {
            case .group: configuration.forwardToGroup = try boolean(value, variable)
            case .subreaper: configuration.subreaper = try boolean(value, variable) ? .required : .automatic
            case .warnReap: configuration.warnOnReap = try boolean(value, variable)
            case .repeatStopKills: configuration.repeatedStopKills = try boolean(value, variable)
            case .session: configuration.grouping = try boolean(value, variable) ? .newSession : .ownGroup
            case .rewrite:
                var rewrite = SignalRewrite()
                for item in ASCII.split(value, separator: UInt8(ascii: ",")) {
                    try addRewrite(item, to: &rewrite, option: variable)
                }
                configuration.rewrite = rewrite
            case .pause: pause = try boolean(value, variable)
            case .stopSignal: configuration.stopSignal = try signal(value, option: variable)
            case .grace: configuration.grace = try duration(value, option: variable)
            case .killAfter:
                configuration.killAfter = value.isEmpty ? nil : try duration(value, option: variable)
            case .parentDeathSignal:
                configuration.parentDeathSignal = value.isEmpty ? nil : try signal(value, option: variable)
            case .exitMap:
                var map = ExitMap()
                for item in ASCII.split(value, separator: UInt8(ascii: ",")) {
                    map.insert(try exitCode(item, option: variable))
                }
                configuration.exitMap = map
            case .verbose:
                // Levels above 3 log what 3 logs, as with -vvvv.
                guard let level = ASCII.parseInteger(value) else {
                    throw UsageError("\(variable): expected a level from 0 to 3, got '\(value)'")
                }
                configuration.verbosity = Int(min(level, Int64(Verbosity.debug)))
            case .help, .version, .quiet:
                break
            }
        }
    }

    private func boolean(_ value: String, _ variable: String) throws(UsageError) -> Bool {
        let word = ASCII.uppercased(value)
        for yes in ["1", "TRUE", "YES", "ON"] where ASCII.equals(word, yes) { return true }
        for no in ["", "0", "FALSE", "NO", "OFF"] where ASCII.equals(word, no) { return false }
        throw UsageError("\(variable): expected 1 or 0 (true/false, yes/no, on/off), got '\(value)'")
    }

    private func signal(_ value: String, option: String) throws(UsageError) -> Int32 {
        guard let number = SignalNames.parse(value, realtime: realtime) else {
            throw UsageError("\(option): unknown signal '\(value)'")
        }
        return number
    }

    private func addRewrite(_ value: String, to rewrite: inout SignalRewrite, option: String) throws(UsageError) {
        guard let (from, to) = SignalRewrite.parsePair(value, realtime: realtime) else {
            throw UsageError("\(option): expected FROM:TO with signal names or numbers (TO may be 0 or none), got '\(value)'")
        }
        rewrite.set(from, to: to)
    }

    private func duration(_ value: String, option: String) throws(UsageError) -> Int64 {
        guard let nanoseconds = Durations.parse(value) else {
            throw UsageError("\(option): expected a duration such as 5s, 500ms or 2m, got '\(value)'")
        }
        return nanoseconds
    }

    private func exitCode(_ value: String, option: String) throws(UsageError) -> UInt8 {
        guard let code = ASCII.parseInteger(value), code <= 255 else {
            throw UsageError("\(option): exit code must be 0 to 255, got '\(value)'")
        }
        return UInt8(code)
    }
}

extension Configuration {
    /// Session mode's consequences: signals go to the child's process group (the session it
    /// leads), vigil stops with TSTP, TTIN and TTOU, and those become SIGSTOP for the child
    /// unless the user rewrote them.
    mutating func applySessionDefaults() {
        guard grouping == .newSession else { return }
        forwardToGroup = true
        stopsWithTerminalStopSignals = true
        rewrite.stopOnTerminalSignals()
    }
}
