/// The start by the dependency graph: whatever has its dependencies met starts, in parallel,
/// then the main command once what it waits for is met.
extension Supervisor {
    /// Starts every process that never started and whose dependencies are met, and the main
    /// command (or pause mode) once its own are. Nothing starts once vigil is ending.
    mutating func startWhatIsDue(at now: Instant) -> [SupervisorAction] {
        guard !ending else { return [] }
        switch phase {
        case .bringingUp, .running, .pausing: break
        case .starting, .stoppingProcesses, .draining, .killing, .exited: return []
        }
        var actions: [SupervisorAction] = []
        for index in processes.indices where processes[index].state == .pending {
            guard graph.waitsFor[index].allSatisfy({ isMet($0) }) else { continue }
            // A scheduled task's runs begin; its first is due after now.
            if processes[index].spec.kind == .task { processes[index].beginSchedule(at: wallClock) } else { actions += processes[index].start(at: now) }
        }
        guard case .bringingUp = phase, !mainStartAsked, graph.mainWaitsFor.allSatisfy({ isMet($0) }) else { return actions }
        // runit's services start before the main command, as my_init starts runsvdir first.
        if runit.awaitsScan { return actions + runit.askScan() }
        if hasMain {
            mainStartAsked = true
            return actions + [.startMain]
        }
        phase = .pausing
        return actions
    }

    /// Whether what `edge` waits for has happened. A process down for good (not required, or
    /// vigil would be ending) no longer holds anyone back: the start goes on without it, as it
    /// does without a sidecar that never gets ready.
    func isMet(_ edge: DependencyGraph.Edge) -> Bool {
        let process = processes[edge.process]
        if process.isDownForGood || process.isDone { return true }
        switch edge.condition {
        case .started: return process.hasStarted
        case .ready: return process.spec.kind == .initTask ? process.isDone : process.hasBeenReady
        case .done: return process.isDone
        }
    }
}
