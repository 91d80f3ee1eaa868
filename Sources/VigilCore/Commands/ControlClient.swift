import CLinux

/// Asks the running vigil over its control channel.
enum ControlClient {
    /// Why a request got no reply. `nobodyListens`: no control channel here at all (no vigil,
    /// a vigil under tini's or dumb-init's name, or another network namespace), as opposed to
    /// a vigil that was reached and did not answer.
    struct Failure: Error {
        var error: UsageError
        var nobodyListens = false
    }

    static func ask(_ request: ControlProtocol.Request) -> Result<ControlProtocol.Reply, Failure> {
        let name = ControlChannel.name
        let exchange: ControlConnection.Exchange
        switch ControlConnection.exchange(name, Array(ControlProtocol.line(request).utf8), timeout: 5000,
                                          trusts: ControlAccess.trusts(listenerPID:)) {
        case .success(let done): exchange = done
        case .failure(let error): return .failure(unreachable(name, errno: error.errno))
        }
        guard ControlAccess.trusts(listenerPID: exchange.listenerPID) else {
            return .failure(Failure(error: UsageError("\(ControlAccess.untrustedListener)")))
        }
        if let parsed = ControlProtocol.Reply.parse(exchange.reply) { return .success(parsed) }
        guard exchange.sentAll else { return .failure(Failure(error: UsageError("the running vigil did not take the request"))) }
        return .failure(Failure(error: UsageError(exchange.reply.isEmpty ? "no reply from the running vigil" : "an unreadable reply from the running vigil")))
    }

    /// Why no vigil answered at `name`; where none listens at all, the likely causes too.
    static func unreachable(_ name: String, errno: Int32) -> Failure {
        var error = UsageError("cannot reach the running vigil (\(name)): \(SystemError.reason(errno))")
        let nobodyListens = errno == ECONNREFUSED || errno == ENOENT
        if nobodyListens { error.hint = unreachableHint }
        return Failure(error: error, nobodyListens: nobodyListens)
    }

    /// The line after "cannot reach the running vigil" when nobody listens.
    static let unreachableHint = "likely causes: not in vigil's container (run it there: docker exec CONTAINER /vigil status); vigil runs as tini, dumb-init or docker-init (no control channel) or not at all"
}
