/// The services folder read again, as runsvdir reads it: a service folder that appears starts
/// (its logger first), one that goes away stops as `sv exit` stops it (`./run` TERMed and
/// CONTed, `./finish` run, then its logger let to read to the end) and is then forgotten.
///
/// runsvdir looks at the folder every five seconds. vigil reads it when the runtime says it
/// changed (an inotify watch: no wake-up while nothing changes), `settleTime` after the first
/// change, so that a folder being filled (`mkdir`, then `run`, `log/run`) is read whole.
/// Where the folder cannot be watched it is read every `pollInterval`, as runsvdir does.
extension RunitServices {
    static let settleTime = Durations.second
    static let pollInterval = 5 * Durations.second

    /// The folder changed: read it once things settle (a later change joins that reading).
    mutating func folderChanged(at now: Instant) -> [SupervisorAction] {
        guard settings != nil, scanned, shutdown == .notBegun, rescanAt == nil else { return [] }
        rescanAt = now + RunitServices.settleTime
        return []
    }

    /// The folder cannot be watched (or no longer can): read it every `pollInterval`.
    mutating func folderUnwatched(at now: Instant) -> [SupervisorAction] {
        guard settings != nil, !pollsFolder else { return [] }
        pollsFolder = true
        if rescanAt == nil { rescanAt = now + RunitServices.pollInterval }
        return []
    }

    /// Asks for the folder when its reading is due.
    mutating func rescanDue(at now: Instant) -> [SupervisorAction] {
        guard let due = rescanAt, due <= now else { return [] }
        rescanAt = nil
        guard shutdown == .notBegun else { return [] }
        return [.runit(.rescan)]
    }

    /// The folder as read again: `added`, the services the runtime opened now (in that order
    /// after the others), and `present`, the indices of the services whose folder is still
    /// there: the same folder, as runsvdir knows it by device and inode. A folder removed and
    /// made again under its name is a new service; the old one stops as a removed one does.
    mutating func rescanned(added: [RunitServiceLayout.Service], present: [Int], at now: Instant) -> [SupervisorAction] {
        if pollsFolder && shutdown == .notBegun { rescanAt = now + RunitServices.pollInterval }
        guard shutdown == .notBegun else { return [] }
        var actions: [SupervisorAction] = []
        for index in services.indices where !services[index].retired {
            let main = ServicePart(service: index, isLog: false)
            let isPresent = present.contains(index)
            if !isPresent && !services[index].removed {
                services[index].removed = true
                actions += commands(main, [.exit], at: now)
            } else if isPresent && services[index].removed {
                // Back before it stopped: as a new runsv would, it wants what its folder says.
                services[index].removed = false
                actions += commands(main, [services[index].layout.startsDown ? .down : .up], at: now)
            }
        }
        return actions + add(added, at: now) + removedStopped(at: now)
    }

    /// Removed services whose processes ended: the logger is let to finish (its pipe closed),
    /// and once it has, the service's files are closed and it is retired.
    mutating func removedStopped(at now: Instant) -> [SupervisorAction] {
        var actions: [SupervisorAction] = []
        for index in services.indices where services[index].removed && !services[index].retired {
            let main = ServicePart(service: index, isLog: false)
            guard isIdle(main) else { continue }
            if services[index].parts.count > 1 {
                actions += closeLog(of: index, at: now)
                guard isIdle(ServicePart(service: index, isLog: true)) else { continue }
            }
            services[index].retired = true
            actions.append(.runit(.retire(service: index)))
            // Its `supervise/lock` is free now: a folder refused for it (the same folder
            // renamed, or linked under another name) is taken at the next reading.
            if shutdown == .notBegun && rescanAt == nil { rescanAt = now }
        }
        return actions
    }

    /// Nothing of `part` runs, starts or waits for a `control/X`.
    private func isIdle(_ part: ServicePart) -> Bool {
        let service = self[part]
        return service.pid == 0 && service.state == .down && !service.isBusy
            && services[part.service].overridePIDs[part.isLog ? 1 : 0] == 0
    }
}
