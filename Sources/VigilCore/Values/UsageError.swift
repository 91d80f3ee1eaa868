/// A problem with the command line or an environment variable.
struct UsageError: Error, Equatable {
    /// The problem, without the program name: "unknown option '--foo'". Values it echoes are
    /// escaped and cut (see `LogText`), so that it stays one line.
    let text: LogText
    /// The line after it: where to find help.
    var hint: String? = nil

    init(_ text: LogText, hint: String? = nil) {
        self.text = text
        self.hint = hint
    }

    var message: String { text.string }

    /// The problem line and the hint, as printed on stderr.
    func rendered(programName: String) -> [UInt8] {
        let hint = hint.map { LogText($0) } ?? "Try '\(programName) --help' for more information."
        let line: LogText = "\(programName): \(text)\n\(hint)\n"
        return line.bytes
    }
}
