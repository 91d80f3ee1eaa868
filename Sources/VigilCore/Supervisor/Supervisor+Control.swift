import CLinux

/// What `vigil status`, `vigil check` and the control commands ask of the supervisor, as plain
/// values: a report, or a decision. The first action is always the `.reply`.
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

    /// `vigil status`: the main command and each supervised process.
    func status(at now: Instant, ownPID: Int32) -> StatusRecord {
        var record = StatusRecord(phase: phaseName, pid: ownPID)
        if hasMain {
            var main = StatusRecord.Process(name: "main", kind: "main", state: "starting", lastExit: mainExit)
            if mainSpec.after != nil { main.after = graph.mainWaitsFor.map { dependencyText($0) } }
            if mainSpec.liveness != nil { main.live = "pending" }
            switch phase {
            case .running(let child):
                main.state = child.stopRequested ? "stopping" : "running"
                main.pid = child.pid
                main.uptimeMilliseconds = mainStartedAt.map { (now - $0) / Durations.millisecond }
                if let live = child.live {
                    main.live = live.result
                    main.liveFailures = live.failures
                }
            case .stoppingProcesses, .draining, .killing, .exited:
                main.state = "exited"
            default:
                break
            }
            record.processes.append(main)
        }
        for (index, process) in processes.enumerated() {
            let kind = process.spec.kind == .initTask ? "init" : process.spec.kind == .task ? "task" : "sidecar"
            var entry = StatusRecord.Process(
                name: process.spec.name, kind: kind,
                state: process.stateName, pid: process.pid ?? process.runs.first?.pid, restarts: process.restarts,
                lastExit: process.lastExit)
            if process.spec.kind == .task {
                entry.nextRun = process.nextRun.map { $0 / Durations.second }
                entry.lastRun = process.lastRun.map { $0 / Durations.second }
                entry.skipped = process.skipped
                entry.uptimeMilliseconds = process.runs.first.map { (now - $0.startedAt) / Durations.millisecond }
            }
            if process.spec.after != nil { entry.after = graph.waitsFor[index].map { dependencyText($0) } }
            if let (result, failures) = process.liveStatus {
                entry.live = result
                entry.liveFailures = failures
            }
            switch process.state {
            case .starting(_, let since, _), .running(_, let since, _):
                entry.uptimeMilliseconds = (now - since) / Durations.millisecond
            default:
                break
            }
            record.processes.append(entry)
        }
        record.processes += runitStatus(at: now)
        return record
    }

    /// Why vigil is not healthy, from its own point of view: it is stopping, a required
    /// sidecar is not ready or is down, the main process or a required sidecar fails its
    /// liveness check, or a runit service wanted up is not running. Empty when healthy.
    var healthProblems: [String] {
        if ASCII.equals(phaseName, "stopping") || ASCII.equals(phaseName, "exited") { return ["vigil is stopping"] }
        var problems: [String] = []
        let started = !isStartingUp
        if case .running(let child) = phase, let live = child.live, live.failures > 0 {
            problems.append("main fails its liveness check (" + decimal(live.failures) + " in a row)")
        }
        for process in processes where process.spec.kind == .sidecar && process.spec.required {
            switch process.state {
            case .running(_, _, let live):
                guard let live, live.failures > 0 else { continue }
                problems.append("required sidecar " + process.spec.name + " fails its liveness check ("
                    + decimal(live.failures) + " in a row)")
            case .failed: problems.append("required sidecar " + process.spec.name + " has failed")
            case .waiting where !started, .pending where !started: continue
            default: problems.append("required sidecar " + process.spec.name + " is not ready")
            }
        }
        return problems + runitHealthProblems
    }

    private var isStartingUp: Bool {
        switch phase {
        case .starting, .bringingUp: return true
        default: return false
        }
    }

    /// A control request: `.reply` first, then what to do.
    mutating func controlRequest(_ request: ControlProtocol.Request, at now: Instant, ownPID: Int32) -> [SupervisorAction] {
        if let actions = runitRequest(request, at: now) { return actions }
        switch request {
        case .status:
            return [.reply(ControlProtocol.Reply(lines: status(at: now, ownPID: ownPID).lines))]
        case .health:
            return [.reply(ControlProtocol.Reply(lines: healthProblems))]
        case .signal(let name, let signal):
            if ASCII.equals(name, "main") {
                guard case .running(let child) = phase else { return refuse("the main process is not running") }
                return [.reply(ControlProtocol.Reply()), .send(signal: signal, to: target(child))]
            }
            guard let index = index(of: name) else { return refuse("no process named '" + name + "'") }
            // A task's runs are each a process group.
            let leaders = processes[index].pid.map { [$0] } ?? processes[index].runs.map { $0.pid }
            guard !leaders.isEmpty else { return refuse(name + " is not running") }
            return [.reply(ControlProtocol.Reply())] + leaders.map { .send(signal: signal, to: .processGroup($0)) }
        case .stop(let name), .start(let name), .restart(let name):
            if ASCII.equals(name, "main") {
                return refuse("the main process is not stopped or started on its own; stop the container instead")
            }
            guard let index = index(of: name) else { return refuse("no process named '" + name + "'") }
            if processes[index].spec.kind == .task { return taskRequest(request, index, at: now) }
            guard processes[index].spec.kind == .sidecar else { return refuse(name + " is an init task; it runs once") }
            guard !ending else { return refuse("vigil is stopping") }
            switch request {
            case .stop: return [.reply(ControlProtocol.Reply())] + stopOnRequest(index, then: .holdDown, at: now)
            case .restart: return [.reply(ControlProtocol.Reply())] + stopOnRequest(index, then: .restart, at: now)
            default: return startOnRequest(index)
            }
        }
    }

    /// `db:ready`.
    private func dependencyText(_ edge: DependencyGraph.Edge) -> String {
        processes[edge.process].spec.name + ":" + DependencyList.name(of: edge.condition)
    }

    private func refuse(_ message: String) -> [SupervisorAction] {
        [.reply(ControlProtocol.Reply(error: message))]
    }

    private func index(of name: String) -> Int? {
        processes.firstIndex { ASCII.equals($0.spec.name, name) }
    }

    /// Stops sidecar `index` with its stop signal and grace, as the container's stop does;
    /// then holds it down or restarts it.
    private mutating func stopOnRequest(_ index: Int, then next: Supervised.AfterStop, at now: Instant) -> [SupervisorAction] {
        guard processes[index].isAlive else {
            if next == .restart { return processes[index].start() }
            processes[index].hold()
            return []
        }
        if processes[index].isStopping {
            processes[index].changeStop(then: next)
            return []
        }
        return stop(index, then: next, deadline: stopDeadline(now, index, afterKill: false))
    }

    private mutating func startOnRequest(_ index: Int) -> [SupervisorAction] {
        switch processes[index].state {
        case .starting, .running, .stopping:
            return refuse(processes[index].spec.name + " is already running")
        default:
            return [.reply(ControlProtocol.Reply())] + processes[index].start()
        }
    }
}
