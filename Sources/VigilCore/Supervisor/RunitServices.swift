import CLinux

/// runsvdir and one runsv for each service of the services folder, as one plain value: each
/// service's parts (`RunsvService`) decide, this value turns their decisions into the
/// supervisor's actions, keeps the `control/X` processes apart, and writes the status files
/// after every change. The folder is read when the startup files have run, and again after
/// it changes, as runsvdir does (`+Rescan`).
struct RunitServices: Equatable {
    struct Watched: Equatable {
        let layout: RunitServiceLayout.Service
        /// The service, then its log service if it has a `log` folder.
        var parts: [RunsvService]
        /// The `control/X` running for each part (0: none).
        var overridePIDs: [Int32]
        /// What the status files last said, for each part.
        var written: [Written?]
        /// How `./run` (or the logger) last ended, the shell's way, for `vigil status`.
        var lastExit: [Int32?]
        /// The last start of each part failed: the next failure in a row is not logged again.
        var failing: [Bool]
        /// vigil closed its ends of the log pipe (the service is down for good).
        var logClosed = false
        /// Its folder left the services folder: it stops as `sv exit` stops it.
        var removed = false
        /// Removed and stopped: its files are closed, and it is no longer listed (its index
        /// stays taken, so that every other part keeps its own).
        var retired = false
    }

    struct Written: Equatable {
        var status: RunitStatus
        var since: Instant
    }

    /// nil: no runit (not my_init, or `--skip-runit`).
    let settings: RunitSettings?
    /// How long SIGKILLed processes are waited for.
    let killWait: Int64
    var services: [Watched] = []
    var scanAsked = false
    var scanned = false
    var shutdown = ShutdownStep.notBegun
    /// A shutdown script failed (my_init's rule then exits 1).
    var scriptFailed = false
    /// When the services folder is to be read again (it changed, or it is polled).
    var rescanAt: Instant? = nil
    /// The folder cannot be watched: it is read every `RunitServices.pollInterval`.
    var pollsFolder = false
    /// A recovery after a fault: the services run on as the supervisor's adopted sidecars
    /// (`+Recovery`).
    var servicesAdopted = false

    init(settings: RunitSettings? = nil, killWait: Int64 = 2 * Durations.second) {
        self.settings = settings
        self.killWait = killWait
    }

    /// The services must be read (and started) before the main command starts.
    var awaitsScan: Bool { settings != nil && !scanned }

    /// Asks for the services folder, once.
    mutating func askScan() -> [SupervisorAction] {
        guard settings != nil, !scanAsked else { return [] }
        scanAsked = true
        return [.runit(.scan)]
    }

    /// The folder was read: each service's files are written and what wants up starts, the
    /// logger before its service, as runsv does.
    mutating func found(_ layouts: [RunitServiceLayout.Service], at now: Instant) -> [SupervisorAction] {
        scanned = true
        services = []
        return add(layouts, at: now)
    }

    /// New services, after those there are (whose indices stay), started as runsv starts.
    mutating func add(_ layouts: [RunitServiceLayout.Service], at now: Instant) -> [SupervisorAction] {
        let first = services.count
        services += layouts.map { layout in
            var parts = [RunsvService(isLog: false, startsDown: layout.startsDown, hasFinish: layout.hasFinish,
                                      overrides: layout.overrides, now: now)]
            if let log = layout.log { parts.append(RunsvService(isLog: true, startsDown: log.startsDown, now: now)) }
            return Watched(layout: layout, parts: parts, overridePIDs: parts.map { _ in 0 }, written: parts.map { _ in nil },
                           lastExit: parts.map { _ in nil }, failing: parts.map { _ in false })
        }
        // A service that starts now gets its first status once it runs: until then `sv check`
        // of it fails (no status yet), as before runsv starts it, instead of passing on a
        // "down, want up" status without a PID. One that starts down says so at once.
        var actions: [SupervisorAction] = []
        for index in first..<services.count {
            let service = services[index]
            for isLog in service.parts.count > 1 ? [true, false] : [false] {
                let part = ServicePart(service: index, isLog: isLog)
                let starts = perform(part, self[part].nextStart(at: now))
                actions += starts.isEmpty ? writeStatus(part) : starts
            }
        }
        return actions
    }

