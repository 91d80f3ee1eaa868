/// The control channel's protocol: one request line from the client, one reply from vigil,
/// then vigil closes the connection. Small, line-based and versioned:
///
///     request:  vigil 1 status                  reply:  vigil 1 ok
///               vigil 1 restart log                     phase running pid 1
///               vigil 1 signal log HUP                  process main main running 7 0 - 12034
///                                                       process log sidecar ready 9 2 1 11877
///                                                       (then end of stream)
///     or                                        reply:  vigil 1 error no process named 'x'
///
/// A request is at most `maximumRequest` bytes, ends with a newline, and holds only printable
/// ASCII words separated by single spaces.
enum ControlProtocol {
    static let version = "1"
    static let maximumRequest = 256

    enum Request: Equatable {
        case status
        /// What makes vigil unhealthy, from its own point of view (a required sidecar not
        /// ready or failed, the stop under way).
        case health
        case restart(String)
        case stop(String)
        case start(String)
        case signal(String, Int32)
    }

    struct RequestError: Error, Equatable {
        let message: String
    }

    /// The request in one line (without its newline).
    static func parse(_ line: some Collection<UInt8>, realtime: RealtimeSignals) throws(RequestError) -> Request {
        guard line.count <= maximumRequest else { throw RequestError(message: "request too long") }
        for byte in line where byte < 0x20 || byte > 0x7E { throw RequestError(message: "request is not printable ASCII") }
        let words = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard words.count >= 3, ASCII.equals(words[0], "vigil") else { throw RequestError(message: "not a vigil request") }
        guard ASCII.equals(words[1], version) else { throw RequestError(message: "unsupported version") }
        let command = words[2]
        let arguments = Array(words.dropFirst(3))
        func name() throws(RequestError) -> String {
            guard arguments.count >= 1, ProcessName.isValid(arguments[0]) else {
                throw RequestError(message: "expected a process name")
            }
            return String(decoding: arguments[0], as: UTF8.self)
        }
        func count(_ expected: Int) throws(RequestError) {
            guard arguments.count == expected else { throw RequestError(message: "wrong number of arguments") }
        }
        if ASCII.equals(command, "status") {
            try count(0)
            return .status
        }
        if ASCII.equals(command, "health") {
            try count(0)
            return .health
        }
        if ASCII.equals(command, "restart") { try count(1); return .restart(try name()) }
        if ASCII.equals(command, "stop") { try count(1); return .stop(try name()) }
        if ASCII.equals(command, "start") { try count(1); return .start(try name()) }
        if ASCII.equals(command, "signal") {
            try count(2)
            guard let signal = SignalNames.parse(String(decoding: arguments[1], as: UTF8.self), realtime: realtime) else {
                // Printable ASCII and short: checked above.
                throw RequestError(message: "unknown signal '" + String(decoding: arguments[1], as: UTF8.self) + "'")
            }
            return .signal(try name(), signal)
        }
        throw RequestError(message: "unknown request")
    }

    /// "stop metrics", "signal metrics SIGHUP": a request that changes a process, for the
    /// log; nil for those that only ask.
    static func describeChange(_ request: Request) -> String? {
        switch request {
        case .status, .health: return nil
        case .restart(let name): return "restart " + name
        case .stop(let name): return "stop " + name
        case .start(let name): return "start " + name
        case .signal(let name, let signal): return "signal " + name + " " + SignalNames.name(of: signal)
        }
    }

    /// The request line a client sends (with its newline).
    static func line(_ request: Request) -> String {
        let prefix = "vigil " + version + " "
        switch request {
        case .status: return prefix + "status\n"
        case .health: return prefix + "health\n"
        case .restart(let name): return prefix + "restart " + name + "\n"
        case .stop(let name): return prefix + "stop " + name + "\n"
        case .start(let name): return prefix + "start " + name + "\n"
        case .signal(let name, let signal): return prefix + "signal " + name + " " + decimal(signal) + "\n"
        }
    }

    /// A reply: `vigil 1 ok` and body lines, or `vigil 1 error MESSAGE`.
    struct Reply: Equatable {
        var error: String? = nil
        var lines: [String] = []

        var text: String {
            var text = "vigil " + ControlProtocol.version + (error.map { " error " + $0 } ?? " ok") + "\n"
            for line in lines { text += line + "\n" }
            return text
        }

        /// Reads a reply as a client got it.
        static func parse(_ bytes: [UInt8]) -> Reply? {
            var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            if lines.last?.isEmpty == true { lines.removeLast() }
            guard let first = lines.first else { return nil }
            let head = Array(first.utf8)
            let ok = Array(("vigil " + ControlProtocol.version + " ok").utf8)
            let error = Array(("vigil " + ControlProtocol.version + " error ").utf8)
            if head == ok { return Reply(lines: Array(lines.dropFirst())) }
            if head.starts(with: error) { return Reply(error: String(decoding: head[error.count...], as: UTF8.self)) }
            return nil
        }
    }
}
