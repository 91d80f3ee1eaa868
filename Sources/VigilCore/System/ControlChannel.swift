import CLinux

/// The running vigil's control channel: a Unix stream socket that `vigil status`, `vigil
/// check` and the control commands connect to.
///
/// The socket is abstract (a name, not a file): it needs no writable directory, so it works
/// with a read-only root filesystem and an image without /run, and it disappears with vigil.
/// Abstract names live in the network namespace, which a pod's containers share, so the name
/// holds the PID and mount namespaces' identities: each container's vigil has its own, and a
/// client started in the container (`docker exec`, `kubectl exec`) computes the same one.
///
/// It never blocks or slows vigil: everything is non-blocking, a request is one short line,
/// at most `maximumClients` connections are served at once, and a client that has not sent
/// its request within `clientTimeout` is dropped. Only a client inside the container that is
/// root or the user vigil runs as may use it (`ControlAccess`); a refused one gets a one-line
/// error and is logged once. With no client connected it costs nothing: vigil wakes only when
/// one connects.
final class ControlChannel {
    static let maximumClients = 8
    static let clientTimeout = 2 * Durations.second
    /// How long accepting pauses after accept4 failed for want of descriptors or memory: the
    /// connection stays queued and the socket readable, so retrying at once would spin.
    static let acceptRetry = Durations.second
    /// Connections taken from the backlog in one pass: a client that connects as fast as
    /// vigil accepts cannot keep it from its other work. The rest wait for the next pass.
    static let acceptsPerPass = 64

    private struct Client {
        let fd: Int32
        let deadline: Instant
        /// Who connected (SO_PEERCRED), for the log.
        let uid: uid_t
        let pid: pid_t
        var request: [UInt8] = []
        /// The reply still to send, once the request is in.
        var reply: [UInt8]? = nil
    }

    let fd: Int32
    private var clients: [Client] = []
    /// A new connection raises `clinux_connection_signal()` at vigil.
    private var signalsConnections = false
    /// Connections may wait in the backlog (the last accept did not find it empty): their
    /// signals came already, so vigil must poll the socket to see them.
    private var backlogged = false
    /// Accepting is paused until then, after a failure that would repeat at once.
    private var acceptPausedUntil: Instant? = nil
    /// The last accept failed: its warning is logged once until one succeeds.
    private var acceptFailing = false
    /// Which refusals were logged.
    private var refusals = ControlAccess.RefusalLog()

    private init(fd: Int32) {
        self.fd = fd
    }

    /// The channel's name in this container: the same for vigil and for a client in it.
    static var name: String {
        "vigil-control:" + namespace("pid") + ":" + namespace("mnt")
    }

    private static func namespace(_ kind: String) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let count = buffer.withUnsafeMutableBufferPointer { readlink("/proc/self/ns/" + kind, $0.baseAddress!, $0.count - 1) }
        guard count > 0 else { return "?" }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Listens; fails when the name is taken (EADDRINUSE) or sockets cannot be made.
    static func open() -> Result<ControlChannel, SystemError> {
        switch systemCall("bind", { clinux_control_listen(name, Int32(maximumClients)) }) {
        case .success(let fd):
            let channel = ControlChannel(fd: fd)
            channel.signalsConnections = systemCallError("fcntl", { clinux_signal_connections(fd, clinux_connection_signal()) }) == nil
            return .success(channel)
        case .failure(let error):
            return .failure(error)
        }
    }

    /// Whether the channel's name, found taken, is held by a process outside this container
    /// (one that could answer clients in vigil's place, which they refuse).
    static var heldFromOutside: Bool {
        var uid: uid_t = 0
        var pid: pid_t = 0
        guard case .success = valueOrErrno({ clinux_control_holder(name, &uid, &pid) }) else { return false }
        return !ControlAccess.trusts(listenerPID: pid)
    }

    /// No client is connected, and a new one raises a signal: vigil can wait for signals
    /// alone, in one sigtimedwait, which keeps forwarding a signal as cheap as in tini.
    var isIdle: Bool { signalsConnections && clients.isEmpty && !backlogged }

    /// Whether `signal` is the kernel saying that a client connected (not a signal to
    /// forward): the connection signal, or SIGIO if its queue was full, with a positive
    /// si_code, which only the kernel sends.
    static func announcesConnection(_ signal: ReceivedSignal) -> Bool {
        signal.code > 0 && (signal.number == clinux_connection_signal() || signal.number == SIGIO)
    }