    /// Every part, each service followed by its log service (retired ones left out).
    var allParts: [ServicePart] {
        var parts: [ServicePart] = []
        for (index, service) in services.enumerated() where !service.retired {
            parts.append(ServicePart(service: index, isLog: false))
            if service.parts.count > 1 { parts.append(ServicePart(service: index, isLog: true)) }
        }
        return parts
    }

    subscript(part: ServicePart) -> RunsvService {
        get { services[part.service].parts[part.isLog ? 1 : 0] }
        set { services[part.service].parts[part.isLog ? 1 : 0] = newValue }
    }

    /// The parts whose `supervise/control` is to be read now: none while `control/X` runs
    /// (runsv reads nothing meanwhile).
    var controlsToRead: [ServicePart] {
        allParts.filter { !self[$0].isBusy }
    }

    var deadline: Instant? {
        var earliest = stopsAdoptedServices ? nil : shutdown.deadline
        if shutdown == .notBegun, let rescanAt { earliest = min(earliest ?? rescanAt, rescanAt) }
        for part in allParts {
            if let time = self[part].deadline { earliest = min(earliest ?? time, time) }
        }
        return earliest
    }

    /// Bytes read from `part`'s `supervise/control`: each command in turn.
    /// Once the stop has begun, `sv up` and `sv once` start nothing; the other commands still
    /// work, as with runsv (a `control/t` that runs `sv q NAME` stops its service so).
    mutating func control(_ part: ServicePart, _ bytes: [UInt8], at now: Instant) -> [SupervisorAction] {
        var given = RunitCommand.commands(bytes)
        if shutdown != .notBegun { given = given.filter { $0 != .up && $0 != .once } }
        return commands(part, given, at: now)
    }

    mutating func commands(_ part: ServicePart, _ commands: [RunitCommand], at now: Instant) -> [SupervisorAction] {
        var actions: [SupervisorAction] = []
        for command in commands { actions += perform(part, self[part].control(command)) }
        return actions + advance(part, at: now)
    }

    /// The runtime started `part` (or could not: as runsv's child, it then exits 111).
    mutating func spawned(_ part: ServicePart, pid: Int32?, errno: Int32, at now: Instant) -> [SupervisorAction] {
        var actions: [SupervisorAction] = []
        let slot = part.isLog ? 1 : 0
        if let pid {
            self[part].started(pid: pid, at: now)
            services[part.service].failing[slot] = false
        } else {
            let name = partName(part)
            if !services[part.service].failing[slot] {
                let program = self[part].state == .finish ? "./finish" : "./run"
                actions.append(.note(.cannotStart(name: name, program: program, errno: errno)))
            }
            services[part.service].failing[slot] = true
            actions += exited(part, waitStatus: 111 << 8, at: now)
            return actions
        }
        return actions + perform(part, self[part].resume()) + advance(part, at: now)
    }

    /// `control/X` of `part` runs as `pid`, or could not start (which counts as a failure).
    mutating func overrideSpawned(_ part: ServicePart, pid: Int32?, at now: Instant) -> [SupervisorAction] {
        guard let pid else { return perform(part, self[part].overrideEnded(succeeded: false)) + advance(part, at: now) }
        services[part.service].overridePIDs[part.isLog ? 1 : 0] = pid
        return []
    }

