/// Reads vigil's options from the environment, then from the command line, which wins.
///
/// Parsing stops at the first argument that is not an option, or after `--`, so that
/// `vigil sh -c 'echo hi'` needs no `--`.
public struct CommandLineParser {
    public let realtime: RealtimeSignals

    public init(realtime: RealtimeSignals = .current) {
        self.realtime = realtime
    }

    /// - Parameters:
    ///   - arguments: the whole argument vector, program name first.
    ///   - environment: looks up an environment variable.
    public func parse(
        _ arguments: [String], environment: (String) -> String?
    ) throws(UsageError) -> Invocation {
        var configuration = Configuration()
        var pause = false
        try applyEnvironment(to: &configuration, pause: &pause, environment)

        let reader = CommandLineReader()
        var verbosityFromCommandLine: Int? = nil
        var exitMapFromCommandLine: ExitMap? = nil
        var rewriteFromCommandLine: SignalRewrite? = nil
        var index = 1
        while index < arguments.count {
            let argument = arguments[index]
            if ASCII.equals(argument, "--") {
                index += 1
                break
            }
            guard argument.utf8.count > 1, argument.utf8.first == UInt8(ascii: "-") else { break }
            let options = try reader.options(in: arguments, at: &index)
            for (spec, shown, value) in options {
                switch spec.id {
                case .help: return .show(Usage.text())
                case .version: return .show("vigil \(VigilVersion.string) (commit \(VigilVersion.commit))\n")
                case .group: configuration.forwardToGroup = true
                case .subreaper: configuration.requireSubreaper = true
                case .warnReap: configuration.warnOnReap = true
                case .repeatStopKills: configuration.repeatedStopKills = true
                case .session: configuration.session = true
                case .rewrite:
                    var rewrite = rewriteFromCommandLine ?? SignalRewrite()
                    try addRewrite(value ?? "", to: &rewrite, option: shown)
                    rewriteFromCommandLine = rewrite
                case .pause: pause = true
                case .stopSignal:
                    configuration.stopSignal = try signal(value ?? "", option: shown)
                case .grace:
                    configuration.grace = try duration(value ?? "", option: shown)
                case .killAfter:
                    configuration.killAfter = try duration(value ?? "", option: shown)
                case .parentDeathSignal:
                    configuration.parentDeathSignal = try signal(value ?? "", option: shown)
                case .exitMap:
                    var map = exitMapFromCommandLine ?? ExitMap()
                    map.insert(try exitCode(value ?? "", option: shown))
                    exitMapFromCommandLine = map
                case .verbose:
                    if verbosityFromCommandLine == 0 {
                        throw UsageError("-q and -v cannot be combined")
                    }
                    verbosityFromCommandLine = (verbosityFromCommandLine ?? Verbosity.warnings) + 1
                case .quiet:
                    if let level = verbosityFromCommandLine, level > 0 {
                        throw UsageError("-q and -v cannot be combined")
                    }
                    verbosityFromCommandLine = Verbosity.errors
                }
            }
        }
        if let level = verbosityFromCommandLine { configuration.verbosity = level }
        if let map = exitMapFromCommandLine { configuration.exitMap = map }
        if let rewrite = rewriteFromCommandLine { configuration.rewrite = rewrite }
        configuration.applySessionDefaults()

        if pause {
            guard index == arguments.count else {
                throw UsageError("--pause runs no command, but one was given")
            }
            return .pause(configuration)
        }
        guard index < arguments.count else {
            throw UsageError("no command given")
        }
        return .run(configuration, command: Array(index..<arguments.count))
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
            if let variable = spec.environment, environment(variable) != nil { configuration.stopsTheRest = true }
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
            case .subreaper: configuration.requireSubreaper = try boolean(value, variable)
            case .warnReap: configuration.warnOnReap = try boolean(value, variable)
            case .repeatStopKills: configuration.repeatedStopKills = try boolean(value, variable)
            case .session: configuration.session = try boolean(value, variable)
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

/// Splits one command-line word into options and their values, getopt style: `-gv`, `-e3`,
/// `-e 3`, `--exit-map=3`, `--exit-map 3`.
struct CommandLineReader {
    func display(_ spec: OptionSpec) -> String {
        if let short = spec.short { return "-" + String(decoding: [short], as: UTF8.self) }
        return "--" + spec.long
    }

    func options(
        in arguments: [String], at index: inout Int
    ) throws(UsageError) -> [(OptionSpec, String, String?)] {
        let argument = arguments[index]
        index += 1
        let bytes = Array(argument.utf8)
        if bytes.count > 2 && bytes[1] == UInt8(ascii: "-") {
            return [try longOption(bytes, arguments, &index)]
        }
        var result: [(OptionSpec, String, String?)] = []
        var position = 1
        while position < bytes.count {
            let letter = bytes[position]
            position += 1
            guard let spec = OptionTable.spec(short: letter) else {
                let shown = String(decoding: [UInt8(ascii: "-"), letter], as: UTF8.self)
                throw unknown(shown)
            }
            guard spec.valueName != nil else {
                result.append((spec, display(spec), nil))
                continue
            }
            if position < bytes.count {
                result.append((spec, display(spec), String(decoding: bytes[position...], as: UTF8.self)))
            } else {
                result.append((spec, display(spec), try value(for: display(spec), spec, arguments, &index)))
            }
            break
        }
        return result
    }

    private func longOption(
        _ bytes: [UInt8], _ arguments: [String], _ index: inout Int
    ) throws(UsageError) -> (OptionSpec, String, String?) {
        let body = bytes[2...]
        let equals = body.firstIndex(of: UInt8(ascii: "="))
        let nameBytes = body[..<(equals ?? body.endIndex)]
        let name = String(decoding: nameBytes, as: UTF8.self)
        guard let spec = OptionTable.spec(long: nameBytes) else { throw unknown("--" + name) }
        if let equals {
            guard spec.valueName != nil else {
                throw UsageError("option '--\(name)' takes no value")
            }
            return (spec, "--" + name, String(decoding: body[(equals + 1)...], as: UTF8.self))
        }
        guard spec.valueName != nil else { return (spec, "--" + name, nil) }
        return (spec, "--" + name, try value(for: "--" + name, spec, arguments, &index))
    }

    private func value(
        for shown: String, _ spec: OptionSpec, _ arguments: [String], _ index: inout Int
    ) throws(UsageError) -> String {
        guard index < arguments.count else {
            throw UsageError("option '\(shown)' needs a value: \(spec.valueName ?? "VALUE")")
        }
        index += 1
        return arguments[index - 1]
    }

    private func unknown(_ shown: String) -> UsageError {
        UsageError("unknown option '\(shown)'")
    }
}
