/// supervisord's command line, read as supervisord reads it (Python's `getopt`: options before
/// the first operand, clustered short options, `-cFILE`, long options by any unique prefix, with
/// `=VALUE` or the next word), and each value checked by the same conversion as in the file.
/// An option given twice is an error ("conflicting command line option"), as is an operand.
///
/// Everything supervisord takes is accepted; what a container makes moot (`-d`, the log and pid
/// files, `-m`, `-a`) is kept in the configuration for the runtime to note.
enum SupervisordCommandLine {
    enum SupervisordInvocation {
        case help
        case version
        case run(SupervisordOptions)
    }

    enum SupervisordOption: CaseIterable {
        case help, configuration, version, nodaemon, user, umask, directory, logfile, logfileMaxBytes
        case logfileBackups, loglevel, pidfile, identifier, childlogdir, minfds, minprocs, nocleanup
        case stripAnsi, profileOptions, silent

        var short: UInt8? {
            let letters = "hcvnumdlyzejiqa_kt_s"
            let index = Self.allCases.firstIndex(of: self)!
            let letter = PythonText.bytes(letters)[index]
            return letter == UInt8(ascii: "_") ? nil : letter
        }

        var long: String {
            let names = ["help", "configuration", "version", "nodaemon", "user", "umask", "directory", "logfile",
                         "logfile_maxbytes", "logfile_backups", "loglevel", "pidfile", "identifier", "childlogdir",
                         "minfds", "minprocs", "nocleanup", "strip_ansi", "profile_options", "silent"]
            return names[Self.allCases.firstIndex(of: self)!]
        }

        var takesValue: Bool {
            switch self {
            case .help, .version, .nodaemon, .nocleanup, .stripAnsi, .silent: return false
            default: return true
            }
        }
    }

    static let hint = "For help, use supervisord -h"

    static func parse(_ arguments: [String], host: SupervisordHost) throws(UsageError) -> SupervisordInvocation {
        var found: [(option: SupervisordOption, shown: String, value: String)] = []
        var index = 0
        while index < arguments.count {
            let word = Array(arguments[index].utf8)
            guard word.count > 1, word[0] == UInt8(ascii: "-") else { break }
            index += 1
            if ASCII.equals(word, "--") { break }
            if word[1] == UInt8(ascii: "-") {
                try long(word[2...], arguments, &index, &found)
            } else {
                try short(word[1...], arguments, &index, &found)
            }
        }
        if index < arguments.count {
            let rest = arguments[index...].map { PythonRepr.string($0) }
            throw supervisordError("positional arguments are not supported: [" + joinedText(rest, ", ") + "]", hint: hint)
        }
        var options = SupervisordOptions()
        for (option, shown, value) in found {
            if option == .help { return .help }
            if option == .version { return .version }
            let fresh: Bool
            do {
                fresh = try options.set(option, value, host)
            } catch {
                throw supervisordError("invalid value for " + shown + " " + PythonRepr.string(value) + ": " + error.message, hint: hint)
            }
            guard fresh else { throw supervisordError("conflicting command line option " + PythonRepr.string(shown), hint: hint) }
        }
        return .run(options)
    }

    private static func long(
        _ word: ArraySlice<UInt8>, _ arguments: [String], _ index: inout Int, _ found: inout [(option: SupervisordOption, shown: String, value: String)]
    ) throws(UsageError) {
        let equals = word.firstIndex(of: UInt8(ascii: "="))
        let name = word[..<(equals ?? word.endIndex)]
        let given = equals.map { PythonText.string(word[($0 + 1)...]) }
        let shownName = PythonText.string(name)
        let candidates = SupervisordOption.allCases.filter { ASCII.hasPrefix(Array($0.long.utf8), shownName) }
        let option: SupervisordOption
        if let exact = candidates.first(where: { ASCII.equals(name, $0.long) }) {
            option = exact
        } else if candidates.count == 1 {
            option = candidates[0]
        } else if candidates.isEmpty {
            throw supervisordError("option --" + shownName + " not recognized", hint: hint)
        } else {
            throw supervisordError("option --" + shownName + " not a unique prefix", hint: hint)
        }
        let shown = "--" + option.long
        if option.takesValue {
            if let given {
                found.append((option, shown, given))
            } else {
                guard index < arguments.count else { throw supervisordError("option " + shown + " requires argument", hint: hint) }
                found.append((option, shown, arguments[index]))
                index += 1
            }
        } else {
            guard given == nil else { throw supervisordError("option " + shown + " must not have an argument", hint: hint) }
            found.append((option, shown, ""))
        }
    }

