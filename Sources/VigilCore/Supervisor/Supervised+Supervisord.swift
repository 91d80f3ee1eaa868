import CLinux

/// A supervisord process's transitions, as supervisord's `Subprocess` makes them
/// (`process.py`): STARTING when asked to start; RUNNING once the start has lasted `startsecs`
/// (strictly more); a start shorter than that backs off (BACKOFF) and is tried again after as
/// many seconds as tries so far, until the tries exceed `startretries` (FATAL); an exit after
/// a lasting start is EXITED (expected or not by `exitcodes`), restarted at once as
/// `autorestart` says; a stop is STOPPING, then STOPPED. Each keeps `record` in step.
extension Supervised {
    /// What came of an exit.
    enum SupervisordExit: Equatable {
        /// It was being stopped: what was to follow.
        case stopped(AfterStop?)
        /// It backed off (and may have given up: FATAL).
        case backedOff
        /// EXITED; `restarts`: started again at once.
        case exited(restarts: Bool)
    }

    /// supervisord's `spawn`: STARTING, then the runtime starts it. A command that cannot be
    /// split fails at once, as supervisord's does.
    mutating func supervisordStart(at now: Instant) -> [SupervisorAction] {
        record.lastStart = now
        record.spawnError = nil
        record.exitStatus = nil
        record.change(to: .starting, pid: 0)
        if let problem = spec.supervisord?.commandProblem {
            record.spawnError = problem
            return [.note(.supervisord(.spawnError(name: spec.name, message: problem)))] + backOff(at: now)
        }
        enter(.waiting)
        return [.start(process: index, spec)]
    }

    /// Spawned as `pid`: STARTING, RUNNING once it has stayed up for more than `startsecs`.
    mutating func supervisordStarted(pid: Int32, at now: Instant) {
        let startTime = spec.supervisord?.startTime ?? 0
        enter(.starting(pid: pid, since: now, check: Check(startDeadline: nil, nextAttempt: nil, runningAt: now + startTime + 1)))
    }

    /// The runtime could not start it (`errno`): a spawn error, and a backoff.
    mutating func supervisordSpawnFailed(errno: Int32, at now: Instant) -> [SupervisorAction] {
        couldNotStart()
        let message = SupervisordSpawnError.text(errno: errno, program: spec.command.first ?? "")
        record.spawnError = message
        return [.note(.supervisord(.spawnError(name: spec.name, message: message)))] + backOff(at: now)
    }

    /// BACKOFF: tried again after as many seconds as tries so far; FATAL once the tries
    /// exceed `startretries`.
    private mutating func backOff(at now: Instant) -> [SupervisorAction] {
        record.backoff += 1
        record.change(to: .backoff, pid: 0)
        guard record.backoff <= spec.supervisord?.startRetries ?? 0 else { return giveUp() }
        enter(.backingOff(until: now + min(record.backoff, 1 << 30) * Durations.second))
        return []
    }

    /// FATAL: no more tries (also a BACKOFF when everything stops).
    mutating func giveUp() -> [SupervisorAction] {
        record.backoff = 0
        record.change(to: .fatal, pid: 0)
        enter(.failed)
        return [.note(.supervisord(.gaveUp(name: spec.name)))]
    }

    /// The start has lasted `startsecs`: RUNNING.
    mutating func supervisordRunning(at now: Instant) -> [SupervisorAction] {
        guard case .starting(let pid, _, _) = state else { return [] }
        becameReady(at: now)
        record.backoff = 0
        record.change(to: .running, pid: pid)
        return [.note(.supervisord(.running(name: spec.name, seconds: (spec.supervisord?.startTime ?? 0) / Durations.second)))]
    }

    /// It exited with `how`: STOPPED after a stop; BACKOFF after a start shorter than
    /// `startsecs`; otherwise EXITED, and started again when `autorestart` says so (unless
    /// `restarting` is false: vigil is stopping).
    mutating func supervisordExited(_ how: ChildState, restarting: Bool, at now: Instant) -> ([SupervisorAction], SupervisordExit) {
        guard let rule = spec.supervisord else { return ([], .stopped(nil)) }
        let status: Int32
        if case .exited(let code) = how { status = code } else { status = -1 }
        let expected = rule.expects(status)
        let startedAt = recordExit(how.exitCode ?? 0, at: now)
        record.lastStop = now
        if isStopping {
            record.exitStatus = status
            let after = stopEnded()
            return ([.note(.supervisord(.stopped(name: spec.name, how: how, expected: expected)))], .stopped(after))
        }
        if case .starting(_, let since, _) = state, now - since < rule.startTime {
            record.spawnError = "Exited too quickly (process log may have details)"
            let note = SupervisorAction.note(.supervisord(.exited(name: spec.name, how: how, expected: false)))
            var actions = [note] + backOff(at: now)
            if !restarting, case .backingOff = state { actions += giveUp() }
            return (actions, .backedOff)
        }
        var actions: [SupervisorAction] = []
        if case .starting = state { actions += supervisordRunning(at: startedAt ?? now) }
        record.backoff = 0
        record.exitStatus = status
        record.spawnError = expected ? nil : "Bad exit code " + decimal(Int64(status))
        record.change(to: .exited, pid: pid ?? 0, expected: expected)
        enter(.exited)
        actions.append(.note(.supervisord(.exited(name: spec.name, how: how, expected: expected))))
        let again = restarting && (rule.autorestart == .always || (rule.autorestart == .unexpected && !expected))
        if again { actions += supervisordStart(at: now) }
        return (actions, .exited(restarts: again))
    }

    /// A stop on request while it backs off: STOPPED at once.
    mutating func stopBackingOff() {
        guard case .backingOff = state else { return }
        record.change(to: .stopped, pid: 0)
        enter(.held)
    }

    /// Where its stop signal (or SIGKILL) goes: the process, or its group (`stopasgroup`,
    /// `killasgroup`). vigil's own processes: the group, unless a recovery adopted a
    /// supervisord program that signalled the process alone.
    func stopTarget(_ pid: Int32, kill: Bool) -> SignalTarget {
        let toGroup = spec.supervisord.map { kill ? $0.killAsGroup : $0.stopAsGroup } ?? (kill ? spec.killsGroup : spec.stopsGroup)
        return toGroup ? .processGroup(pid) : .process(pid)
    }

    mutating func recordStopping(pid: Int32) {
        if spec.isSupervisord { record.change(to: .stopping, pid: pid) }
    }

    mutating func recordStopped(pid: Int32) {
        if spec.isSupervisord { record.change(to: .stopped, pid: pid) }
    }
}
