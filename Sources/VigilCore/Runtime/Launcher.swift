import CLinux

/// Starts what the supervisor asks for (the main command, init tasks, sidecars, exec
/// readiness checks) with what each is given: its argv and environment, its working
/// directory and user, its notify socket, its output pipes. It owns those descriptors for
/// vigil's lifetime. Every child but a plain main command (nothing to add to what vigil was
/// given, which `InitProcess.spawnMain` hands to `Spawner` directly) starts through `launch`.
final class Launcher {
    let configuration: Configuration
    let signals: InheritedSignals
    let ownPID: pid_t
    /// Output pipes, for processes whose output is relayed.
    let relay = OutputRelay()
    /// The notify socket of each sidecar that has a `notify` check, by process index.
    private(set) var notifySockets: [(process: Int, socket: NotifySocket)] = []
    /// Output pipes by process index (`mainIndex` for the main command).
    private var pipes: [(process: Int, stdout: Int32, stderr: Int32)] = []
    /// tcp and http checks under way, by process index.
    let probes = CheckProbes()
    /// The streams of a supervisord configuration's processes.
    let programs = ProgramStreams()
    /// /dev/null, for the output of readiness checks.
    private var null: Int32 = -1
    /// The directory vigil started in, once vigil has left it: every later child starts
    /// there (nil: children inherit vigil's own).
    private var startingDirectory: String? = nil
    static let mainIndex = -1

    init(configuration: Configuration, signals: InheritedSignals, ownPID: pid_t) {
        self.configuration = configuration
        self.signals = signals
        self.ownPID = ownPID
    }

    /// Sockets and pipes, made before anything starts: a failure is said once, and that
    /// process then goes without (its check cannot pass; its output is not prefixed).
    func prepare(log: Log) {
        for (index, spec) in configuration.processes.enumerated() {
            if case .notify = spec.readiness {
                switch NotifySocket.open("vigil-" + decimal(ownPID) + "-" + spec.name) {
                case .success(let socket): notifySockets.append((index, socket))
                case .failure(let error): log.warning("\(spec.name): cannot make its notify socket: \(error.description)")
                }
            }
            if spec.prefixOutput { addPipes(index, spec.name, log, prefix: spec.outputPrefix) }
            if let rule = spec.supervisord { programs.add(index, rule, name: spec.name, isNamespaceInit: ownPID == 1, log: log) }
        }
        if configuration.main.prefixOutput { addPipes(Launcher.mainIndex, configuration.main.name, log) }
    }

    private func addPipes(_ index: Int, _ name: String, _ log: Log, prefix: String? = nil) {
        switch relay.add(name: name, prefix: prefix) {
        case .success(let (stdout, stderr)): pipes.append((index, stdout, stderr))
        case .failure(let error): log.warning("\(name): cannot make pipes for its output: \(error.description)")
        }
    }

    /// vigil must not keep a mount busy, so it moves to / once the first child has its
    /// directory; it keeps the path (not a descriptor, which would keep the mount busy too),
    /// and the children started later still begin where vigil was started. A directory with
    /// no path (deleted, or outside a chroot) is kept as it is.
    func leaveStartingDirectory(log: Log) {
        let path: String
        switch ProcessSetup.workingDirectory() {
        case .success(let directory): path = directory
        case .failure(let error):
            log.debug("\(error.description): staying in the working directory")
            return
        }
        if ASCII.equals(path, "/") { return }
        if let error = ProcessSetup.changeDirectory("/") {
            log.debug("\(error.description)")
            return
        }
        startingDirectory = path
    }

    /// Whether a child that names no directory can simply inherit vigil's own.
    var childrenInheritDirectory: Bool { startingDirectory == nil }

    /// `directory` as a child's: relative to where vigil started.
    private func childDirectory(_ directory: String?) -> String? {
        guard let start = startingDirectory else { return directory }
        guard let directory else { return start }
        if directory.utf8.first == UInt8(ascii: "/") { return directory }
        return start + "/" + directory
    }

    /// Starts process `index` (or the main command, `mainIndex`) with `argv`, or with `words`
    /// when `argv` is nil. `base` is the request made so far (grouping, terminal); the spec
    /// adds the rest.
    func spawn(_ index: Int, _ spec: ProcessSpec, argv: UnsafePointer<UnsafeMutablePointer<CChar>?>?,
               words: [String], base: Spawner.Request? = nil) -> Result<pid_t, SystemError> {
        var extra = spec.environment
        if let entry = notifySockets.first(where: { $0.process == index }) { extra.append("NOTIFY_SOCKET=@" + entry.socket.name) }
        if spec.isSupervisord {
            let streams = programs.descriptors(for: index)
            defer { programs.spawned(index) }
            return launch(argv: argv, words: words, extra: extra, base: base, directory: spec.workingDirectory,
                          identity: spec.identity, stdout: streams.stdout, stderr: streams.stderr, stdin: streams.stdin,
                          umask: spec.supervisord?.umask)
        }
        let pipe = pipes.first(where: { $0.process == index })
        return launch(argv: argv, words: words, extra: extra, base: base, directory: spec.workingDirectory,
                      identity: spec.identity, stdout: pipe?.stdout, stderr: pipe?.stderr,
                      waitsForExec: spec.kind != .task)
    }