    private static func short(
        _ letters: ArraySlice<UInt8>, _ arguments: [String], _ index: inout Int, _ found: inout [(option: SupervisordOption, shown: String, value: String)]
    ) throws(UsageError) {
        var rest = letters
        while let letter = rest.first {
            let length = PythonText.scalar(at: rest.startIndex, in: rest).length
            let shown = "-" + PythonText.string(rest.prefix(length))
            rest = rest.dropFirst(length)
            let option: SupervisordOption
            if letter == UInt8(ascii: "?") {
                option = .help
            } else if let match = SupervisordOption.allCases.first(where: { $0.short == letter }), length == 1 {
                option = match
            } else {
                throw supervisordError("option " + shown + " not recognized", hint: hint)
            }
            guard option.takesValue else {
                found.append((option, shown, ""))
                continue
            }
            if rest.isEmpty {
                guard index < arguments.count else { throw supervisordError("option " + shown + " requires argument", hint: hint) }
                found.append((option, shown, arguments[index]))
                index += 1
            } else {
                found.append((option, shown, PythonText.string(rest)))
            }
            return
        }
    }
}

/// supervisord's command-line values, converted; nil where not given.
struct SupervisordOptions {
    var configFile: String? = nil
    var nodaemon: Bool? = nil
    var user: String? = nil
    var umask: Int64? = nil
    var directory: String? = nil
    var logfile: String? = nil
    var logfileMaxBytes: Int64? = nil
    var logfileBackups: Int64? = nil
    var logLevel: Int? = nil
    var pidfile: String? = nil
    var identifier: String? = nil
    var childLogDirectory: String? = nil
    var minfds: Int64? = nil
    var minprocs: Int64? = nil
    var nocleanup: Bool? = nil
    var stripAnsi: Bool? = nil
    var profileOptions: String? = nil
    var silent: Bool? = nil

    /// Sets one option; false when it was already set.
    mutating func set(_ option: SupervisordCommandLine.SupervisordOption, _ value: String, _ host: SupervisordHost) throws(SupervisordValues.ValueProblem) -> Bool {
        func assign<T>(_ slot: inout T?, _ converted: T) -> Bool {
            guard slot == nil else { return false }
            slot = converted
            return true
        }
        switch option {
        case .configuration: return assign(&configFile, value)
        case .nodaemon: return assign(&nodaemon, true)
        case .user: return assign(&user, value)
        case .umask: return assign(&umask, try SupervisordValues.octal(value))
        case .directory: return assign(&directory, try SupervisordValues.existingDirectory(value, host))
        case .logfile: return assign(&logfile, try SupervisordValues.existingDirectoryPath(value, host))
        case .logfileMaxBytes: return assign(&logfileMaxBytes, try SupervisordValues.byteSize(value))
        case .logfileBackups: return assign(&logfileBackups, try SupervisordValues.integer(value))
        case .loglevel: return assign(&logLevel, try SupervisordValues.loggingLevel(value))
        case .pidfile: return assign(&pidfile, try SupervisordValues.existingDirectoryPath(value, host))
        case .identifier: return assign(&identifier, value)
        case .childlogdir: return assign(&childLogDirectory, try SupervisordValues.existingDirectory(value, host))
        case .minfds: return assign(&minfds, try SupervisordValues.integer(value))
        case .minprocs: return assign(&minprocs, try SupervisordValues.integer(value))
        case .nocleanup: return assign(&nocleanup, true)
        case .stripAnsi: return assign(&stripAnsi, true)
        case .profileOptions: return assign(&profileOptions, value)
        case .silent: return assign(&silent, true)
        case .help, .version: return true
        }
    }
}

/// Where supervisord looks for its configuration without `-c`, in order: two paths relative to
/// the directory above the one in argv[0] (as supervisord computes them from `sys.argv[0]`),
/// then the working directory, then /etc.
enum SupervisordSearchPath {
    static func candidates(argv0: String) -> [String] {
        let above = PythonPath.dirname(PythonPath.dirname(argv0))
        return [PythonPath.join(PythonPath.join(above, "etc"), "supervisord.conf"), PythonPath.join(above, "supervisord.conf"),
                "supervisord.conf", "etc/supervisord.conf", "/etc/supervisord.conf", "/etc/supervisor/supervisord.conf"]
    }
}
