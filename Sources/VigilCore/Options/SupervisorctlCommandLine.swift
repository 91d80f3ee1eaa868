/// supervisorctl's command line, read as supervisorctl reads it (Python's `getopt`: options
/// before the action, clustered short options, `-cFILE`, long options by any unique prefix
/// with `=VALUE` or the next word), then the action and its arguments.
enum SupervisorctlCommandLine {
    struct ClientRequest: Equatable {
        var configFile: String? = nil
        var serverURL: String? = nil
        var username: String? = nil
        var password: String? = nil
        var interactive = false
        /// The action and its arguments (empty: none given).
        var action: [String] = []
    }

    enum Invocation: Equatable {
        case help
        case run(ClientRequest)
    }

    private static let options: [(short: UInt8?, long: String, takesValue: Bool)] = [
        (UInt8(ascii: "h"), "help", false), (UInt8(ascii: "c"), "configuration", true), (UInt8(ascii: "i"), "interactive", false),
        (UInt8(ascii: "s"), "serverurl", true), (UInt8(ascii: "u"), "username", true), (UInt8(ascii: "p"), "password", true),
        (UInt8(ascii: "r"), "history_file", true),
    ]

    static func parse(_ arguments: [String]) throws(UsageError) -> Invocation {
        var parsed = ClientRequest()
        var index = 0
        while index < arguments.count {
            let word = Array(arguments[index].utf8)
            guard word.count > 1, word[0] == UInt8(ascii: "-") else { break }
            index += 1
            if ASCII.equals(word, "--") { break }
            var found: [(option: Int, value: String)] = []
            if word[1] == UInt8(ascii: "-") {
                found.append(try long(word[2...], arguments, &index))
            } else {
                let letters = try short(word[1...], arguments, &index)
                found.append(contentsOf: letters)
            }
            for (option, value) in found {
                switch option {
                case 0: return .help
                case 1: parsed.configFile = value
                case 2: parsed.interactive = true
                case 3:
                    guard isURL(value) else { throw usage("invalid value for -s " + PythonRepr.string(value) + ": value " + PythonRepr.string(value) + " is not a URL") }
                    parsed.serverURL = value
                case 4: parsed.username = value
                case 5: parsed.password = value
                default: break
                }
            }
        }
        parsed.action = Array(arguments[index...])
        return .run(parsed)
    }

    static let hint = "For help, use supervisorctl -h"

    private static func usage(_ message: String) -> UsageError { UsageError("Error: \(message)", hint: hint) }

    private static func long(_ name: ArraySlice<UInt8>, _ arguments: [String], _ index: inout Int) throws(UsageError) -> (option: Int, value: String) {
        let equals = name.firstIndex(of: UInt8(ascii: "="))
        let bare = PythonText.string(name[..<(equals ?? name.endIndex)])
        let given = equals.map { PythonText.string(name[($0 + 1)...]) }
        let candidates = options.indices.filter { ASCII.hasPrefix(Array(options[$0].long.utf8), bare) }
        let exact = candidates.first { ASCII.equals(options[$0].long, bare) }
        guard let option = exact ?? (candidates.count == 1 ? candidates[0] : nil) else {
            throw usage("option --" + bare + (candidates.isEmpty ? " not recognized" : " not a unique prefix"))
        }
        guard options[option].takesValue else {
            guard given == nil else { throw usage("option --" + options[option].long + " must not have an argument") }
            return (option, "")
        }
        if let given { return (option, given) }
        guard index < arguments.count else { throw usage("option --" + options[option].long + " requires argument") }
        index += 1
        return (option, arguments[index - 1])
    }

    private static func short(_ letters: ArraySlice<UInt8>, _ arguments: [String], _ index: inout Int) throws(UsageError) -> [(option: Int, value: String)] {
        var found: [(option: Int, value: String)] = []
        var rest = letters
        while let letter = rest.first {
            rest = rest.dropFirst()
            let matched = letter == UInt8(ascii: "?") ? 0 : options.firstIndex { $0.short == letter }
            guard let option = matched else {
                throw usage("option -" + PythonText.string(letters[(rest.startIndex - 1)..<rest.startIndex]) + " not recognized")
            }
            guard options[option].takesValue else {
                found.append((option, ""))
                continue
            }
            if !rest.isEmpty {
                found.append((option, PythonText.string(rest)))
            } else {
                guard index < arguments.count else { throw usage("option -" + String(decoding: [letter], as: UTF8.self) + " requires argument") }
                found.append((option, arguments[index]))
                index += 1
            }
            return found
        }
        return found
    }

    /// supervisor's `url`: a scheme and something after it.
    static func isURL(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), colon > 0 else { return false }
        let scheme = bytes[..<colon]
        guard let first = scheme.first, (first | 0x20) >= 0x61 && (first | 0x20) <= 0x7A,
              scheme.allSatisfy({ ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || "+-.".utf8.contains($0) })
        else { return false }
        return colon + 1 < bytes.count
    }
}