    /// Starts an exec readiness check of `spec`: as the process runs (its user, environment
    /// and directory, as a probe runs inside its container), in its own group, output to
    /// /dev/null.
    func spawnCheck(_ spec: ProcessSpec, _ words: [String]) -> pid_t? {
        // Opened for writing: a check that prints (curl, wget -O-) must not fail on EBADF.
        if null < 0, case .success(let fd) = Processes.openForWriting("/dev/null") { null = fd }
        let output: Int32? = null >= 0 ? null : nil
        if case .success(let pid) = launch(argv: nil, words: words, extra: spec.environment, base: nil,
                                           directory: spec.workingDirectory, identity: spec.identity,
                                           stdout: output, stderr: output) {
            return pid
        }
        return nil
    }

    /// Starts a runit service's process or one of my_init's scripts: exactly `words` (no
    /// shell), with vigil's environment, in its own process group, in `directory`.
    func spawnService(_ words: [String], directory: String?, stdin: Int32?, stdout: Int32?) -> Result<pid_t, SystemError> {
        launch(argv: nil, words: words, extra: [], base: nil, directory: directory, identity: nil, stdout: stdout,
               stderr: nil, stdin: stdin, shellFallback: false)
    }

    /// Starts a child with its argv and environment made into C vectors for the call.
    @inline(never)
    private func launch(argv: UnsafePointer<UnsafeMutablePointer<CChar>?>?, words: [String], extra: [String],
                        base: Spawner.Request?, directory: String?, identity: ProcessSpec.Identity?,
                        stdout: Int32?, stderr: Int32?, stdin: Int32? = nil, umask: Int32? = nil,
                        shellFallback: Bool? = nil, waitsForExec: Bool = true) -> Result<pid_t, SystemError> {
        let ownArgv = CVector(words)
        defer { ownArgv.free() }
        let environment = Environment.vector(adding: extra)
        defer { environment.free() }
        let arguments = argv ?? ownArgv.pointer
        var request = base ?? Spawner.Request(
            argv: arguments, envp: environment.pointer, grouping: .ownGroup,
            shellFallback: shellFallback ?? configuration.shellFallback, signalDefaults: signals.changed, signalMask: emptyMask)
        request.argv = arguments
        request.envp = environment.pointer
        request.directory = childDirectory(directory)
        request.identity = identity
        request.stdout = stdout
        request.stderr = stderr
        request.stdin = stdin
        request.umask = umask
        request.waitsForExec = waitsForExec
        return Spawner.spawn(request)
    }

    /// Datagrams on the notify sockets that say `READY=1`: which process, and who sent it.
    func readyNotifications() -> [(process: Int, sender: pid_t)] {
        var ready: [(process: Int, sender: pid_t)] = []
        for entry in notifySockets {
            for sender in entry.socket.readySenders() { ready.append((entry.process, sender)) }
        }
        return ready
    }

    private var emptyMask: sigset_t {
        var mask = sigset_t()
        sigemptyset(&mask)
        return mask
    }
}

/// A NULL-terminated C vector of strings; the caller frees what it owns.
struct CVector {
    private var pointers: [UnsafeMutablePointer<CChar>?]
    /// Entries this vector copied, freed by `free`.
    private var owned: [UnsafeMutablePointer<CChar>?] = []
    let pointer: UnsafePointer<UnsafeMutablePointer<CChar>?>

    init(_ words: [String]) {
        self.init(borrowed: [], copied: words)
    }

    /// `borrowed` entries as they are, then copies of `copied`.
    init(borrowed: [UnsafeMutablePointer<CChar>?], copied: [String]) {
        owned = copied.map { strdup($0) }
        pointers = borrowed + owned + [nil]
        let buffer = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: pointers.count)
        buffer.initialize(from: pointers, count: pointers.count)
        pointer = UnsafePointer(buffer)
    }

    func free() {
        for entry in owned { CLinux.free(entry) }
        UnsafeMutablePointer(mutating: pointer).deallocate()
    }
}

/// vigil's environment with `extra` (`KEY=VALUE`) added, a later entry replacing an earlier
/// one with the same key.
enum Environment {
    static func vector(adding extra: [String]) -> CVector {
        var inherited: [UnsafeMutablePointer<CChar>?] = []
        var entry = clinux_envp()
        while let value = entry?.pointee {
            if !extra.contains(where: { sameKey($0, String(cString: value)) }) { inherited.append(value) }
            entry = entry?.advanced(by: 1)
        }
        var added: [String] = []
        for (index, item) in extra.enumerated() where !extra[(index + 1)...].contains(where: { sameKey($0, item) }) {
            added.append(item)
        }
        return CVector(borrowed: inherited, copied: added)
    }

    private static func sameKey(_ a: String, _ b: String) -> Bool {
        let left = a.utf8.prefix { $0 != UInt8(ascii: "=") }
        let right = b.utf8.prefix { $0 != UInt8(ascii: "=") }
        return left.elementsEqual(right)
    }
}
