/// runit's services and my_init's folders within the supervisor's life: the services start
/// before the main command, their processes' exits and `supervise/control` commands go to
/// `RunitServices`, and the container's stop runs my_init's steps before the rest.
extension Supervisor {
    mutating func runitEvent(_ event: RunitEvent, at now: Instant) -> [SupervisorAction] {
        Supervisor.statusFirst(runitDecision(event, at: now))
    }

    /// The status files are written before anything starts: the runtime handles a start's
    /// result (and writes its status) before it gets to the actions after it, which would
    /// otherwise put back an older state.
    static func statusFirst(_ actions: [SupervisorAction]) -> [SupervisorAction] {
        var writes: [SupervisorAction] = []
        var others: [SupervisorAction] = []
        for action in actions {
            if case .runit(.writeStatus) = action { writes.append(action) } else { others.append(action) }
        }
        return writes + others
    }

    private mutating func runitDecision(_ event: RunitEvent, at now: Instant) -> [SupervisorAction] {
        switch event {
        case .found(let layouts): return runit.found(layouts, at: now)
        case .control(let part, let bytes):
            guard runit.services.indices.contains(part.service) else { return [] }
            return runit.control(part, bytes, at: now)
        case .spawned(let part, let pid, let errno):
            guard runit.services.indices.contains(part.service) else { return [] }
            return afterRunit(runit.spawned(part, pid: pid, errno: errno, at: now), at: now)
        case .overrideSpawned(let part, let pid):
            guard runit.services.indices.contains(part.service) else { return [] }
            return afterRunit(runit.overrideSpawned(part, pid: pid, at: now), at: now)
        case .scriptSpawned(let pid): return afterRunit(runit.scriptSpawned(pid: pid, at: now), at: now)
        case .folderChanged: return runit.folderChanged(at: now)
        case .folderUnwatched: return runit.folderUnwatched(at: now)
        case .rescanned(let added, let present):
            return afterRunit(runit.rescanned(added: added, present: present, at: now), at: now)
        case .environmentRefused:
            let how = ChildState.exited(code: 1)
            return endWith(1, .initFailed(name: ContainerEnvironment.directory, how: how), at: now)
        }
    }

    /// The services' `supervise/control` FIFOs to read now.
    var serviceControlsToRead: [ServicePart] { runit.controlsToRead }

    /// A reaped child that is the services', a `control/X` or a shutdown script; nil otherwise.
    mutating func runitReaped(_ pid: Int32, _ state: ChildState, at now: Instant) -> [SupervisorAction]? {
        runit.reaped(pid, state, at: now).map { Supervisor.statusFirst(afterRunit($0, at: now)) }
    }

    mutating func runitDeadlines(at now: Instant) -> [SupervisorAction] {
        Supervisor.statusFirst(afterRunit(runit.deadlinePassed(at: now), at: now))
    }

    /// When my_init's stop steps are over, the container's stop goes on: the grace period for
    /// what is left begins now (`KILL_ALL_PROCESSES_TIMEOUT`), and under my_init's exit rule a
    /// failed shutdown script makes the exit code 1. After a recovery, the services' step
    /// stops the adopted processes.
    mutating func afterRunit(_ actions: [SupervisorAction], at now: Instant) -> [SupervisorAction] {
        if runit.stopsAdoptedServices, case .stoppingProcesses = phase { return actions + stopWhatMayStop(at: now) }
        guard case .stoppingProcesses(var shutdown) = phase, runit.isShutDown, shutdown.deadline == Instant.max else {
            return actions
        }
        shutdown.deadline = now + policy.grace
        if policy.myInitExitCodes && runit.scriptFailed { shutdown.exitCode = 1 }
        phase = .stoppingProcesses(shutdown)
        return actions + stopWhatMayStop(at: now)
    }

