/// phusion/baseimage's `my_init` command line, as its Python `argparse` parser reads it:
///
///     my_init [--enable-insecure-key] [--skip-startup-files] [--skip-runit]
///             [--no-kill-all-on-exit] [--quiet] [-h|--help] [--] [MAIN_COMMAND ...]
///
/// and vigil's own `--dry-run` (what would run, and nothing runs), read by the same rules.
///
/// Options may come before, between or after the words of the command, up to `--`; after it
/// everything is the command (a later `--` included). A long option may be shortened to any
/// unambiguous prefix (`--skip-s`); `--skip` is ambiguous. The command is the first run of
/// words; words after an option that follows it are refused (`my_init a --quiet b`), as is
/// any unknown option: a command with options of its own needs `--` before it. `-5` and words
/// with a space are words, not options. `--skip-runit` needs a command (my_init exits 1 there;
/// vigil 2, as for every usage error).
struct MyInitCommandLine: Equatable {
    var enableInsecureKey = false
    var skipStartupFiles = false
    var skipRunit = false
    var killAllOnExit = true
    var quiet = false
    var help = false
    var command: [String] = []
    var dryRun = false

    static let flags = ["--enable-insecure-key", "--skip-startup-files", "--skip-runit", "--no-kill-all-on-exit",
                        "--quiet", "--help", "--dry-run"]

    static func parse(_ arguments: [String]) throws(RunitError) -> MyInitCommandLine {
        var result = MyInitCommandLine()
        // argparse sorts every word out first: an ambiguous option fails before anything runs.
        var words: [ArgumentRole] = []
        for argument in arguments {
            let bytes = Array(argument.utf8)
            if words.contains(.separator) || !ASCII.hasPrefix(bytes, "-") || bytes.count == 1 {
                words.append(.positional)
            } else {
                words.append(ASCII.equals(bytes, "--") ? .separator : try classify(bytes))
            }
        }
        var leftover: [String] = []
        var commandTaken = false
        var inCommand = false
        for (argument, word) in zip(arguments, words) {
            switch word {
            case .positional, .separator:
                if !inCommand && commandTaken {
                    leftover.append(argument)
                    continue
                }
                inCommand = true
                commandTaken = true
                result.command.append(argument)
                continue
            case .unknown:
                leftover.append(argument)
            case .option(let option, let explicit):
                if let explicit {
                    let shown = option == 5 ? "-h/--help" : flags[option]
                    throw RunitError("argument \(shown): ignored explicit argument '\(explicit)'")
                }
                switch option {
                case 0: result.enableInsecureKey = true
                case 1: result.skipStartupFiles = true
                case 2: result.skipRunit = true
                case 3: result.killAllOnExit = false
                case 4: result.quiet = true
                case 6: result.dryRun = true
                default:
                    result.help = true
                    return result
                }
            }
            inCommand = false
        }
        // The first `--` only separates; a later one belongs to the command.
        if let separator = result.command.firstIndex(where: { ASCII.equals($0, "--") }) { result.command.remove(at: separator) }
        if !leftover.isEmpty { throw RunitError("unrecognized arguments: \(leftover.joined(separator: " "))") }
        if result.skipRunit && result.command.isEmpty {
            throw RunitError("when --skip-runit is given, a main command is needed too")
        }
        return result
    }

    private enum ArgumentRole: Equatable {
        case positional, separator, unknown
        /// An index in `flags`, and the text after `=` (or after `-h`) if any.
        case option(Int, explicit: String?)
    }

    /// What argparse makes of a word that starts with `-` (not `-` or `--`), in its order:
    /// an option by its full name, with `=VALUE`, or by a prefix; a negative number or a
    /// word with a space is a positional word; anything else an unknown option.
    private static func classify(_ bytes: [UInt8]) throws(RunitError) -> ArgumentRole {
        let parts = bytes.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
        let explicit = parts.count > 1 ? String(decoding: parts[1], as: UTF8.self) : nil
        if ASCII.hasPrefix(bytes, "-h") && !ASCII.hasPrefix(bytes, "--") {
            let rest = bytes.dropFirst(2)
            return .option(5, explicit: rest.isEmpty ? nil : explicit ?? String(decoding: rest, as: UTF8.self))
        }
        if ASCII.hasPrefix(bytes, "--") {
            var matches: [Int] = []
            for (index, flag) in flags.enumerated() {
                if ASCII.equals(parts[0], flag) { return .option(index, explicit: explicit) }
                if flag.utf8.starts(with: parts[0]) { matches.append(index) }
            }
            if matches.count > 1 {
                let names = matches.map { flags[$0] }.joined(separator: ", ")
                throw RunitError("ambiguous option: \(String(decoding: parts[0], as: UTF8.self)) could match \(names)")
            }
            if let match = matches.first { return .option(match, explicit: explicit) }
        }
        return isNegativeNumber(bytes.dropFirst()) || bytes.contains(0x20) ? .positional : .unknown
    }

    /// `\d+` or `\d*\.\d+` (after the `-`): argparse's negative numbers.
    private static func isNegativeNumber(_ bytes: ArraySlice<UInt8>) -> Bool {
        let parts = bytes.split(separator: UInt8(ascii: "."), maxSplits: 1, omittingEmptySubsequences: false)
        let digits = { (part: ArraySlice<UInt8>) in part.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
        return parts.count == 1 ? !parts[0].isEmpty && digits(parts[0]) : digits(parts[0]) && !parts[1].isEmpty && digits(parts[1])
    }
}
