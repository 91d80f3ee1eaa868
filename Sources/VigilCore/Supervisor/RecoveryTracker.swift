/// What the recovery state last published said, so that the runtime publishes again only when
/// the supervisor moved. After each decision it compares what a recovery needs (the phase,
/// the processes' PIDs and stops, the tasks' runs, runit's services' PIDs and my_init's stop
/// step) with what it noted: a few comparisons of plain values, so that forwarding a signal costs nothing more.
struct RecoveryTracker {
    /// The longest state published: one argument of exec may hold 128 KiB.
    static let longestState = 120 * 1024

    /// Off in a recovery: a second fault ends vigil.
    var isOn = true
    /// The main child's wait status, from the moment it was reaped: published before the
    /// supervisor decides on it, so that a fault in between does not lose it.
    private(set) var mainStatus: Int32? = nil
    /// A state could not be published (too large, no memory), which was said once.
    var failed = false

    private var phase = Supervisor.Phase.starting
    private var ending = false
    private var exitOverride: Int32? = nil
    private var processes: [ProcessKey] = []
    private var runitPIDs: [Int32] = []
    private var runitScanned = false
    private var runitStep = RunitServices.ShutdownStep.notBegun
    private var isPublished = false

    /// What of a process a recovery needs that can change.
    private struct ProcessKey: Equatable {
        var pid: Int32?
        var stopping: RecoveryState.Stopping?
        /// A scheduled task's runs under way.
        var runs: [TaskRuns.Run]

        init(_ process: Supervised) {
            pid = process.pid
            runs = process.runs
            if case .stopping(_, let deadline, let killed, _) = process.state {
                stopping = RecoveryState.Stopping(deadline: deadline, killed: killed)
            } else {
                stopping = nil
            }
        }
    }

    /// Whether the supervisor stands where it stood at the last publication.
    func isCurrent(_ supervisor: Supervisor) -> Bool {
        guard isPublished, phase == supervisor.phase, ending == supervisor.ending,
              exitOverride == supervisor.exitOverride, processes.count == supervisor.processes.count else { return false }
        for index in processes.indices where processes[index] != ProcessKey(supervisor.processes[index]) {
            return false
        }
        return runitScanned == supervisor.runit.scanned && runitStep == supervisor.runit.shutdown
            && sameRunitPIDs(supervisor.runit)
    }

    /// Whether runit's services have the PIDs noted, compared in place: this runs after
    /// every decision, a forwarded signal's too.
    private func sameRunitPIDs(_ runit: RunitServices) -> Bool {
        var index = 0
        for service in runit.services {
            for part in service.parts {
                guard index < runitPIDs.count, runitPIDs[index] == part.pid else { return false }
                index += 1
            }
        }
        return index == runitPIDs.count
    }

    /// Notes what is about to be published.
    mutating func remember(_ supervisor: Supervisor) {
        phase = supervisor.phase
        ending = supervisor.ending
        exitOverride = supervisor.exitOverride
        processes.removeAll(keepingCapacity: true)
        for process in supervisor.processes { processes.append(ProcessKey(process)) }
        runitScanned = supervisor.runit.scanned
        runitStep = supervisor.runit.shutdown
        runitPIDs.removeAll(keepingCapacity: true)
        for service in supervisor.runit.services { for part in service.parts { runitPIDs.append(part.pid) } }
        isPublished = true
    }

    /// The main child was reaped with `status`: the next check publishes.
    mutating func mainReaped(_ status: Int32) {
        mainStatus = status
        isPublished = false
    }
}
