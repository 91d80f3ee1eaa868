import CLinux

/// vigil under supervisorctl's name: one action (`status`, `start`, `stop`, `restart`,
/// `signal`, `pid`, `avail`, `version`, `shutdown`) sent to the server that `-s` or the
/// `[supervisorctl]` section of `-c FILE` (or of the file on supervisord's search path) names,
/// with supervisorctl's output and exit status. There is no interactive shell.
enum SupervisorctlCommand {
    static let usage = """
        supervisorctl -- control applications run by supervisord (here: by vigil) from the cmd line.

        Usage: supervisorctl [options] action [arguments]

        Options:
        -c/--configuration FILENAME -- configuration file path (searches if not given)
        -h/--help -- print usage message and exit
        -s/--serverurl URL -- URL on which supervisord server is listening
             (default "http://localhost:9001").
        -u/--username USERNAME -- username to use for authentication with server
        -p/--password PASSWORD -- password to use for authentication with server

        action [arguments] -- one of status, start, stop, restart, signal, pid, avail, version,
        shutdown, with the arguments supervisorctl takes.

        """

    static func run(_ arguments: [String]) -> Int32 {
        let host = SupervisordHost.current()
        let request: SupervisorctlCommandLine.ClientRequest
        let server: XMLRPCClientConnection.Server
        let settings: SupervisorctlSettings
        do throws(UsageError) {
            switch try SupervisorctlCommandLine.parse(Array(arguments.dropFirst())) {
            case .help:
                Output.write(usage, to: 1)
                return 0
            case .run(let given): request = given
            }
            guard !request.action.isEmpty else {
                throw UsageError("Error: the interactive shell is not available under vigil: give an action (status, start, stop, restart, signal, pid, avail, version, shutdown)", hint: SupervisorctlCommandLine.hint)
            }
            let file = request.configFile ?? SupervisordSearchPath.candidates(argv0: arguments.first ?? "").first { host.exists($0) }
            var read = try SupervisorctlSettings.read(file, host: host)
            if let url = request.serverURL { read.serverURL = url }
            if let username = request.username { read.username = username }
            if let password = request.password { read.password = password }
            settings = read
            server = try SupervisorctlServer.parse(settings.serverURL)
        } catch {
            Output.write(error.rendered(programName: "supervisorctl"), to: 2)
            return ExitCodes.vigil.usage
        }
        let authorization = settings.username.map { user in
            Base64.encode(Array(user.utf8) + [UInt8(ascii: ":")] + Array((settings.password ?? "").utf8))
        }
        var session = SupervisorctlSession(serverURL: settings.serverURL) { method, params in
            exchange(server, XMLRPCReply.call(method, params), authorization)
        }
        session.run(words(request.action))
        var out: [UInt8] = []
        for line in session.lines { out += Array(line.utf8) + [0x0A] }
        Output.write(out, to: 1)
        return session.status
    }

    /// The action as `cmd` hands it on: joined with spaces, then split at whitespace.
    static func words(_ action: [String]) -> [String] {
        var result: [String] = []
        for word in action {
            for piece in Array(word.utf8).split(whereSeparator: { $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) }) {
                result.append(String(decoding: piece, as: UTF8.self))
            }
        }
        return result
    }

    private static func exchange(_ server: XMLRPCClientConnection.Server, _ body: [UInt8], _ authorization: [UInt8]?)
        -> Result<XMLRPCReply, SupervisorctlSession.Unanswered> {
        switch XMLRPCClientConnection.call(server, body, authorization: authorization) {
        case .success(let reply):
            do {
                return .success(try XMLRPCReply.parse(reply))
            } catch {
                return .failure(.other("an unreadable XML-RPC reply: " + error.message))
            }
        case .failure(.system(let error)) where error.errno == ECONNREFUSED: return .failure(.refused)
        case .failure(.system(let error)) where error.errno == ENOENT: return .failure(.noSocketFile)
        case .failure(.system(let error)): return .failure(.other(error.description))
        case .failure(.status(let code)) where code == 401: return .failure(.unauthorized)
        case .failure(.status(let code)): return .failure(.other("the server answered HTTP status " + decimal(Int64(code))))
        case .failure(.badReply(let text)): return .failure(.other(text))
        }
    }
}

/// Where supervisorctl's server URL points: `unix:///path`, or `http://ADDRESS[:PORT]` with an
/// IP address or `localhost` (host names are not resolved).
enum SupervisorctlServer {
    static func parse(_ url: String) throws(UsageError) -> XMLRPCClientConnection.Server {
        let bytes = Array(url.utf8)
        if ASCII.hasPrefix(bytes, "unix://") { return .socketFile(String(decoding: bytes[7...], as: UTF8.self)) }
        guard ASCII.hasPrefix(bytes, "http://") else { throw UsageError("serverurl \(url): only unix:// and http:// are supported") }
        var hostPort = bytes[7...]
        if let slash = hostPort.firstIndex(of: UInt8(ascii: "/")) { hostPort = hostPort[..<slash] }
        var host = hostPort
        var port: UInt16 = 80
        if let colon = hostPort.lastIndex(of: UInt8(ascii: ":")), !hostPort[(colon + 1)...].contains(UInt8(ascii: "]")) {
            guard case .value(let number) = PythonInt.parse(hostPort[(colon + 1)...]), number > 0, number < 65536 else {
                throw UsageError("serverurl \(url): a bad port")
            }
            port = UInt16(number)
            host = hostPort[..<colon]
        }
        if ASCII.equals(host, "localhost") { return .tcp(.loopback, port) }
        if let v4 = IPAddress.parseIPv4(host) { return .tcp(.v4(v4), port) }
        if host.first == UInt8(ascii: "["), host.last == UInt8(ascii: "]"), let v6 = IPAddress.parseIPv6(host.dropFirst().dropLast()) {
            return .tcp(.v6(v6), port)
        }
        throw UsageError("serverurl \(url): give an IP address or localhost (vigil does not resolve host names)")
    }
}
