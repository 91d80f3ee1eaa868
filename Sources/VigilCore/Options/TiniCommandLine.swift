/// tini's command line, for vigil run as `tini` or `docker-init`.
///
/// tini parses with GNU getopt (`p:hvwgle:s`), which permutes: options may follow the
/// program's name, so `tini -- sh -c x` needs the `--` and `tini sleep 5 -v` is verbose.
/// `--version` counts only as the sole argument. Environment variables are read after the
/// command line and win, as in tini: `TINI_SUBREAPER` and `TINI_KILL_PROCESS_GROUP` take
/// effect whatever their value, `TINI_VERBOSITY` replaces the `-v` count.
struct TiniCommandLine {
    let realtime: RealtimeSignals

    init(realtime: RealtimeSignals = .current) {
        self.realtime = realtime
    }

    /// The shape `docker info` parses: the init version is what follows `- git.`.
    static var versionLine: String { "tini version " + VigilVersion.string + " - git." + VigilVersion.commit }

    enum Option { case help, license, subreaper, verbose, warnReap, group, parentDeathSignal, exitMap }

    /// getopt's `p:hvwgle:s`.
    static let options: [OptionScanner<Option>.Option] = [
        .init(.parentDeathSignal, short: "p", value: "SIGNAL"), .init(.help, short: "h"),
        .init(.verbose, short: "v"), .init(.warnReap, short: "w"), .init(.group, short: "g"),
        .init(.license, short: "l"), .init(.exitMap, short: "e", value: "EXIT_CODE"), .init(.subreaper, short: "s"),
    ]

    func parse(_ arguments: [String], environment: (String) -> String?) throws(UsageError) -> Invocation {
        if arguments.count == 2 && ASCII.equals(arguments[1], "--version") {
            return .show(TiniCommandLine.versionLine + "\n")
        }
        var configuration = Personality.tini.defaults
        var verbosity = Verbosity.warnings
        var scanner = OptionScanner(
            arguments, options: TiniCommandLine.options,
            operands: environment("POSIXLY_CORRECT") == nil ? .permute : .stopAtFirst)
        while let option = try scanner.next(wordedBy: TiniCommandLine.words) {
            let value = option.value ?? ""
            switch option.id {
            case .help: return .show(TiniCommandLine.usage)
            case .license: return .show(License.text)
            case .subreaper: configuration.subreaper = .required
            case .verbose: verbosity += 1
            case .warnReap: configuration.warnOnReap = true
            case .group: configuration.forwardToGroup = true
            case .parentDeathSignal:
                guard let signal = SignalNames.parse(value, realtime: realtime) else {
                    throw TiniCommandLine.usageError("not a valid option for -p: \(value)")
                }
                configuration.parentDeathSignal = signal
            case .exitMap:
                guard let code = ASCII.parseInteger(value), code <= 255 else {
                    throw TiniCommandLine.usageError("not a valid option for -e: \(value)")
                }
                configuration.exitMap.insert(UInt8(code))
            }
        }
        if environment("TINI_SUBREAPER") != nil { configuration.subreaper = .required }
        if environment("TINI_KILL_PROCESS_GROUP") != nil { configuration.forwardToGroup = true }
        if let level = environment("TINI_VERBOSITY") { verbosity = TiniCommandLine.atoi(level) }
        configuration.verbosity = verbosity
        try VigilCommandLine(realtime: realtime).applyShutdownVariables(to: &configuration, environment)

        let command = scanner.operandIndices
        guard !command.isEmpty else { throw TiniCommandLine.usageError("no program given") }
        return .run(configuration, command: command)
    }

    /// getopt's words.
    static func words(_ problem: OptionScanner<Option>.Problem) -> UsageError {
        switch problem {
        case .unknown(let name, _), .ambiguous(let name), .unexpectedValue(let name):
            return usageError("invalid option -- '\(name)'")
        case .missingValue(let shown, _, _):
            return usageError("option requires an argument -- '\(String(shown.utf8.dropFirst())!)'")
        }
    }

    private static func usageError(_ message: LogText) -> UsageError {
        UsageError(message, hint: "Usage: tini [OPTIONS] PROGRAM -- [ARGS] | --version (see 'tini -h')")
    }

    /// C's atoi: leading digits, 0 when there are none.
    static func atoi(_ text: String) -> Int {
        var value = 0
        for byte in text.utf8 {
            guard byte >= 0x30 && byte <= 0x39, value < 1_000_000 else { break }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }

    static var usage: String {
        """
        tini (\(versionLine))
        Usage: tini [OPTIONS] PROGRAM -- [ARGS] | --version

        Execute a program under the supervision of a valid init process (vigil, running as tini)

        Command line options:

          --version: Show version and exit.
          -h: Show this help message and exit.
          -s: Register as a process subreaper (requires Linux >= 3.4).
          -p SIGNAL: Trigger SIGNAL when parent dies, e.g. "-p SIGKILL".
          -v: Generate more verbose output. Repeat up to 3 times.
          -w: Print a warning when processes are getting reaped.
          -g: Send signals to the child's process group.
          -e EXIT_CODE: Remap EXIT_CODE (from 0 to 255) to 0 (can be repeated).
          -l: Show license and exit.

        Environment variables:

          TINI_SUBREAPER: Register as a process subreaper (requires Linux >= 3.4).
          TINI_VERBOSITY: Set the verbosity level (default: 1).
          TINI_KILL_PROCESS_GROUP: Send signals to the child's process group.


        """
    }
}
