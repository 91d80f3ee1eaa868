import CLinux

/// my_init's stop, step by step: the pre-shutdown scripts one at a time, then every service
/// asked down at once as `sv down` asks runsv (TERM or `control/t`, CONT, `control/d`), each
/// logger let to read to the end of its pipe once its service is down, then the
/// post-shutdown scripts. Each script and the services' step have `stopTimeout`; then what
/// is left is SIGKILLed and waited for `killWait`, and the stop goes on.
extension RunitServices {
    enum ShutdownStep: Equatable {
        case notBegun
        /// A script of the pre- (or post-) shutdown folder runs (`pid` nil until it started).
        case script(post: Bool, index: Int, pid: Int32?, deadline: Instant, killed: Bool)
        /// The services are asked down; SIGKILL at `deadline`, then `killWait`.
        case services(deadline: Instant, killed: Bool)
        case done

        var deadline: Instant? {
            switch self {
            case .script(_, _, _, let deadline, _), .services(let deadline, _): return deadline
            case .notBegun, .done: return nil
            }
        }
    }

    /// Without runit's services (any personality but my_init, and a recovery of a vigil that
    /// had not read them) there is nothing to shut down.
    var isShutDown: Bool { settings == nil || shutdown == .done }

    /// Nothing starts any more: the services were SIGKILLed, or they are down for good.
    func holdsStarts(_ part: ServicePart) -> Bool {
        switch shutdown {
        case .notBegun, .script(post: false, _, _, _, _): return false
        case .services(_, let killed): return killed
        case .script(post: true, _, _, _, _), .done: return true
        }
    }

    /// The container stops: the pre-shutdown scripts begin, when the services ran at all.
    mutating func beginShutdown(at now: Instant) -> [SupervisorAction] {
        guard shutdown == .notBegun else { return [] }
        guard settings != nil, scanned else {
            shutdown = .done
            return []
        }
        return nextScript(post: false, from: 0, at: now)
    }

    mutating func nextScript(post: Bool, from index: Int, at now: Instant) -> [SupervisorAction] {
        guard let settings else { return [] }
        let scripts = post ? settings.postShutdown : settings.preShutdown
        guard index < scripts.count else {
            if post {
                shutdown = .done
                return []
            }
            return stopServices(at: now)
        }
        shutdown = .script(post: post, index: index, pid: nil, deadline: now + settings.stopTimeout, killed: false)
        return [.runit(.runScript(scripts[index]))]
    }

    /// The script started as `pid`, or could not (a failure, and the next one's turn).
    mutating func scriptSpawned(pid: Int32?, at now: Instant) -> [SupervisorAction] {
        guard case .script(let post, let index, _, let deadline, _) = shutdown else { return [] }
        guard let pid else {
            scriptFailed = true
            return nextScript(post: post, from: index + 1, at: now)
        }
        shutdown = .script(post: post, index: index, pid: pid, deadline: deadline, killed: false)
        return []
    }

    mutating func scriptReaped(_ pid: Int32, _ state: ChildState, at now: Instant) -> [SupervisorAction]? {
        guard case .script(let post, let index, pid, _, _) = shutdown else { return nil }
        guard let code = state.exitCode else { return [] }
        var actions: [SupervisorAction] = []
        if code != 0 {
            scriptFailed = true
            actions.append(.note(.initFailed(name: scriptName(post, index), how: state)))
        }
        return actions + nextScript(post: post, from: index + 1, at: now)
    }

    /// The script's name; a recovery's index may be past a folder that lost scripts since.
    private func scriptName(_ post: Bool, _ index: Int) -> String {
        guard let scripts = post ? settings?.postShutdown : settings?.preShutdown, scripts.indices.contains(index) else {
            return post ? "post-shutdown script" : "pre-shutdown script"
        }
        return NamedCommand.programName(scripts[index])
    }

    /// Every service asked down at once, `sv down` as my_init sends it.
    private mutating func stopServices(at now: Instant) -> [SupervisorAction] {
        guard let settings else { return [] }
        if servicesAdopted {
            shutdown = .services(deadline: Instant.max, killed: false)
            return []
        }
        shutdown = .services(deadline: now + settings.stopTimeout, killed: false)
        var actions: [SupervisorAction] = []
        for index in services.indices {
            actions += commands(ServicePart(service: index, isLog: false), [.down], at: now)
        }
        return actions + servicesStopped(at: now)
    }

    /// Once a service is down for good its logger is let to finish; once all are (loggers
    /// included), the post-shutdown scripts follow.
    mutating func servicesStopped(at now: Instant) -> [SupervisorAction] {
        guard case .services(_, let killed) = shutdown else { return [] }
        var actions: [SupervisorAction] = []
        var allDown = true
        for index in services.indices {
            let main = ServicePart(service: index, isLog: false)
            let service = self[main]
            let down = service.pid == 0 && services[index].overridePIDs[0] == 0 && !service.isBusy
                && (service.state == .down || killed)
            guard down else {
                allDown = false
                continue
            }
            if services[index].parts.count > 1 {
                actions += closeLog(of: index, at: now)
                if self[ServicePart(service: index, isLog: true)].pid != 0 && !killed { allDown = false }
            }
        }
        guard allDown, case .services = shutdown else { return actions }
        return actions + nextScript(post: true, from: 0, at: now)
    }

    /// A step ran out of time: SIGKILL what it waits for, then after `killWait` go on anyway.
    mutating func shutdownDeadline(at now: Instant) -> [SupervisorAction] {
        guard let deadline = shutdown.deadline, now >= deadline else { return [] }
        switch shutdown {
        case .script(let post, let index, let pid, _, let killed):
            guard !killed, let pid else { return nextScript(post: post, from: index + 1, at: now) }
            scriptFailed = true
            shutdown = .script(post: post, index: index, pid: pid, deadline: now + killWait, killed: true)
            return [.note(.killing(name: scriptName(post, index))), .send(signal: SIGKILL, to: .processGroup(pid))]
        case .services(_, let killed):
            guard !killed else {
                shutdown = .services(deadline: now, killed: true)
                return nextScript(post: true, from: 0, at: now)
            }
            shutdown = .services(deadline: now + killWait, killed: true)
            var actions: [SupervisorAction] = []
            for service in services {
                for pid in [service.parts[0].pid, service.overridePIDs[0]] where pid > 0 {
                    actions += [.note(.killing(name: service.layout.name)), .send(signal: SIGKILL, to: .processGroup(pid))]
                }
            }
            return actions + servicesStopped(at: now)
        case .notBegun, .done:
            return []
        }
    }

    /// Service `index` is down: its logger is let to read to the end of its pipe, once
    /// (vigil closes its end of the pipe, runsv's way of telling it).
    mutating func closeLog(of index: Int, at now: Instant) -> [SupervisorAction] {
        guard services[index].parts.count > 1, !services[index].logClosed else { return [] }
        services[index].logClosed = true
        let log = ServicePart(service: index, isLog: true)
        self[log].logShouldExit()
        return [.runit(.closeLogPipe(service: index))] + advance(log, at: now)
    }
}
