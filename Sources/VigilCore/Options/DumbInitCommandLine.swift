import CLinux

/// dumb-init's command line, for vigil run as `dumb-init`.
///
/// getopt_long with `+hvVcr:`: parsing stops at the first non-option, so
/// `dumb-init sh -c x` works, and so does the shebang `#!/usr/bin/dumb-init /bin/sh`. Long
/// options may be abbreviated. Setsid mode is the default; `-c` or `DUMB_INIT_SETSID=0` turns
/// it off. `DUMB_INIT_DEBUG=1` is `-v`.
struct DumbInitCommandLine {
    let realtime: RealtimeSignals

    init(realtime: RealtimeSignals = .current) {
        self.realtime = realtime
    }

    enum Option { case help, singleChild, rewrite, verbose, version }

    /// getopt_long's `+hvVcr:` and its long names.
    static let options: [OptionScanner<Option>.Option] = [
        .init(.help, short: "h", long: "help"), .init(.singleChild, short: "c", long: "single-child"),
        .init(.rewrite, short: "r", long: "rewrite", value: "s:r"), .init(.verbose, short: "v", long: "verbose"),
        .init(.version, short: "V", long: "version"),
    ]

    func parse(_ arguments: [String], environment: (String) -> String?) throws(UsageError) -> Invocation {
        var configuration = Personality.dumbInit.defaults
        var scanner = OptionScanner(
            arguments, options: DumbInitCommandLine.options, operands: .stopAtFirst, abbreviations: true)
        while let option = try scanner.next(wordedBy: DumbInitCommandLine.words) {
            switch option.id {
            case .help: return .show(DumbInitCommandLine.usage)
            case .version: return .show("dumb-init v" + VigilVersion.string + " (vigil)\n")
            case .verbose: configuration.verbosity = Verbosity.debug
            case .singleChild: configuration.grouping = .callersGroup
            case .rewrite:
                let value = option.value ?? ""
                guard let (from, to) = SignalRewrite.parsePair(value, realtime: realtime) else {
                    throw DumbInitCommandLine.usageError("-r: expected s:r with signal numbers or names (r 0 drops s), got '\(value)'")
                }
                configuration.rewrite.set(from, to: to)
            }
        }
        let command = scanner.operandIndices
        guard !command.isEmpty else { throw DumbInitCommandLine.usageError("no command given") }
        if let debug = environment("DUMB_INIT_DEBUG"), ASCII.equals(debug, "1") {
            configuration.verbosity = Verbosity.debug
        }
        if let setsid = environment("DUMB_INIT_SETSID"), ASCII.equals(setsid, "0") {
            configuration.grouping = .callersGroup
        }
        try VigilCommandLine(realtime: realtime).applyShutdownVariables(to: &configuration, environment)
        configuration.applySessionDefaults()
        return .run(configuration, command: command)
    }

    /// getopt_long's words.
    static func words(_ problem: OptionScanner<Option>.Problem) -> UsageError {
        switch problem {
        case .unknown(let name, let long):
            return usageError(long ? "unrecognized option '--\(name)'" : "invalid option -- '\(name)'")
        case .ambiguous(let name): return usageError("option '--\(name)' is ambiguous")
        case .unexpectedValue(let shown): return usageError("option '\(shown)' doesn't allow an argument")
        case .missingValue(let shown, let long, _):
            return usageError(long ? "option '\(shown)' requires an argument"
                                   : "option requires an argument -- '\(String(shown.utf8.dropFirst())!)'")
        }
    }

    private static func usageError(_ message: LogText) -> UsageError {
        UsageError(message, hint: "Try dumb-init --help for full usage.")
    }

    static let usage = """
        dumb-init v\(VigilVersion.string) (vigil)
        Usage: dumb-init [option] command [[arg] ...]

        dumb-init is a simple process supervisor that forwards signals to children.
        It is designed to run as PID1 in minimal container environments.
        This is vigil, running as dumb-init.

        Optional arguments:
           -c, --single-child   Run in single-child mode.
                                In this mode, signals are only proxied to the
                                direct child and not any of its descendants.
           -r, --rewrite s:r    Rewrite received signal s to new signal r before proxying.
                                To ignore (not proxy) a signal, rewrite it to 0.
                                This option can be specified multiple times.
           -v, --verbose        Print debugging information to stderr.
           -h, --help           Print this help message and exit.
           -V, --version        Print the current version and exit.

        """
}
