import CLinux

// A supervisord configuration's runtime: its XML-RPC server and pid file at the start, what
// the supervisor asks of listeners, programs and clients, and supervisord's log lines.
extension InitProcess {
    /// Before anything starts: the notices, the XML-RPC servers (a server that cannot listen
    /// stops vigil, as it stops supervisord, with exit 2) and the pid file.
    mutating func setUpSupervisord() -> Int32? {
        guard let settings = configuration.supervisord else { return nil }
        for notice in settings.notices {
            if notice.level == .warning { log.warning("\(notice.text)") } else { log.info("\(notice.text)") }
        }
        if !settings.servers.isEmpty {
            switch RPCServer.open(settings.servers, ownPID: ownPID) {
            case .success(let server): rpc = server
            case .failure(let error):
                log.error(error.text)
                return configuration.exitCodes.usage
            }
        }
        if let pidfile = settings.pidfile {
            let written = Output.write(decimal(Int64(ownPID)) + "\n", toFile: pidfile)
            if !written { log.warning("cannot write the pid file \(pidfile)") }
        }
        return nil
    }

    /// At exit: replies still queued get their chance, the socket files and pid file go.
    func tearDownSupervisord() {
        guard let settings = configuration.supervisord else { return }
        if let rpc {
            _ = rpc.pump(now: Clock.now(), date: httpDate())
            rpc.close()
        }
        if let pidfile = settings.pidfile { _ = unlink(pidfile) }
    }

    /// Reads and answers the XML-RPC clients.
    mutating func serveRPC() -> Int32? {
        guard let rpc else { return nil }
        let calls = rpc.pump(now: Clock.now(), date: httpDate())
        for call in calls {
            log.debug("XML-RPC call \(call.call.method)")
            if let code = handle(.supervisord(.call(client: call.client, call.call))) { return code }
        }
        for client in rpc.takeGone() {
            if let code = handle(.supervisord(.clientGone(client: client))) { return code }
        }
        return nil
    }

    /// Reads the programs' and listeners' pipes and writes what waits.
    mutating func pumpPrograms() -> Int32? {
        guard let launcher else { return nil }
        for event in launcher.programs.pump() {
            if let code = handle(.supervisord(event)) { return code }
        }
        return nil
    }

    func httpDate() -> String {
        MedusaRouting.date((Clock.now() + supervisor.policy.wallClockOffset) / Durations.second)
    }

    func performSupervisord(_ action: SupervisordAction) {
        switch action {
        case .writeInput(let process, let bytes): launcher?.programs.send(bytes, to: process)
        case .print(let bytes): launcher?.programs.print(bytes)
        case .reply(let client, let reply): rpc?.reply(client, reply, date: httpDate(), now: Clock.now())
        case .reopenLogs: launcher?.programs.reopenLogs()
        }
    }

    /// supervisord's log lines, in its words, at its levels.
    func reportSupervisord(_ note: SupervisordNote) {
        switch note {
        case .spawned(let name, let pid): log.info("spawned: '\(name)' with pid \(pid)")
        case .spawnError(let name, let message): log.info("spawnerr: \(name): \(message)")
        case .running(let name, let seconds):
            log.info("success: \(name) entered RUNNING state, process has stayed up for > than \(seconds) seconds (startsecs)")
        case .exited(let name, let how, let expected):
            if expected { log.info("exited: \(name) (\(supervisordStatus(how)); expected)") }
            else { log.warning("exited: \(name) (\(supervisordStatus(how)); not expected)") }
        case .gaveUp(let name): log.info("gave up: \(name) entered FATAL state, too many start retries too quickly")
        case .stopped(let name, let how, let expected):
            if expected { log.info("stopped: \(name) (\(supervisordStatus(how)))") }
            else { log.warning("stopped: \(name) (\(supervisordStatus(how)))") }
        case .listenerUnknown(let name):
            log.warning("\(name): has entered the UNKNOWN state and will no longer receive events, this usually indicates the process violated the eventlistener protocol")
        case .eventRejected(let name): log.warning("\(name): event was rejected")
        case .bufferOverflow(let pool, let serial): log.error("pool \(pool) event buffer overflowed, discarding event \(serial)")
        case .reloadRefused: log.warning("received SIGHUP indicating restart request: vigil does not reload its configuration; ignored")
        case .logsReopened: log.info("received SIGUSR2 indicating log reopen request")
        }
    }
}

/// supervisord's `decode_wait_status` text: `exit status 1`, `terminated by SIGTERM`.
private func supervisordStatus(_ how: ChildState) -> LogText {
    switch how {
    case .exited(let code): return "exit status \(code)"
    case .killed(let signal, let core): return "terminated by \(SignalNames.name(of: signal))\(core ? " (core dumped)" : "")"
    default: return "\(describe(how))"
    }
}

extension Output {
    /// Writes `text` into a new (or truncated) file; false when it cannot.
    static func write(_ text: String, toFile path: String) -> Bool {
        guard case .success(let fd) = valueOrErrno({ clinux_open_log(path, 1) }) else { return false }
        defer { closeDescriptor(fd) }
        return write(text, to: fd)
    }
}
