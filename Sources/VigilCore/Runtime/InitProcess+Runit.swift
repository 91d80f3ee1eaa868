import CLinux

// runit's services and my_init's folders: what the supervisor asks for, performed, and what
// `sv` writes into the control FIFOs, read.
extension InitProcess {
    /// Performs one of the supervisor's runit actions; what it reports is the next event.
    mutating func performRunit(_ action: RunitAction) -> Int32? {
        // A recovery runs my_init's shutdown scripts without runit's files.
        if case .runScript(let path) = action { return runShutdownScript(path) }
        guard let files = runitFiles else { return nil }
        switch action {
        case .scan: return scanServices(files)
        case .rescan: return rescanServices(files)
        case .retire(let service):
            log.info("\(supervisor.runit.services[service].layout.name): removed from the services folder and stopped")
            files.retire(service)
            return nil
        case .start(let part, let argv):
            switch files.start(part, argv) {
            case .success(let pid):
                log.debug("\(serviceName(part)): \(argv[0]) started (pid \(pid))")
                return handle(.runit(.spawned(part, pid: pid, errno: 0)))
            case .failure(let error):
                return handle(.runit(.spawned(part, pid: nil, errno: error.errno)))
            }
        case .runOverride(let part, let letter, let pid):
            let child = files.runOverride(part, letter, pid: pid)
            if child == nil { log.warning("\(serviceName(part)): cannot run control/\(String(decoding: [letter], as: UTF8.self))") }
            return handle(.runit(.overrideSpawned(part, pid: child)))
        case .writeStatus(let part, let status, let since, let pidChanged):
            files.write(part, status, since: since, pidChanged: pidChanged)
            return nil
        case .closeLogPipe(let service):
            files.closeLogPipe(service)
            return nil
        case .runScript(let path):
            return runShutdownScript(path)
        case .importEnvironment:
            guard let error = ContainerEnvironmentFiles.reimport(&importedEnvironment) else { return nil }
            log.error("\(error)")
            return handle(.runit(.environmentRefused))
        }
    }

    /// A script of my_init's shutdown folders, started; what came of it is the next event.
    private mutating func runShutdownScript(_ path: String) -> Int32? {
        guard let launcher else { return nil }
        log.info("running \(path)")
        switch launcher.spawnService([path], directory: nil, stdin: nil, stdout: nil) {
        case .success(let pid): return handle(.runit(.scriptSpawned(pid: pid)))
        case .failure(let error):
            log.error("\(messages.cannotRunText(path, errno: error.errno))")
            return handle(.runit(.scriptSpawned(pid: nil)))
        }
    }

    /// The services folder read as the services start, and watched from then on.
    private mutating func scanServices(_ files: RunitProcesses) -> Int32? {
        let directory = configuration.runit?.directory ?? MyInitSettings.servicesDirectory
        let watchError = files.watchFolder(directory)
        let services = files.scan(directory)
        log.info("\(services.count) runit services in \(directory)")
        if let code = handle(.runit(.found(services))) { return code }
        guard let watchError else { return nil }
        // No folder yet is no mistake (runsvdir waits for it too); a watch refused is worth a word.
        let line: LogText = "services added to or removed from \(directory) are looked for every 5 s: \(watchError.description)"
        if watchError.errno == ENOENT { log.info(line) } else { log.warning(line) }
        return handle(.runit(.folderUnwatched))
    }

    /// The services folder read again: what is new, and what is there.
    private mutating func rescanServices(_ files: RunitProcesses) -> Int32? {
        let directory = configuration.runit?.directory ?? MyInitSettings.servicesDirectory
        let (added, present) = files.rescan(directory)
        for service in added { log.info("\(service.name): new runit service in \(directory)") }
        return handle(.runit(.rescanned(added: added, present: present)))
    }

    /// What the services folder's watch saw: a change, or the end of the watch.
    mutating func serviceFolderChanged() -> Int32? {
        guard let events = runitFiles?.readWatch() else { return nil }
        if events.watchGone {
            log.warning("the services folder can no longer be watched: it is looked at every 5 s")
            if let code = handle(.runit(.folderUnwatched)) { return code }
        }
        return events.changed ? handle(.runit(.folderChanged)) : nil
    }

    /// What `sv` wrote into `part`'s control FIFO.
    mutating func serviceControl(_ part: ServicePart) -> Int32? {
        guard let bytes = runitFiles?.readControl(part), !bytes.isEmpty else { return nil }
        return handle(.runit(.control(part, bytes)))
    }

    private func serviceName(_ part: ServicePart) -> String {
        supervisor.runit.partName(part)
    }
}