    /// The stop's deadline: none while my_init's steps run (each is bounded on its own).
    func shutdownDeadline(at now: Instant) -> Instant {
        runit.settings != nil && runit.scanned && !runit.isShutDown ? Instant.max : now + policy.grace
    }

    /// The code for a stop request that reaches vigil while no main command runs (or, under
    /// my_init's rule, while one does): vigil's 0 in pause mode, my_init's 2, honcho's 128+N.
    func stopRequestCode(_ signal: Int32) -> Int32 {
        if policy.myInitExitCodes { return 2 }
        return hasMain ? 128 + signal : policy.stopExitWithoutMain ?? 128 + signal
    }

    /// The code for the main command's end: the shell's (`--exit-map` applied), or under
    /// my_init's rule its exit code (0 for a signal) and 2 after a stop request.
    func mainExitCode(_ state: ChildState, stopRequested: Bool) -> Int32 {
        guard policy.myInitExitCodes else { return policy.exitMap.apply(state.exitCode ?? 0) }
        if stopRequested { return 2 }
        if case .exited(let code) = state { return code }
        return 0
    }

    /// A failure's code: its own, or my_init's 1.
    func failureCode(_ code: Int32) -> Int32 {
        policy.myInitExitCodes ? 1 : code
    }

    /// runit's services for `vigil status`, as sidecars.
    func runitStatus(at now: Instant) -> [StatusRecord.Process] {
        runit.allParts.map { part in
            let service = runit[part]
            var entry = StatusRecord.Process(name: runit.partName(part), kind: "sidecar", state: runitStateName(service),
                                             restarts: max(0, service.starts - 1),
                                             lastExit: runit.services[part.service].lastExit[part.isLog ? 1 : 0])
            if service.pid != 0 {
                entry.pid = service.pid
                entry.uptimeMilliseconds = (now - service.since) / Durations.millisecond
            }
            return entry
        }
    }

    /// `vigil check`'s view of the services, as `sv check` sees each: one wanted up (no `down`
    /// file, or `sv up`) must be running; one wanted down is fine whatever it does.
    var runitHealthProblems: [String] {
        runit.allParts.compactMap { part in
            let service = runit[part]
            guard service.want == .up, service.state != .run else { return nil }
            return "runit service " + runit.partName(part) + " is " + runitStateName(service) + ", wanted up"
        }
    }

    private func runitStateName(_ service: RunsvService) -> String {
        switch service.state {
        case .run: return service.gotTerm || service.want != .up ? "stopping" : "running"
        case .finish: return "finishing"
        case .down: return service.want != .up ? "stopped" : service.deadline != nil ? "backing-off" : "waiting"
        }
    }

    /// `vigil stop|start|restart|signal NAME` for a runit service: `sv down`, `sv up`,
    /// `sv restart` (TERM, CONT, up) and a signal to its process. Nil: not a service's name.
    mutating func runitRequest(_ request: ControlProtocol.Request, at now: Instant) -> [SupervisorAction]? {
        let name: String
        switch request {
        case .stop(let given), .start(let given), .restart(let given), .signal(let given, _): name = given
        case .status, .health: return nil
        }
        guard let part = runit.part(named: name) else { return nil }
        let ok = SupervisorAction.reply(ControlProtocol.Reply())
        guard runit.shutdown == .notBegun else { return [.reply(ControlProtocol.Reply(error: "vigil is stopping"))] }
        switch request {
        case .signal(_, let signal):
            let pid = runit[part].pid
            guard pid > 0 else { return [.reply(ControlProtocol.Reply(error: name + " is not running"))] }
            return [ok, .send(signal: signal, to: .process(pid))]
        case .stop: return [ok] + Supervisor.statusFirst(runit.commands(part, [.down], at: now))
        case .start: return [ok] + Supervisor.statusFirst(runit.commands(part, [.up], at: now))
        default: return [ok] + Supervisor.statusFirst(runit.commands(part, [.term, .cont, .up], at: now))
        }
    }
}
