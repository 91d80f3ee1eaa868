/// The names in the command line's process arguments: `[NAME=]CMD` of `--init` and
/// `--sidecar`, and `PROCESS=VALUE` of the per-process flags.
enum NamedCommand {
    /// `[NAME=]CMD` of `--init` and `--sidecar`: the name, when the text before the first `=`
    /// is one, and the command split into words by shell quoting. Without a name, the
    /// command's program name (its last path component) is the name.
    static func namedCommand(_ text: String, option: String) throws(UsageError) -> (name: String, command: [String]) {
        var name: String? = nil
        var commandText = text
        if let (given, rest) = splitName(text) {
            try checkLength(given, option: option)
            name = given
            commandText = rest
        }
        let command: [String]
        do {
            command = try CommandWords.split(commandText)
        } catch {
            throw UsageError("\(option): \(error.message), in '\(commandText)'")
        }
        return (name ?? programName(command[0]), command)
    }

    /// The last path component of a program, made a valid process name.
    static func programName(_ program: String) -> String {
        let bytes = Array(program.utf8)
        let start = (bytes.lastIndex(of: UInt8(ascii: "/")).map { $0 + 1 }) ?? 0
        var name = bytes[start...].map { ProcessName.isValid([$0]) ? $0 : UInt8(ascii: "_") }
        if name.count > ProcessName.maximumLength { name.removeLast(name.count - ProcessName.maximumLength) }
        return name.isEmpty ? "process" : String(decoding: name, as: UTF8.self)
    }

    /// `PROCESS=VALUE` of a per-process flag.
    static func target(_ text: String, option: String) throws(UsageError) -> (name: String, value: String) {
        guard let (name, value) = splitName(text) else {
            throw UsageError("\(option): expected PROCESS=VALUE, got '\(text)'")
        }
        try checkLength(name, option: option)
        return (name, value)
    }

    /// `NAME=REST`, when the text before the first `=` is made of a name's characters, of any
    /// length (callers check it); nil otherwise.
    static func splitName(_ text: String) -> (name: String, rest: String)? {
        let bytes = Array(text.utf8)
        guard let equals = bytes.firstIndex(of: UInt8(ascii: "=")), ProcessName.isShaped(bytes[..<equals]) else { return nil }
        return (String(decoding: bytes[..<equals], as: UTF8.self), String(decoding: bytes[(equals + 1)...], as: UTF8.self))
    }

    private static func checkLength(_ name: String, option: String) throws(UsageError) {
        guard name.utf8.count > ProcessName.maximumLength else { return }
        throw UsageError("\(option): process name '\(name)' is longer than \(ProcessName.maximumLength) bytes")
    }
}
