import CLinux

// Requests in, replies out: each client's bytes framed into HTTP requests, routed as
// supervisord routes them (`MedusaRouting`), its calls handed to the supervisor, and replies
// sent as far as the client takes them.
extension RPCServer {
    /// A client's call for the supervisor.
    struct Call {
        let client: Int
        let call: XMLRPCCall
    }

    /// Accepts, reads and writes without blocking; returns the calls that came in. `date` is
    /// the `Date` header of what is answered here.
    func pump(now: Instant, date: String) -> [Call] {
        accept(now: now)
        var calls = pendingCalls
        pendingCalls = []
        var index = 0
        while index < clients.count {
            if clients[index].deadline <= now && (!clients[index].busy || !clients[index].output.isEmpty) {
                drop(index)
                continue
            }
            if !clients[index].output.isEmpty {
                guard send(index) else { continue }
            }
            if !clients[index].busy && !clients[index].closing {
                guard receive(index) else { continue }
                if let call = frame(index, date: date) { calls.append(Call(client: clients[index].id, call: call)) }
                if !clients[index].output.isEmpty { guard send(index) else { continue } }
            }
            index += 1
        }
        return calls
    }

    /// The clients that went away with a call still waiting, since the last look.
    func takeGone() -> [Int] {
        defer { gone = [] }
        return gone
    }

    /// The supervisor's answer to client `id`'s call.
    func reply(_ id: Int, _ reply: RPCReply, date: String, now: Instant) {
        guard let index = clients.firstIndex(where: { $0.id == id }) else { return }
        let client = clients[index]
        switch reply {
        case .body(let body):
            clients[index].output += MedusaReply.xml(body, version: client.version, date: date, close: !client.keepAlive)
            clients[index].closing = !client.keepAlive
        case .status(let status):
            clients[index].output += MedusaReply.error(status, version: client.version, date: date)
            clients[index].closing = true
        }
        clients[index].busy = false
        clients[index].deadline = now + RPCServer.idleTimeout
        if send(index), !clients[index].closing, let call = frame(index, date: date) {
            // A request that came in behind the one answered (pipelining) waits its turn here.
            clients[index].busy = true
            pendingCalls.append(Call(client: id, call: call))
        }
    }

    /// Reads what the client sent; false when it was dropped.
    private func receive(_ index: Int) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        let fd = clients[index].fd
        let result = chunk.withUnsafeMutableBytes { raw in valueOrErrno { read(fd, raw.baseAddress, raw.count) } }
        switch result {
        case .success(0):
            drop(index)
            return false
        case .success(let count):
            clients[index].input += chunk[0..<count]
            return true
        case .failure(let errno) where errno.rawValue == EAGAIN:
            return true
        case .failure:
            drop(index)
            return false
        }
    }

    /// The next request in the client's input: its call, or an error reply queued here.
    private func frame(_ index: Int, date: String) -> XMLRPCCall? {
        let settings = listeners[clients[index].listener].settings
        switch HTTPRequestFraming.parse(clients[index].input[...]) {
        case .incomplete:
            return nil
        case .empty:
            clients[index].closing = true
            clients[index].input = []
            return nil
        case .failure(let status):
            let shown = status == 411
                ? MedusaRouting.lengthRequired(clients[index].input[...], username: settings.username, password: settings.password) : status
            fail(index, shown, version: nil, date: date)
            return nil
        case .request(let head, let body, let consumed):
            clients[index].input.removeFirst(consumed)
            clients[index].version = head.version
            clients[index].keepAlive = head.keepsAlive
            switch MedusaRouting.route(head, body: body, username: settings.username, password: settings.password) {
            case .call(let call):
                clients[index].busy = true
                return call
            case .error(let status):
                fail(index, status, version: head.version, date: date)
                return nil
            }
        }
    }

    private func fail(_ index: Int, _ status: Int, version: String?, date: String) {
        clients[index].output += MedusaReply.error(status, version: version, date: date)
        clients[index].closing = true
        clients[index].input = []
    }

    /// Writes what is queued; false when the client was dropped (gone, or done and closing).
    private func send(_ index: Int) -> Bool {
        let fd = clients[index].fd
        let result = clients[index].output.withUnsafeBufferPointer { buffer in
            valueOrErrno { clinux_send_without_signal(fd, buffer.baseAddress, buffer.count) }
        }
        switch result {
        case .success(let count):
            clients[index].output.removeFirst(count)
        case .failure(let errno) where errno.rawValue == EAGAIN:
            return true
        case .failure:
            drop(index)
            return false
        }
        if clients[index].output.isEmpty && clients[index].closing {
            drop(index)
            return false
        }
        return true
    }
}
