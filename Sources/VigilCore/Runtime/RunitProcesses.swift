import CLinux

/// What vigil holds for runit's services: each part's `supervise/` folder, each service's
/// log pipe (the service's stdout, its logger's stdin; vigil keeps both ends, so that a
/// restarted service or logger finds the same pipe), and the starts of their processes.
final class RunitProcesses {
    private struct Files {
        let name: String
        let folder: String
        /// The folder's device and inode, to know it under another name.
        var identity: [UInt64]? = nil
        /// The service's and its log service's (nil: vigil could not make it).
        var supervise: [SuperviseFolder?]
        var logPipe: [Int32]
        var retired = false
    }

    private var services: [Files] = []
    private let launcher: Launcher
    private let log: Log
    /// Parts whose status files could not be written: said once each.
    private var unwritable: [ServicePart] = []
    /// Service folders left out, said once each (the folder is read again after changes).
    private var refused: [String] = []
    /// The services folder's watch (nil: not watched).
    private(set) var watch: ServiceFolderWatch? = nil

    init(launcher: Launcher, log: Log) {
        self.launcher = launcher
        self.log = log
    }

    /// The services of `directory`, in name (byte) order, each with its files made. A name vigil
    /// cannot take, or a service whose `supervise/lock` another supervisor holds, is left out
    /// with one line; a `supervise/` folder vigil cannot make only loses `sv`.
    func scan(_ directory: String) -> [RunitServiceLayout.Service] {
        rescan(directory).added
    }

    /// The folder read again: the services not open yet, opened (in name order, after the
    /// others), and the indices of the open ones whose folder is still there. A folder made
    /// again under a service's name (another device and inode) is a new service, as runsvdir
    /// sees it: its `supervise/` is new, and the old service's went with the old folder.
    func rescan(_ directory: String) -> (added: [RunitServiceLayout.Service], present: [Int]) {
        var added: [RunitServiceLayout.Service] = []
        var present: [Int] = []
        let entries = ServiceFolders.serviceEntries(directory).filter { $0.kind == .folder }
        for name in RunitServiceLayout.sorted(entries.map { Array($0.path.utf8) }) {
            let entry = RunitServiceLayout.ListedFile(path: String(decoding: name, as: UTF8.self), kind: .folder)
            do {
                guard try !RunitServiceLayout.serviceNames([entry]).isEmpty else { continue }
            } catch {
                if refuse(entry.path) { log.error("\(directory)/\(entry.path): \(error.text)") }
                continue
            }
            let folder = ServiceFolders.join(directory, name)
            let identity = ServiceFolders.identity(folder)
            // One that cannot be stat'ed is taken to be the same folder.
            if let known = services.firstIndex(where: { files in
                !files.retired && ASCII.equals(files.name, entry.path) && (identity == nil || files.identity == nil || files.identity == identity)
            }) {
                present.append(known)
                continue
            }
            let layout = RunitServiceLayout.service(named: entry.path, ServiceFolders.serviceFiles(folder))
            guard let files = open(ServiceFolders.resolved(folder), layout, identity: identity) else { continue }
            services.append(files)
            added.append(layout)
        }
        return (added, present)
    }

    /// The first time only: a folder refused is said once.
    private func refuse(_ name: String) -> Bool {
        guard !refused.contains(where: { ASCII.equals($0, name) }) else { return false }
        refused.append(name)
        return true
    }

    /// Watches the services folder for services that come and go.
    func watchFolder(_ directory: String) -> SystemError? {
        switch ServiceFolderWatch.open(directory) {
        case .success(let opened):
            watch = opened
            return nil
        case .failure(let error): return error
        }
    }

    /// What the watch saw; a watch that is gone is closed.
    func readWatch() -> InotifyEvents {
        guard let watch else { return InotifyEvents() }
        let events = watch.drain()
        if events.watchGone {
            watch.close()
            self.watch = nil
        }
        return events
    }

    /// A removed service stopped: its files are closed, as runsv's end closes them.
    func retire(_ service: Int) {
        for supervise in services[service].supervise { supervise?.close() }
        services[service].supervise = services[service].supervise.map { _ in nil }
        closeLogPipe(service)
        services[service].retired = true
    }

