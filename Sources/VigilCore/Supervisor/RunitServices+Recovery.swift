/// my_init's stop after a recovery from a fault: the services run on as the supervisor's
/// adopted sidecars, so the services' step waits for the supervisor to stop those
/// (`Supervisor.stopWhatMayStop`) instead of asking them down runsv's way; the shutdown
/// scripts run as ever, from where the faulted vigil had got to.
extension RunitServices {
    /// Carries on from `step`, where the faulted vigil's stop stood.
    mutating func adopt(_ step: ShutdownStep) {
        scanAsked = true
        scanned = true
        servicesAdopted = true
        if case .services = step {
            shutdown = .services(deadline: Instant.max, killed: false)
        } else {
            shutdown = step
        }
    }

    /// The services' step, which waits for the adopted processes.
    var stopsAdoptedServices: Bool {
        guard servicesAdopted, case .services = shutdown else { return false }
        return true
    }

    /// The adopted processes are all gone: the post-shutdown scripts follow.
    mutating func adoptedServicesStopped(at now: Instant) -> [SupervisorAction] {
        guard stopsAdoptedServices else { return [] }
        return nextScript(post: true, from: 0, at: now)
    }

    /// A script whose start the faulted vigil had asked for, without a PID yet (or whose
    /// process was gone: the next one's index), runs now.
    mutating func resumeShutdown(at now: Instant) -> [SupervisorAction] {
        guard case .script(let post, let index, nil, _, _) = shutdown else { return [] }
        return nextScript(post: post, from: index, at: now)
    }
}
