import CLinux

/// dumb-init's command line, for vigil run as `dumb-init`.
///
/// getopt_long with `+hvVcr:`: parsing stops at the first non-option, so
/// `dumb-init sh -c x` works, and so does the shebang `#!/usr/bin/dumb-init /bin/sh`. Long
/// options may be abbreviated. Setsid mode is the default; `-c` or `DUMB_INIT_SETSID=0` turns
/// it off. `DUMB_INIT_DEBUG=1` is `-v`.
public struct DumbInitCommandLine {
    public let realtime: RealtimeSignals

    public init(realtime: RealtimeSignals = .current) {
        self.realtime = realtime
    }

    static let longOptions: [(name: String, letter: UInt8)] = [
        ("help", UInt8(ascii: "h")), ("single-child", UInt8(ascii: "c")), ("rewrite", UInt8(ascii: "r")),
        ("verbose", UInt8(ascii: "v")), ("version", UInt8(ascii: "V")),
    ]

    public func parse(_ arguments: [String], environment: (String) -> String?) throws(UsageError) -> Invocation {
        var configuration = Configuration()
        configuration.personality = .dumbInit
        configuration.session = true
        configuration.stopsTheRest = false
        // dumb-init stops itself after forwarding TSTP, TTIN or TTOU in single-child mode too.
        configuration.stopsWithTerminalStopSignals = true
        var index = 1
        while index < arguments.count {
            let bytes = Array(arguments[index].utf8)
            guard bytes.count > 1, bytes[0] == UInt8(ascii: "-") else { break }
            index += 1
            if ASCII.equals(bytes, "--") { break }
            var letters: [(UInt8, String?)] = []
            if bytes[1] == UInt8(ascii: "-") {
                letters.append(try longOption(bytes, arguments, &index))
            } else {
                var position = 1
                while position < bytes.count {
                    let letter = bytes[position]
                    position += 1
                    if letter == UInt8(ascii: "r") {
                        if position < bytes.count {
                            letters.append((letter, String(decoding: bytes[position...], as: UTF8.self)))
                        } else {
                            guard index < arguments.count else {
                                throw usageError("option requires an argument -- 'r'")
                            }
                            letters.append((letter, arguments[index]))
                            index += 1
                        }
                        break
                    }
                    letters.append((letter, nil))
                }
            }
            for (letter, value) in letters {
                switch letter {
                case UInt8(ascii: "h"): return .show(DumbInitCommandLine.usage)
                case UInt8(ascii: "V"): return .show("dumb-init v\(VigilVersion.string) (vigil)\n")
                case UInt8(ascii: "v"): configuration.verbosity = Verbosity.debug
                case UInt8(ascii: "c"): configuration.session = false
                case UInt8(ascii: "r"):
                    guard let (from, to) = SignalRewrite.parsePair(value ?? "", realtime: realtime) else {
                        throw usageError("-r: expected s:r with signal numbers or names (r 0 drops s), got '\(value ?? "")'")
                    }
                    configuration.rewrite.set(from, to: to)
                default:
                    throw usageError("invalid option -- '\(String(decoding: [letter], as: UTF8.self))'")
                }
            }
        }
        guard index < arguments.count else { throw usageError("no command given") }
        if let debug = environment("DUMB_INIT_DEBUG"), ASCII.equals(debug, "1") {
            configuration.verbosity = Verbosity.debug
        }
        if let setsid = environment("DUMB_INIT_SETSID"), ASCII.equals(setsid, "0") {
            configuration.session = false
        }
        try CommandLineParser(realtime: realtime)
            .applyShutdownVariables(to: &configuration, environment)
        configuration.applySessionDefaults()
        return .run(configuration, command: Array(index..<arguments.count))
    }

    /// `--name`, `--name=value`, `--name value`, or an unambiguous prefix of a name.
    private func longOption(
        _ bytes: [UInt8], _ arguments: [String], _ index: inout Int
    ) throws(UsageError) -> (UInt8, String?) {
        let body = bytes[2...]
        let equals = body.firstIndex(of: UInt8(ascii: "="))
        let name = body[..<(equals ?? body.endIndex)]
        let shown = "--" + String(decoding: name, as: UTF8.self)
        var matches: [(name: String, letter: UInt8)] = []
        for option in DumbInitCommandLine.longOptions where option.name.utf8.starts(with: name) {
            if ASCII.equals(name, option.name) {
                matches = [option]
                break
            }
            matches.append(option)
        }
        guard matches.count == 1 else {
            throw usageError(matches.isEmpty ? "unrecognized option '\(shown)'" : "option '\(shown)' is ambiguous")
        }
        let letter = matches[0].letter
        guard letter == UInt8(ascii: "r") else {
            if equals != nil { throw usageError("option '--\(matches[0].name)' doesn't allow an argument") }
            return (letter, nil)
        }
        if let equals { return (letter, String(decoding: body[(equals + 1)...], as: UTF8.self)) }
        guard index < arguments.count else {
            throw usageError("option '--rewrite' requires an argument")
        }
        index += 1
        return (letter, arguments[index - 1])
    }

    private func usageError(_ message: String) -> UsageError {
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
