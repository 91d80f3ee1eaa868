/// supervisord's events: after every event the supervisor handles, the state changes of its
/// processes become PROCESS_STATE events, TICKs come due, and each listener pool sends what it
/// can (`ListenerPools`); listeners' replies and programs' output come back as
/// `SupervisordEvent`s.
extension Supervisor {
    /// After each event: what is new goes to the pools, the pools to their listeners, and
    /// XML-RPC calls that waited are answered.
    mutating func publish(at now: Instant) -> [SupervisorAction] {
        guard policy.followsSupervisord, phase != .starting else { return [] }
        if !events.announced { announceRunning(at: now) }
        publishChanges()
        publishTicks(at: now)
        var actions: [SupervisorAction] = listeners.takeOverflows().map { .note(.supervisord(.bufferOverflow(pool: $0.pool, serial: $0.serial))) }
        let running = processes.map { $0.record.state == .running }
        let writes = listeners.dispatch(identifier: policy.identifier) { running[$0] }
        for write in writes { actions.append(.supervisord(.writeInput(process: write.process, write.bytes))) }
        // During the stop, a listener that was left to send its events may be done now.
        if case .stoppingProcesses = phase, !events.drains.isEmpty { actions += stopWhatMayStop(at: now) }
        return actions + answerWaitingCalls(at: now)
    }

    /// supervisord keeps sending a listener its buffered events until the listener's turn to
    /// stop, one loop turn per group: when that turn comes, vigil lets it finish them first,
    /// within its own stopwaitsecs.
    mutating func sendsEventsBeforeStopping(_ index: Int, at now: Instant) -> Bool {
        guard processes[index].spec.supervisord?.listener != nil, processes[index].record.state == .running,
              listeners.hasWork(process: index) else {
            events.drains.removeAll { $0.process == index }
            return false
        }
        guard let drain = events.drains.first(where: { $0.process == index }) else {
            events.drains.append(EventSchedule.Drain(process: index, until: stopDeadline(now, index, afterKill: false)))
            return true
        }
        if now < drain.until { return true }
        events.drains.removeAll { $0.process == index }
        return false
    }

    /// The earliest instant a listener's sending must end (nil: none is sending).
    var drainDeadline: Instant? {
        events.drains.filter { processes[$0.process].isAlive && !processes[$0.process].isStopping }.map { $0.until }.min()
    }

    /// What supervisord sends before its first spawn: each group added, then RUNNING.
    private mutating func announceRunning(at now: Instant) {
        events.announced = true
        var groups: [String] = []
        for process in processes {
            if let group = process.spec.supervisord?.group, !groups.contains(where: { PythonText.same($0, group) }) { groups.append(group) }
        }
        if listeners.wants(.processGroupAdded) {
            for group in groups { listeners.publish(ListenerEvent.processGroup(added: true, group: group)) }
        }
        if listeners.wants(.supervisorStateChangeRunning) { listeners.publish(ListenerEvent.supervisorState(running: true)) }
        let epoch = epochSeconds(now)
        for period: Int64 in [5, 60, 3600] {
            guard let type = ListenerEvent.tick(period: period, now: epoch)?.type, listeners.wants(type) else { continue }
            events.ticks.append(EventSchedule.Tick(period: period, slice: ListenerEvent.tickSlice(period: period, now: epoch)))
        }
        events.nextTick = nextTick()
    }

    /// supervisord's SUPERVISOR_STATE_CHANGE_STOPPING, after what changed before the stop.
    mutating func announceStopping() {
        guard policy.followsSupervisord else { return }
        publishChanges()
        if listeners.wants(.supervisorStateChangeStopping) { listeners.publish(ListenerEvent.supervisorState(running: false)) }
    }

    private mutating func publishChanges() {
        for index in processes.indices where !processes[index].record.changes.isEmpty {
            let changes = processes[index].record.changes
            processes[index].record.changes = []
            let name = processes[index].spec.name
            let group = processes[index].spec.supervisord?.group ?? name
            for change in changes where listeners.wants(change.to.eventType) {
                listeners.publish(ListenerEvent.processState(
                    to: change.to, process: name, group: group, from: change.from, pid: change.pid,
                    tries: Int(clamping: change.tries), expected: change.expected))
            }
        }
    }

    private mutating func publishTicks(at now: Instant) {
        guard let due = events.nextTick, due <= now else { return }
        let epoch = epochSeconds(now)
        for index in events.ticks.indices {
            let period = events.ticks[index].period
            let slice = ListenerEvent.tickSlice(period: period, now: epoch)
            guard slice != events.ticks[index].slice, let tick = ListenerEvent.tick(period: period, now: epoch) else { continue }
            events.ticks[index].slice = slice
            listeners.publish(tick)
        }
        events.nextTick = nextTick()
    }

    /// The monotonic instant of the next period's start, among the TICKs listened to.
    private func nextTick() -> Instant? {
        var earliest: Instant? = nil
        for tick in events.ticks {
            let boundary = (tick.slice + tick.period) * Durations.second - policy.wallClockOffset
            earliest = min(earliest ?? boundary, boundary)
        }
        return earliest
    }

    /// Wall-clock seconds since the epoch at monotonic `now`.
    func epochSeconds(_ now: Instant) -> Int64 {
        (now + policy.wallClockOffset) / Durations.second
    }

    mutating func supervisordEvent(_ event: SupervisordEvent, at now: Instant) -> [SupervisorAction] {
        switch event {
        case .listenerOutput(let process, let bytes):
            guard processes.indices.contains(process) else { return [] }
            return listeners.received(bytes, from: process).map { outcome in
                switch outcome {
                case .rejected(let index): return .note(.supervisord(.eventRejected(name: processes[index].spec.name)))
                case .unknown(let index): return .note(.supervisord(.listenerUnknown(name: processes[index].spec.name)))
                case .print(let lines): return .supervisord(.print(lines))
                }
            }
        case .output(let process, let stderr, let bytes):
            guard processes.indices.contains(process), !bytes.isEmpty else { return [] }
            let type: ListenerEventType = stderr ? .processLogStderr : .processLogStdout
            guard listeners.wants(type) else { return [] }
            let spec = processes[process].spec
            listeners.publish(ListenerEvent.processLog(process: spec.name, group: spec.supervisord?.group ?? spec.name,
                                                       pid: processes[process].pid ?? 0, stderr: stderr, data: bytes))
            return []
        case .call(let client, let call):
            return rpcCall(call, client: client, at: now)
        case .clientGone(let client):
            waitingCalls.removeAll { $0.client == client }
            return []
        }
    }
}

/// When the pools hear from supervisord itself.
struct EventSchedule: Equatable {
    struct Tick: Equatable {
        var period: Int64
        /// The start of the period last announced (seconds since the epoch).
        var slice: Int64
    }

    /// A listener whose turn to stop has come while it still had events: stopped once it has
    /// sent them, or at `until`.
    struct Drain: Equatable {
        var process: Int
        var until: Instant
    }

    /// SUPERVISOR_STATE_CHANGE_RUNNING has gone out.
    var announced = false
    var ticks: [Tick] = []
    var nextTick: Instant? = nil
    var drains: [Drain] = []
}
