/// tini's command line, for vigil run as `tini` or `docker-init`.
///
/// tini parses with GNU getopt (`p:hvwgle:s`), which permutes: options may follow the
/// program's name, so `tini -- sh -c x` needs the `--` and `tini sleep 5 -v` is verbose.
/// `--version` counts only as the sole argument. Environment variables are read after the
/// command line and win, as in tini: `TINI_SUBREAPER` and `TINI_KILL_PROCESS_GROUP` take
/// effect whatever their value, `TINI_VERBOSITY` replaces the `-v` count.
public struct TiniCommandLine {
    public let realtime: RealtimeSignals

    public init(realtime: RealtimeSignals = .current) {
        self.realtime = realtime
    }

    /// The shape `docker info` parses: the init version is what follows `- git.`.
    static var versionLine: String { "tini version \(VigilVersion.string) - git.\(VigilVersion.commit)" }

    public func parse(_ arguments: [String], environment: (String) -> String?) throws(UsageError) -> Invocation {
        if arguments.count == 2 && ASCII.equals(arguments[1], "--version") {
            return .show(TiniCommandLine.versionLine + "\n")
        }
        var configuration = Configuration()
        configuration.personality = .tini
        configuration.childInheritsSignalMask = true
        configuration.wording = .tini
        configuration.stopsTheRest = false
        var verbosity = Verbosity.warnings
        let permute = environment("POSIXLY_CORRECT") == nil
        var skipped: [Int] = []
        var index = 1
        scanning: while index < arguments.count {
            let bytes = Array(arguments[index].utf8)
            if ASCII.equals(bytes, "--") {
                index += 1
                break
            }
            guard bytes.count > 1, bytes[0] == UInt8(ascii: "-") else {
                if !permute { break scanning }
                skipped.append(index)
                index += 1
                continue
            }
            index += 1
            var position = 1
            while position < bytes.count {
                let letter = bytes[position]
                position += 1
                let shown = String(decoding: [letter], as: UTF8.self)
                switch letter {
                case UInt8(ascii: "h"): return .show(TiniCommandLine.usage)
                case UInt8(ascii: "l"): return .show(License.text)
                case UInt8(ascii: "s"): configuration.requireSubreaper = true
                case UInt8(ascii: "v"): verbosity += 1
                case UInt8(ascii: "w"): configuration.warnOnReap = true
                case UInt8(ascii: "g"): configuration.forwardToGroup = true
                case UInt8(ascii: "p"), UInt8(ascii: "e"):
                    let value: String
                    if position < bytes.count {
                        value = String(decoding: bytes[position...], as: UTF8.self)
                    } else if index < arguments.count {
                        value = arguments[index]
                        index += 1
                    } else {
                        throw usageError("option requires an argument -- '\(shown)'")
                    }
                    position = bytes.count
                    if letter == UInt8(ascii: "p") {
                        guard let signal = SignalNames.parse(value, realtime: realtime) else {
                            throw usageError("not a valid option for -p: \(value)")
                        }
                        configuration.parentDeathSignal = signal
                    } else {
                        guard let code = ASCII.parseInteger(value), code <= 255 else {
                            throw usageError("not a valid option for -e: \(value)")
                        }
                        configuration.exitMap.insert(UInt8(code))
                    }
                default:
                    throw usageError("invalid option -- '\(shown)'")
                }
            }
        }
        if environment("TINI_SUBREAPER") != nil { configuration.requireSubreaper = true }
        if environment("TINI_KILL_PROCESS_GROUP") != nil { configuration.forwardToGroup = true }
        if let level = environment("TINI_VERBOSITY") { verbosity = TiniCommandLine.atoi(level) }
        configuration.verbosity = verbosity
        try CommandLineParser(realtime: realtime)
            .applyShutdownVariables(to: &configuration, environment)

        let command = skipped + Array(index..<arguments.count)
        guard !command.isEmpty else { throw usageError("no program given") }
        return .run(configuration, command: command)
    }

    private func usageError(_ message: String) -> UsageError {
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