    /// A child of vigil was reaped: one of the services' processes, a `control/X`, or a
    /// shutdown script. Nil when it is none of them.
    mutating func reaped(_ pid: Int32, _ state: ChildState, at now: Instant) -> [SupervisorAction]? {
        guard pid > 0 else { return nil }
        for part in allParts {
            let slot = part.isLog ? 1 : 0
            if self[part].pid == pid {
                guard state.exitCode != nil else { return [] }
                if self[part].state != .finish { services[part.service].lastExit[slot] = state.exitCode }
                return exited(part, waitStatus: RunitServices.waitStatus(state), at: now)
            }
            if services[part.service].overridePIDs[slot] == pid {
                guard let code = state.exitCode else { return [] }
                services[part.service].overridePIDs[slot] = 0
                return perform(part, self[part].overrideEnded(succeeded: code == 0)) + advance(part, at: now)
            }
        }
        return scriptReaped(pid, state, at: now)
    }

    private mutating func exited(_ part: ServicePart, waitStatus: Int32, at now: Instant) -> [SupervisorAction] {
        self[part].exited(waitStatus: waitStatus, at: now)
        return perform(part, self[part].resume()) + advance(part, at: now)
    }

    /// The one-second holds that ended start what they held back; the stop's own deadlines.
    mutating func deadlinePassed(at now: Instant) -> [SupervisorAction] {
        var actions: [SupervisorAction] = []
        for part in allParts {
            if let until = self[part].deadline, until <= now { actions += advance(part, at: now) }
        }
        return actions + shutdownDeadline(at: now) + rescanDue(at: now)
    }

    /// After any change to `part`: what is due starts, its files say the new state, and the
    /// stop goes on when it waits for this.
    mutating func advance(_ part: ServicePart, at now: Instant) -> [SupervisorAction] {
        var actions = writeStatus(part)
        if holdsStarts(part) {
            self[part].endHold(at: now)
        } else {
            actions += perform(part, self[part].nextStart(at: now))
        }
        return actions + servicesStopped(at: now) + removedStopped(at: now)
    }

    /// A part's decisions as the supervisor's actions; signals go to what runs now.
    private mutating func perform(_ part: ServicePart, _ actions: [RunsvService.Action]) -> [SupervisorAction] {
        var result: [SupervisorAction] = []
        for action in actions {
            let pid = self[part].pid
            switch action {
            case .signal(let number): if pid > 0 { result.append(.send(signal: number, to: .process(pid))) }
            case .start(let argv): result.append(.runit(.start(part, argv)))
            case .runOverride(let letter): result.append(.runit(.runOverride(part, letter: letter, pid: pid)))
            }
        }
        return result
    }

    /// The status files, when what they say changed.
    private mutating func writeStatus(_ part: ServicePart) -> [SupervisorAction] {
        let service = self[part]
        let written = Written(status: service.status(since: TAI64N(seconds: 0)), since: service.since)
        let slot = part.isLog ? 1 : 0
        let before = services[part.service].written[slot]
        guard before != written else { return [] }
        services[part.service].written[slot] = written
        return [.runit(.writeStatus(part, written.status, since: written.since,
                                    pidChanged: before?.status.pid != written.status.pid || before == nil))]
    }

    /// `web`, and `web.log` for its log service.
    func partName(_ part: ServicePart) -> String {
        services[part.service].layout.name + (part.isLog ? ".log" : "")
    }

    /// The part named `name` (`web`, `web.log`): the one whose folder is there, when a
    /// removed one of that name still stops.
    func part(named name: String) -> ServicePart? {
        let named = allParts.filter { ASCII.equals(partName($0), name) }
        return named.first { !services[$0.service].removed } ?? named.first
    }

    /// A `ChildState` as the wait status runsv hands `./finish`.
    static func waitStatus(_ state: ChildState) -> Int32 {
        switch state {
        case .exited(let code): return (code & 0xFF) << 8
        case .killed(let signal, let core): return signal | (core ? 0x80 : 0)
        case .stopped(let signal): return (signal << 8) | 0x7F
        case .continued: return 0xFFFF
        }
    }
}
