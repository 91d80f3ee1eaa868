import CLinux

/// What `vigil status`, `vigil check` and the control commands ask of the supervisor, as plain
/// values: a report, or a decision with its reply.
extension Supervisor {
    /// The phase's name for `vigil status`.
    var phaseName: String {
        switch phase {
        case .starting, .bringingUp: return "starting"
        case .running(let child): return child.stopRequested ? "stopping" : "running"
        case .pausing: return ending ? "stopping" : (hasMain ? "running" : "paused")
        case .stoppingProcesses, .draining, .killing: return "stopping"
        case .exited: return "exited"
        }
    }

    /// `vigil status`'s lines: `phase PHASE`, then one `process NAME KIND STATE PID RESTARTS
    /// LAST-EXIT UPTIME-MS` for the main command and each supervised process ("-" when there is
    /// nothing to say).
    func statusLines(at now: Instant, ownPID: Int32) -> [String] {
        var lines = ["phase " + phaseName + " pid " + decimal(ownPID)]
        if hasMain {
            var state = "starting", pid = "-", uptime = "-"
            switch phase {
            case .running(let child):
                state = child.stopRequested ? "stopping" : "running"
                pid = decimal(child.pid)
                if let since = mainStartedAt { uptime = decimal((now - since) / Durations.millisecond) }
            case .stoppingProcesses, .draining, .killing, .exited:
                state = "exited"
            default:
                break
            }
            let last = mainExit.map { decimal($0) } ?? "-"
            lines.append("process main main " + state + " " + pid + " 0 " + last + " " + uptime)
        }
        for process in processes {
            let kind = process.spec.kind == .initTask ? "init" : "sidecar"
            var uptime = "-"
            switch process.state {
            case .starting(_, let since), .running(_, let since):
                uptime = decimal((now - since) / Durations.millisecond)
            default:
                break
            }
            let pid = process.pid.map { decimal($0) } ?? "-"
            let last = process.lastExit.map { decimal($0) } ?? "-"
            lines.append("process " + process.spec.name + " " + kind + " " + process.stateName + " " + pid + " "
                + decimal(process.restarts) + " " + last + " " + uptime)
        }
        return lines
    }

    /// Why vigil is not healthy, from its own point of view: it is stopping, or a required
    /// sidecar is not ready or is down. Empty when healthy.
    var healthProblems: [String] {
        if ASCII.equals(phaseName, "stopping") || ASCII.equals(phaseName, "exited") { return ["vigil is stopping"] }
        var problems: [String] = []
        let started = !isStartingUp
        for process in processes where process.spec.kind == .sidecar && process.spec.required {
            switch process.state {
            case .running: continue
            case .failed: problems.append("required sidecar " + process.spec.name + " has failed")
            case .waiting where !started: continue
            default: problems.append("required sidecar " + process.spec.name + " is not ready")
            }
        }
        return problems
    }

    private var isStartingUp: Bool {
        switch phase {
        case .starting, .bringingUp: return true
        default: return false
        }
    }

    /// A control request: the reply, and what to do.
    mutating func control(_ request: ControlProtocol.Request, at now: Instant, ownPID: Int32) -> (ControlProtocol.Reply, [SupervisorAction]) {
        switch request {
        case .status:
            return (ControlProtocol.Reply(lines: statusLines(at: now, ownPID: ownPID)), [])
        case .health:
            return (ControlProtocol.Reply(lines: healthProblems), [])
        case .signal(let name, let signal):
            if ASCII.equals(name, "main") {
                guard case .running(let child) = phase else { return (failure("the main process is not running"), []) }
                return (ControlProtocol.Reply(), [.send(signal: signal, to: policy.forwardToGroup ? .processGroup(child.pid) : .process(child.pid))])
            }
            guard let index = index(of: name) else { return (failure("no process named '" + name + "'"), []) }
            guard let pid = processes[index].pid else { return (failure(name + " is not running"), []) }
            return (ControlProtocol.Reply(), [.send(signal: signal, to: .processGroup(pid))])
        case .stop(let name), .start(let name), .restart(let name):
            if ASCII.equals(name, "main") {
                return (failure("the main process is not stopped or started on its own; stop the container instead"), [])
            }
            guard let index = index(of: name) else { return (failure("no process named '" + name + "'"), []) }
            guard processes[index].spec.kind == .sidecar else { return (failure(name + " is an init task; it runs once"), []) }
            guard !ending else { return (failure("vigil is stopping"), []) }
            switch request {
            case .stop: return stop(index, then: .holdDown, at: now)
            case .restart: return stop(index, then: .restart, at: now)
            default: return startOnRequest(index, at: now)
            }
        }
    }

    private func failure(_ message: String) -> ControlProtocol.Reply {
        ControlProtocol.Reply(error: message)
    }

    private func index(of name: String) -> Int? {
        processes.firstIndex { ASCII.equals($0.spec.name, name) }
    }

    /// Stops sidecar `index` with its stop signal and grace; then holds it down or restarts it.
    private mutating func stop(_ index: Int, then next: Supervised.RequestedStop, at now: Instant) -> (ControlProtocol.Reply, [SupervisorAction]) {
        guard let pid = processes[index].pid else {
            if next == .restart { return startOnRequest(index, at: now) }
            processes[index].state = .held
            return (ControlProtocol.Reply(), [])
        }
        if case .stopping = processes[index].state {
            processes[index].onRequestedStop = next
            return (ControlProtocol.Reply(), [])
        }
        let spec = processes[index].spec
        let signal = spec.stopSignal ?? policy.stopSignal
        processes[index].onRequestedStop = next
        var actions = dropCheck(index)
        processes[index].nextCheck = nil
        processes[index].startDeadline = nil
        processes[index].state = .stopping(pid: pid, deadline: now + (spec.grace ?? policy.grace), killed: false)
        actions += [.note(.stopping(name: spec.name, signal: signal)), .send(signal: signal, to: .processGroup(pid))]
        if signal != SIGKILL && signal != SIGCONT { actions.append(.send(signal: SIGCONT, to: .processGroup(pid))) }
        return (ControlProtocol.Reply(), actions)
    }

    private mutating func startOnRequest(_ index: Int, at now: Instant) -> (ControlProtocol.Reply, [SupervisorAction]) {
        switch processes[index].state {
        case .starting, .running, .stopping:
            return (failure(processes[index].spec.name + " is already running"), [])
        default:
            processes[index].state = .waiting
            return (ControlProtocol.Reply(), [.start(process: index, processes[index].spec)])
        }
    }
}
