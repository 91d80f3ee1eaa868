import CLinux

// runit's services and my_init's folders: what the supervisor asks for, performed, and what
// `sv` writes into the control FIFOs, read.
extension InitProcess {
    /// Performs one of the supervisor's runit actions; what it reports is the next event.
    mutating func performRunit(_ action: RunitAction) -> Int32? {
        guard let files = runitFiles, let launcher else { return nil }
        switch action {
        case .scan:
            let directory = configuration.runit?.directory ?? MyInitSettings.servicesDirectory
            let services = files.scan(directory)
            log.info("\(services.count) runit services in \(directory)")
            return handle(.runit(.found(services)))
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
            log.info("running \(path)")
            switch launcher.spawnService([path], directory: nil, stdin: nil, stdout: nil) {
            case .success(let pid): return handle(.runit(.scriptSpawned(pid: pid)))
            case .failure(let error):
                log.error("\(messages.cannotRunText(path, errno: error.errno))")
                return handle(.runit(.scriptSpawned(pid: nil)))
            }
        case .importEnvironment:
            guard let error = ContainerEnvironmentFiles.reimport(&importedEnvironment) else { return nil }
            log.error("\(error)")
            return handle(.runit(.environmentRefused))
        }
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
