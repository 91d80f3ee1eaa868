/// How a log line of vigil's starts, chosen by the personality.
enum LogStyle: Equatable, Sendable {
    /// `vigil: warning: text`, with the program name vigil runs under.
    case named(String)
    /// `[WARN  tini (PID)] text`, as tini writes them, for log scrapers written for it.
    case bracketed(String)
}
