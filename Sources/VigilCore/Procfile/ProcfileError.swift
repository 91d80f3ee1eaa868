/// Why a Procfile, an env file or a choice of process types was refused: one line, ready to
/// print after the program's name, `FILE:LINE: what` where a line is to blame. The layer that
/// reports it wraps it in a `UsageError` (exit code 2).
struct ProcfileError: Error, Equatable {
    let text: LogText

    init(_ text: LogText) {
        self.text = text
    }

    /// `PATH:LINE: text`, built in one place.
    @inline(never)
    init(_ path: String, line: Int, _ text: LogText) {
        self.text = "\(path):\(line): \(text)"
    }

    var message: String { text.string }
}
