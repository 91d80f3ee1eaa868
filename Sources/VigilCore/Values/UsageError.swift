/// A problem with the command line or an environment variable.
struct UsageError: Error, Equatable {
    /// The problem, without the program name: "unknown option '--foo'". Values it echoes are
    /// escaped and cut (see `LogText`), so that it stays one line.
    let text: LogText
    /// The line after it: where to find help.
    var hint: String? = nil
    /// Whether "Try 'vigil --help'" follows when there is no hint: it helps with a flag, not
    /// with a file that cannot be read or a bad value in one.
    var pointsToHelp = true

    init(_ text: LogText, hint: String? = nil) {
        self.text = text
        self.hint = hint
    }

    var message: String { text.string }

    /// The same error without the pointer to `--help`.
    var withoutHelpPointer: UsageError {
        var error = self
        error.pointsToHelp = false
        return error
    }

    /// The problem line and the hint, as printed on stderr.
    func rendered(programName: String) -> [UInt8] {
        var line: LogText = "\(programName): \(text)\n"
        if let hint {
            line.append("\(hint)\n")
        } else if pointsToHelp {
            line.append("Try '\(programName) --help' for more information.\n")
        }
        return line.bytes
    }
}
