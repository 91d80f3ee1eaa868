/// supervisorctl's actions as supervisorctl 4.2 performs them (`supervisorctl.py`): the calls
/// it makes, the lines it prints and its exit status (LSB's: 3 for `status` when something is
/// not running, 4 when the server cannot be asked). The calls go through `call`, so tests
/// drive a session with made-up replies and no server.
struct SupervisorctlSession {
    /// Why a call got no XML-RPC answer.
    enum Unanswered: Error, Equatable {
        case refused, noSocketFile, unauthorized
        case other(String)
    }

    enum Answer: Equatable {
        case value(XMLRPCValue)
        case fault(Int64, String)
        /// Not answered, and already reported.
        case failed
    }

    typealias Caller = (String, [XMLRPCValue]) -> Result<XMLRPCReply, Unanswered>

    let serverURL: String
    let call: Caller
    var lines: [String] = []
    /// The exit status so far (supervisorctl's `exitstatus`).
    var status: Int32 = 0

    init(serverURL: String, call: @escaping Caller) {
        self.serverURL = serverURL
        self.call = call
    }

    /// Runs `words` (the action and its arguments) as supervisorctl's `onecmd` does.
    mutating func run(_ words: [String]) {
        guard let action = words.first else { return }
        let rest = Array(words.dropFirst())
        if ASCII.equals(action, "status") { showStatus(rest) }
        else if ASCII.equals(action, "pid") { pid(rest) }
        else if ASCII.equals(action, "start") { start(rest) }
        else if ASCII.equals(action, "stop") { stop(rest) }
        else if ASCII.equals(action, "restart") { restart(rest) }
        else if ASCII.equals(action, "signal") { signal(rest) }
        else if ASCII.equals(action, "avail") { avail(rest) }
        else if ASCII.equals(action, "version") { version(rest) }
        else if ASCII.equals(action, "shutdown") { shutdown(rest) }
        else { fail(1, "*** Unknown syntax: " + joined(words)) }
    }

    mutating func say(_ line: String) { lines.append(line) }

    mutating func fail(_ code: Int32, _ line: String) {
        say(line)
        status = code
    }

    func joined(_ words: [String]) -> String {
        var text = ""
        for word in words { text += (text.isEmpty ? "" : " ") + word }
        return text
    }

    /// One call; transport failures and faults nobody expects are reported here.
    mutating func ask(_ method: String, _ params: [XMLRPCValue] = []) -> Answer {
        switch call("supervisor." + method, params) {
        case .success(.value(let value)): return .value(value)
        case .success(.fault(let code, let text)): return .fault(code, text)
        case .failure(.unauthorized): fail(1, "Server requires authentication")
        case .failure(.refused): fail(1, "error: " + serverURL + " refused connection")
        case .failure(.noSocketFile): fail(1, "error: " + serverURL + " no such file")
        case .failure(.other(let text)): fail(1, "error: " + text)
        }
        return .failed
    }

    /// A fault the action does not handle: Python's traceback line, in short.
    mutating func unexpected(_ code: Int64) {
        fail(1, "error: <Fault " + decimal(code) + ": " + (XMLRPCFault(rawValue: Int32(truncatingIfNeeded: code))?.name ?? "UNKNOWN") + ">")
    }

    /// supervisorctl's `upcheck`: the server answers supervisor's API, version 3.0.
    mutating func upcheck() -> Bool {
        switch call("supervisor.getVersion", []) {
        case .success(.value(.string(let version))) where ASCII.equals(version, "3.0"): return true
        case .success(.value(let other)):
            let shown = Self.text(other) ?? ""
            fail(5, "Sorry, this version of supervisorctl expects to talk to a server with API version 3.0, but the remote version is " + shown + ".")
        case .success(.fault(let code, _)) where code == 1:
            fail(3, "Sorry, supervisord responded but did not recognize the supervisor namespace commands that supervisorctl uses to control it.  Please check that the [rpcinterface:supervisor] section is enabled in the configuration file (see sample.conf).")
        case .success(.fault(let code, _)): unexpected(code)
        case .failure(.refused): fail(4, serverURL + " refused connection")
        case .failure(.noSocketFile): fail(7, serverURL + " no such file")
        case .failure(.unauthorized): fail(1, "Server requires authentication")
        case .failure(.other(let text)): fail(1, "error: " + text)
        }
        return false
    }

    static func text(_ value: XMLRPCValue?) -> String? {
        switch value {
        case .string(let text)?: return text
        case .int(let number)?: return decimal(number)
        default: return nil
        }
    }

    static func number(_ value: XMLRPCValue?) -> Int64? {
        if case .int(let number)? = value { return number }
        return nil
    }

    /// supervisor's `make_namespec`: `group:name`, or the name alone when they are the same.
    static func namespec(_ info: XMLRPCValue) -> String {
        let group = text(info.member("group")) ?? ""
        let name = text(info.member("name")) ?? ""
        return PythonText.same(group, name) ? name : group + ":" + name
    }

    /// supervisor's `split_namespec`: (group, process), process nil for `group:` and `group:*`.
    static func split(_ namespec: String) -> (group: String, process: String?) {
        let bytes = Array(namespec.utf8)
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return (namespec, namespec) }
        let group = String(decoding: bytes[..<colon], as: UTF8.self)
        let process = String(decoding: bytes[(colon + 1)...], as: UTF8.self)
        return (group, process.isEmpty || ASCII.equals(process, "*") ? nil : process)
    }

    /// `%-Ns`: padded with spaces to `width` code points.
    static func padded(_ text: String, _ width: Int) -> String {
        let count = text.unicodeScalars.count
        return count >= width ? text : text + String(repeating: " ", count: width - count)
    }
}
