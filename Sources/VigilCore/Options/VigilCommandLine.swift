/// vigil's own command line, its `VIGIL_*` environment variables and its configuration file
/// (`--config`, `VIGIL_CONFIG`). Each later source wins: the file, then the environment, then
/// the command line.
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
    ///   - readFile: reads the configuration file and crontabs (at most `TOML.maximumSize` + 1
    ///     bytes), or says why one cannot be read.
    func parse(
        _ arguments: [String], environment: (String) -> String?,
        readFile: (String) -> Result<[UInt8], Errno> = { _ in .failure(Errno(rawValue: 2)) }
    ) throws(UsageError) -> Invocation {
        var builder = ConfigurationBuilder(realtime: realtime)
        // The command line is read first and applied last, so that it wins over the
        // environment, which wins over the file: `docker run -e VIGIL_GRACE=...` tunes an
        // image whose configuration file is baked in.
        var scanner = OptionScanner(arguments, options: OptionTable.scannerOptions, operands: .stopAtFirst)
        var found: [OptionScanner<OptionID>.Found] = []
        var configPath = environment("VIGIL_CONFIG").flatMap { $0.isEmpty ? nil : $0 }
        let known = OptionTable.all.map { $0.long }
        while let option = try scanner.next(wordedBy: { VigilCommandLine.words($0, known: known) }) {
            switch option.id {
            case .help:
                // `--help TOPIC`: the word after it, unless that is another option.
                let next = scanner.rest < arguments.count ? arguments[scanner.rest] : nil
                guard let topic = next, topic.utf8.first != UInt8(ascii: "-") else { return .show(Usage.text()) }
                return .show(try Usage.text(topic: topic))
            case .version: return .show("vigil " + VigilVersion.string + " (commit " + VigilVersion.commit + ")\n")
            case .config: configPath = option.value ?? ""
            default: found.append(option)
            }
        }
        if let configPath {
            // `--help` explains no file: its errors go without the pointer to it.
            do throws(UsageError) {
                switch readFile(configPath) {
                case .success(let bytes): try ConfigFile.read(bytes, path: configPath, into: &builder)
                case .failure(let errno): throw UsageError("\(configPath): cannot be read: \(errno.reason)")
                }
            } catch {
                throw error.withoutHelpPointer
            }
        }
        builder.beginSource()
        try applyEnvironment(to: &builder, environment)
        builder.beginSource()
        for option in found { try builder.set(option.id, option.value, shown: option.shown) }
        // A crontab's mistakes are the file's: no pointer to --help.
        do throws(UsageError) {
            try builder.readCrontabs(readFile)
        } catch {
            throw error.withoutHelpPointer
        }
        if builder.procfileRun.requested {
            return try builder.procfileInvocation(operands: scanner.operandIndices.map { arguments[$0] },
                                                  environment: environment, readFile: readFile)
        }
        if builder.procfileRun.dryRun { throw UsageError("--dry-run goes with --procfile") }
        if let file = builder.procfileRun.environmentFiles.first {
            throw UsageError("\(file.place): expected NAME=FILE (a FILE alone goes with --procfile), got '\(file.path)'")
        }
        return try builder.invocation(operands: scanner.operandIndices)
    }

    /// vigil's words for what the scanner found wrong; `known`: the long options, to suggest
    /// the nearest to an unknown one.
    static func words<ID>(_ problem: OptionScanner<ID>.Problem, known: [String]) -> UsageError {
        switch problem {
        case .unknown(let name, let long): return UnknownNames.option(name, dashes: long ? "--" : "-", known: known)
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
        var builder = ConfigurationBuilder(realtime: realtime)
        builder.configuration = configuration
        try applyEnvironment(to: &builder, environment, only: shutdown)
        configuration = builder.configuration
        for spec in OptionTable.all where shutdown.contains(spec.id) {
            if let variable = spec.environment, environment(variable) != nil {
                configuration.mainChildExit = .stopTheRest
                configuration.continuesStoppedProcesses = true
            }
        }
    }

    private func applyEnvironment(
        to builder: inout ConfigurationBuilder, _ environment: (String) -> String?, only: [OptionID]? = nil
    ) throws(UsageError) {
        for spec in OptionTable.all where only?.contains(spec.id) ?? true {
            guard let variable = spec.environment, spec.id != .config, let value = environment(variable) else { continue }
            try builder.setFromEnvironment(spec.id, value, variable: variable)
        }
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
