/// Why a runit service folder, a my_init command line or `/etc/container_environment` was
/// refused: one line, ready to print after the program's name. The layer that reports it
/// wraps it in a `UsageError` (exit code 2).
struct RunitError: Error, Equatable {
    let text: LogText

    init(_ text: LogText) {
        self.text = text
    }

    var message: String { text.string }
}