    /// `identity`: the folder's device and inode, as the rescan read them.
    private func open(_ folder: String, _ layout: RunitServiceLayout.Service, identity: [UInt64]?) -> Files? {
        var files = Files(name: layout.name, folder: folder, identity: identity, supervise: [], logPipe: [])
        for part in layout.log == nil ? [folder] : [folder, folder + "/log"] {
            switch SuperviseFolder.open(part) {
            case .success(let supervise): files.supervise.append(supervise)
            case .failure(let error) where error.errno == EWOULDBLOCK:
                // vigil's own lock, the folder being renamed: taken once the old name stops.
                let ours = identity != nil && services.contains { !$0.retired && $0.identity == identity }
                if !ours && refuse(layout.name) { log.error("\(layout.name): left alone: another supervisor holds \(part)/supervise/lock") }
                for supervise in files.supervise { supervise?.close() }
                return nil
            case .failure(let error):
                log.warning("\(layout.name): no supervise folder, sv cannot reach it: \(error.description)")
                files.supervise.append(nil)
            }
        }
        if layout.log != nil {
            var ends: [Int32] = [-1, -1]
            if let error = systemCallError("pipe2", { pipe2(&ends, O_CLOEXEC) }) {
                log.warning("\(layout.name): no log pipe, its output goes to vigil's: \(error.description)")
            } else {
                files.logPipe = ends
            }
        }
        return files
    }

    /// Starts `argv` for `part`: in the service's folder (`log/` for the logger), with the
    /// log pipe as the service's stdout or the logger's stdin.
    func start(_ part: ServicePart, _ argv: [String]) -> Result<pid_t, SystemError> {
        let files = services[part.service]
        let pipe = files.logPipe
        return launcher.spawnService(argv, directory: part.isLog ? files.folder + "/log" : files.folder,
                                     stdin: part.isLog && !pipe.isEmpty ? pipe[0] : nil,
                                     stdout: !part.isLog && !pipe.isEmpty ? pipe[1] : nil)
    }

    /// `control/X` with the pid (or nothing) as its argument, its stdout the log pipe.
    func runOverride(_ part: ServicePart, _ letter: UInt8, pid: Int32) -> pid_t? {
        let argv = ["control/" + String(decoding: [letter], as: UTF8.self), pid > 0 ? decimal(pid) : ""]
        let files = services[part.service]
        if case .success(let child) = launcher.spawnService(argv, directory: files.folder, stdin: nil,
                                                            stdout: files.logPipe.isEmpty ? nil : files.logPipe[1]) {
            return child
        }
        return nil
    }

    func write(_ part: ServicePart, _ status: RunitStatus, since: Instant, pidChanged: Bool) {
        guard let supervise = services[part.service].supervise[part.isLog ? 1 : 0] else { return }
        var labelled = status
        labelled.since = SuperviseFolder.label(since)
        guard let error = supervise.write(labelled, pidChanged: pidChanged), !unwritable.contains(part) else { return }
        unwritable.append(part)
        log.warning("cannot write \(supervise.path): \(error.description)")
    }

    func closeLogPipe(_ service: Int) {
        for fd in services[service].logPipe { closeDescriptor(fd) }
        services[service].logPipe = []
    }

    /// The `control` FIFOs of `parts` to poll, and which part each is.
    func pollEntries(_ parts: [ServicePart]) -> (entries: [pollfd], parts: [ServicePart]) {
        var entries: [pollfd] = []
        var polled: [ServicePart] = []
        for part in parts where services.indices.contains(part.service) {
            guard let supervise = services[part.service].supervise[part.isLog ? 1 : 0] else { continue }
            entries.append(pollfd(fd: supervise.control, events: Int16(POLLIN), revents: 0))
            polled.append(part)
        }
        return (entries, polled)
    }

    func readControl(_ part: ServicePart) -> [UInt8] {
        services[part.service].supervise[part.isLog ? 1 : 0]?.readControl() ?? []
    }
}