    /// What to wait for: new connections (unless full), requests to read, replies to send.
    func pollEntries() -> [pollfd] {
        var entries: [pollfd] = []
        if clients.count < ControlChannel.maximumClients && acceptPausedUntil == nil { entries.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
        for client in clients {
            entries.append(pollfd(fd: client.fd, events: Int16(client.reply == nil ? POLLIN : POLLOUT), revents: 0))
        }
        return entries
    }

    /// The earliest client timeout or end of an accept pause, to wake for.
    var deadline: Instant? {
        let earliestClient = clients.map { $0.deadline }.min()
        guard let paused = acceptPausedUntil else { return earliestClient }
        return min(earliestClient ?? paused, paused)
    }

    /// A complete request line, with the client's descriptor (to answer) and who sent it.
    struct Request {
        let client: Int32
        let line: [UInt8]
        let uid: uid_t
        let pid: pid_t
    }

    /// Accepts and reads without blocking. Returns the complete requests; refused connections
    /// and bad requests are answered or dropped here.
    func pump(now: Instant, log: Log) -> [Request] {
        acceptClients(now: now, log: log)
        var requests: [Request] = []
        var index = 0
        while index < clients.count {
            if clients[index].deadline <= now {
                drop(index)
                continue
            }
            if clients[index].reply != nil {
                if send(index) { index += 1 }
                continue
            }
            var chunk = [UInt8](repeating: 0, count: 512)
            let client = clients[index].fd
            let result = chunk.withUnsafeMutableBytes { raw in valueOrErrno { read(client, raw.baseAddress, raw.count) } }
            switch result {
            case .success(0):
                drop(index)
                continue
            case .success(let count):
                clients[index].request += chunk[0..<count]
                if let newline = clients[index].request.firstIndex(of: 0x0A) {
                    requests.append(Request(client: client, line: Array(clients[index].request[..<newline]),
                                            uid: clients[index].uid, pid: clients[index].pid))
                    clients[index].reply = []
                } else if clients[index].request.count > ControlProtocol.maximumRequest {
                    answer(client, ControlProtocol.Reply(error: "request too long"))
                }
            case .failure(let errno) where errno.rawValue == EAGAIN:
                break
            case .failure:
                drop(index)
                continue
            }
            index += 1
        }
        return requests
    }

    /// Sends `reply` to `client` (as far as it takes it now; the rest on later wake-ups).
    func answer(_ client: Int32, _ reply: ControlProtocol.Reply) {
        guard let index = clients.firstIndex(where: { $0.fd == client }) else { return }
        clients[index].reply = Array(reply.text.utf8)
        _ = send(index)
    }

    /// Drops every client, at exit.
    func close() {
        while !clients.isEmpty { drop(0) }
        closeDescriptor(fd)
    }

    private func acceptClients(now: Instant, log: Log) {
        if let paused = acceptPausedUntil {
            guard paused <= now else { return }
            acceptPausedUntil = nil
        }
        backlogged = true
        var accepted = 0
        while clients.count < ControlChannel.maximumClients && accepted < ControlChannel.acceptsPerPass {
            var uid: uid_t = 0
            var pid: pid_t = 0
            let client: Int32
            switch valueOrErrno(retryOnInterrupt: false, { clinux_control_accept(fd, &uid, &pid) }) {
            case .success(let accepted): client = accepted
            case .failure(let failure):
                let errno = failure.rawValue
                // A client that gave up while queued: take the next one.
                if errno == ECONNABORTED || errno == EINTR { continue }
                backlogged = errno != EAGAIN
                if backlogged { pauseAccepting(SystemError("accept4", errno: errno), now: now, log: log) }
                return
            }
            accepted += 1
            acceptFailing = false
            if let refusal = ControlAccess.refusal(uid: uid, pid: pid, ownUID: geteuid()) {
                refuse(client, refusal, uid: uid, pid: pid, log: log)
                continue
            }
            clients.append(Client(fd: client, deadline: now + ControlChannel.clientTimeout, uid: uid, pid: pid))
        }
    }

    /// Answers a refused client with its one-line error, without reading its request, and
    /// closes it; logs the refusal the first time this peer is refused.
    private func refuse(_ client: Int32, _ refusal: ControlAccess.Refusal, uid: uid_t, pid: pid_t, log: Log) {
        switch refusals.refused(uid: uid, pid: pid) {
        case .skip: break
        case let entry:
            let who: LogText = refusal == .outsidePIDNamespace
                ? "a client outside this PID namespace (uid \(Int64(uid)))" : "uid \(Int64(uid)) (pid \(pid))"
            log.warning("refused a control connection from \(who)\(entry == .logLast ? "; later refusals are not logged" : "")")
        }
        discardInput(client)
        let reply = Array(ControlProtocol.Reply(error: refusal.message).text.utf8)
        _ = reply.withUnsafeBufferPointer { buffer in
            valueOrErrno { CLinux.send(client, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL)) }
        }
        closeDescriptor(client)
    }

    private func pauseAccepting(_ error: SystemError, now: Instant, log: Log) {
        acceptPausedUntil = now + ControlChannel.acceptRetry
        if !acceptFailing {
            log.warning("cannot accept control connections: \(error.description); retrying every second")
        }
        acceptFailing = true
    }

    /// Writes the reply; true when the client stays (more to send), false when it was dropped.
    private func send(_ index: Int) -> Bool {
        guard let reply = clients[index].reply, !reply.isEmpty else {
            // An empty reply means "not answered yet".
            return true
        }
        let client = clients[index].fd
        let result = reply.withUnsafeBufferPointer { buffer in
            valueOrErrno { CLinux.send(client, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL)) }
        }
        switch result {
        case .success(let count) where count == reply.count:
            drop(index)
            return false
        case .success(let count):
            clients[index].reply = Array(reply[count...])
            return true
        case .failure(let errno) where errno.rawValue == EAGAIN:
            return true
        case .failure:
            drop(index)
            return false
        }
    }

    private func drop(_ index: Int) {
        discardInput(clients[index].fd)
        closeDescriptor(clients[index].fd)
        clients.remove(at: index)
    }

    /// Reads away what the client sent beyond its request: closing a socket with unread
    /// input resets the connection, and the client would lose the reply.
    private func discardInput(_ fd: Int32) {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        for _ in 0..<4 {
            let result = chunk.withUnsafeMutableBytes { raw in valueOrErrno { read(fd, raw.baseAddress, raw.count) } }
            guard case .success(let count) = result, count > 0 else { return }
        }
    }
}
