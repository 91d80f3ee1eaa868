import CLinux

/// supervisord's XML-RPC server, as `[unix_http_server]` and `[inet_http_server]` describe it:
/// a socket file made with its `chmod` and `chown` before anyone can connect (bound under a
/// temporary name, then renamed into place, as supervisord does), or a TCP port on the
/// configured address only; HTTP/1.0 and 1.1 with keep-alive; Basic authentication when the
/// section sets a username.
///
/// It never blocks or slows vigil: every socket is non-blocking, at most `maximumClients`
/// connections are served at once, a request is bounded (`HTTPRequestFraming`), a client that
/// sends nothing for `idleTimeout` (or does not read its reply) is dropped, and a client whose
/// call waits for processes sends nothing more until it is answered.
final class RPCServer {
    static let maximumClients = 16
    static let idleTimeout = 60 * Durations.second
    static let acceptsPerPass = 16

    struct ListeningSocket {
        let fd: Int32
        let settings: RPCServerSettings
        /// The socket file, removed when vigil exits.
        let path: String?
    }

    struct Client {
        let id: Int
        let fd: Int32
        let listener: Int
        var input: [UInt8] = []
        var output: [UInt8] = []
        var deadline: Instant
        /// Its call is with the supervisor: nothing is read until the answer.
        var busy = false
        /// Closed once its output is sent.
        var closing = false
        var version: String? = nil
        var keepAlive = false
    }

    private(set) var listeners: [ListeningSocket] = []
    var clients: [Client] = []
    private var nextID = 1
    /// Clients dropped with a call still waiting: the supervisor is told.
    var gone: [Int] = []
    /// Calls read after an answer (pipelined), for the next `pump`.
    var pendingCalls: [Call] = []

    private init() {}

    /// Listens as `servers` say. The error is a usage error's text: supervisord refuses to start then.
    static func open(_ servers: [RPCServerSettings], ownPID: Int32) -> Result<RPCServer, UsageError> {
        let server = RPCServer()
        for settings in servers {
            switch listen(settings, ownPID: ownPID) {
            case .success(let listener): server.listeners.append(listener)
            case .failure(let error):
                server.close()
                return .failure(error)
            }
        }
        return .success(server)
    }

    private static func listen(_ settings: RPCServerSettings, ownPID: Int32) -> Result<ListeningSocket, UsageError> {
        switch settings.address {
        case .unix(let path, let mode, let uid, let gid):
            if access(path, F_OK) == 0 && clinux_unix_in_use(path) == 1 {
                return .failure(UsageError("[\(settings.section)] another program is already listening on \(path); shut it down first"))
            }
            let temporary = path + "." + decimal(Int64(ownPID))
            _ = unlink(temporary)
            let fd: Int32
            switch systemCall("bind " + path, { clinux_unix_listen(temporary, 64) }) {
            case .success(let descriptor): fd = descriptor
            case .failure(let error): return .failure(UsageError("[\(settings.section)] cannot listen on \(path): \(error.description)"))
            }
            var problem: SystemError? = nil
            if uid != -1 || gid != -1 {
                problem = systemCallError("chown " + path, { chown(temporary, uid_t(truncatingIfNeeded: uid), gid_t(truncatingIfNeeded: gid)) })
            }
            problem = problem ?? systemCallError("chmod " + path, { chmod(temporary, mode_t(mode)) })
                ?? systemCallError("rename " + path, { rename(temporary, path) })
            if let problem {
                closeDescriptor(fd)
                _ = unlink(temporary)
                return .failure(UsageError("[\(settings.section)] cannot set up \(path): \(problem.description)"))
            }
            return .success(ListeningSocket(fd: fd, settings: settings, path: path))
        case .inet(let host, let port):
            guard let address = RPCServer.ipv4(host) else {
                return .failure(UsageError("[\(settings.section)] port: cannot listen on '\(host)': vigil takes an IPv4 address, localhost or *"))
            }
            let bytes = [UInt8(address >> 24), UInt8(address >> 16 & 0xFF), UInt8(address >> 8 & 0xFF), UInt8(address & 0xFF)]
            switch systemCall("bind", { bytes.withUnsafeBufferPointer { clinux_tcp_listen($0.baseAddress, port, 64) } }) {
            case .success(let fd): return .success(ListeningSocket(fd: fd, settings: settings, path: nil))
            case .failure(let error):
                return .failure(UsageError("[\(settings.section)] cannot listen on \(host.isEmpty ? "*" : host):\(Int64(port)): \(error.description)"))
            }
        }
    }

    /// supervisord's host: empty (every address), `localhost`, or an IPv4 literal.
    static func ipv4(_ host: String) -> UInt32? {
        if host.isEmpty { return 0 }
        if ASCII.equals(host, "localhost") { return 0x7F00_0001 }
        return IPAddress.parseIPv4(host.utf8)
    }

    /// What to wait for: connections (unless full), requests, replies to send.
    func pollEntries() -> [pollfd] {
        var entries: [pollfd] = []
        if clients.count < RPCServer.maximumClients {
            for listener in listeners { entries.append(pollfd(fd: listener.fd, events: Int16(POLLIN), revents: 0)) }
        }
        for client in clients where !client.output.isEmpty || !client.busy {
            entries.append(pollfd(fd: client.fd, events: Int16(client.output.isEmpty ? POLLIN : POLLOUT), revents: 0))
        }
        return entries
    }

    /// The earliest idle client's drop.
    var deadline: Instant? {
        clients.filter { !$0.busy || !$0.output.isEmpty }.map { $0.deadline }.min()
    }

    /// Removes every socket file, at exit.
    func close() {
        for client in clients { closeDescriptor(client.fd) }
        clients = []
        for listener in listeners {
            closeDescriptor(listener.fd)
            if let path = listener.path { _ = unlink(path) }
        }
        listeners = []
    }

    func accept(now: Instant) {
        for index in listeners.indices {
            var accepted = 0
            while clients.count < RPCServer.maximumClients && accepted < RPCServer.acceptsPerPass {
                let listening = listeners[index].fd
                guard case .success(let fd) = valueOrErrno(retryOnInterrupt: false, { clinux_accept(listening) }) else { break }
                accepted += 1
                clients.append(Client(id: nextID, fd: fd, listener: index, deadline: now + RPCServer.idleTimeout))
                nextID += 1
            }
        }
    }

    func drop(_ index: Int) {
        if clients[index].busy { gone.append(clients[index].id) }
        closeDescriptor(clients[index].fd)
        clients.remove(at: index)
    }
}
