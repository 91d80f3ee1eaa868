import CLinux

/// The program: read the options, then supervise. Returns the exit code.
public func vigilMain() -> Int32 {
    let parentAtStart = getppid()
    let arguments = ProcessArguments.current()
    if Recovery.isRequested(arguments.strings) { return Recovery.run(arguments.strings) }
    let personality = Personality.detect(arguments.strings.first ?? "vigil")
    // `vigil ps ...`: subcommands only as the first argument and only under vigil's own name.
    if personality == .vigil, let code = Subcommands.run(arguments.strings) { return code }
    if personality == .supervisorctl { return SupervisorctlCommand.run(arguments.strings) }
    if personality == .setuser {
        return SetuserCommand.run(arguments.strings, argv: arguments.raw, environment: arguments.environmentVector)
    }
    // From here on vigil is an init: a fault of its own re-executes it once a process runs.
    FaultHandler.install(program: personality.programName, recovery: false)
    var invocation: Invocation
    do {
        invocation = try personality.parse(
            arguments.strings, environment: ProcessArguments.environment,
            readFile: { Processes.contents(of: $0, limit: TOML.maximumSize + 1) }, supervisordHost: { SupervisordHost.current() })
        try MyInitSetup.prepare(&invocation, arguments: arguments)
        try resolveUsers(&invocation)
        try prepareProcesses(&invocation)
    } catch {
        Output.write(error.rendered(programName: personality.programName), to: 2)
        return personality.defaults.exitCodes.usage
    }
    switch invocation {
    case .show(let text):
        Output.write(text, to: 1)
        return 0
    case .run(let configuration, let indices):
        var process = InitProcess(configuration: configuration, parentAtStart: parentAtStart, hasMain: true)
        if indices.isEmpty { return process.run(Command(argv: nil, words: configuration.main.command)) }
        let argv = arguments.vector(of: indices)
        defer { argv.deallocate() }
        return process.run(Command(argv: UnsafePointer(argv)))
    case .pause(var configuration):
        SupervisordLogs.prepare(&configuration)
        var process = InitProcess(configuration: configuration, parentAtStart: parentAtStart, hasMain: false)
        return process.run(nil)
    }
}

/// Resolves every `user` setting against the image's /etc/passwd and /etc/group (read without
/// NSS, as the files are), before anything starts: an unknown user is a usage error.
private func resolveUsers(_ invocation: inout Invocation) throws(UsageError) {
    guard case .run(var configuration, let indices) = invocation else {
        if case .pause(var configuration) = invocation {
            try resolveUsers(&configuration)
            invocation = .pause(configuration)
        }
        return
    }
    try resolveUsers(&configuration)
    invocation = .run(configuration, command: indices)
}

private func resolveUsers(_ configuration: inout Configuration) throws(UsageError) {
    let specs = configuration.processes + [configuration.main]
    guard specs.contains(where: { $0.user != nil }) else { return }
    let users = UserDatabase.parse(Processes.readFile("/etc/passwd") ?? [])
    let groups = GroupDatabase.parse(Processes.readFile("/etc/group") ?? [])
    func resolve(_ spec: inout ProcessSpec) throws(UsageError) {
        guard let user = spec.user else { return }
        do {
            spec.identity = try ProcessSpec.Identity.resolve(user, users: users, groups: groups)
        } catch {
            // The image's users, not an option, are what is wrong: `--help` would not help.
            throw UsageError("\(spec.userPlace): \(error.text)").withoutHelpPointer
        }
    }
    for index in configuration.processes.indices { try resolve(&configuration.processes[index]) }
    try resolve(&configuration.main)
}

/// Checks the dependency graph and reads the environment files and scheduled tasks' zones,
/// before anything starts: a mistake in any is a usage error.
private func prepareProcesses(_ invocation: inout Invocation) throws(UsageError) {
    switch invocation {
    case .run(var configuration, let indices):
        try prepareProcesses(&configuration)
        invocation = .run(configuration, command: indices)
    case .pause(var configuration):
        try prepareProcesses(&configuration)
        invocation = .pause(configuration)
    case .show:
        return
    }
}

private func prepareProcesses(_ configuration: inout Configuration) throws(UsageError) {
    try DependencyGraph.check(processes: configuration.processes, main: configuration.main)
    try readZones(&configuration)
    // A file that cannot be read or holds a mistake: `--help` would not help.
    do throws(UsageError) {
        for index in configuration.processes.indices { try readEnvironmentFiles(&configuration.processes[index]) }
        try readEnvironmentFiles(&configuration.main)
    } catch {
        throw error.withoutHelpPointer
    }
}

/// Puts the entries of `spec`'s environment files before its own `--env` entries, which win.
private func readEnvironmentFiles(_ spec: inout ProcessSpec) throws(UsageError) {
    var entries: [String] = []
    for file in spec.environmentFiles {
        let bytes: [UInt8]
        switch Processes.contents(of: file.path, limit: TOML.maximumSize + 1) {
        case .success(let read): bytes = read
        case .failure(let errno): throw UsageError("\(file.place): \(file.path): cannot be read: \(errno.reason)")
        }
        guard bytes.count <= TOML.maximumSize else { throw UsageError("\(file.place): \(file.path): larger than 1 MiB") }
        do {
            entries += try EnvironmentFile.parse(bytes, lookup: ProcessArguments.environment)
        } catch {
            throw UsageError("\(file.path):\(error.line): \(error.message)")
        }
    }
    spec.environment = entries + spec.environment
}

/// Ends the process with `code`.
public func exitProcess(_ code: Int32) -> Never {
    exit(code)
}

/// The argument vector and environment as the kernel passed them.
struct ProcessArguments {
    let raw: UnsafePointer<UnsafeMutablePointer<CChar>?>
    let environmentVector: UnsafePointer<UnsafeMutablePointer<CChar>?>
    /// Decoded for option parsing only; the child gets the original bytes.
    let strings: [String]

    static func current() -> ProcessArguments {
        let count = Int(clinux_argc())
        let argv = UnsafePointer<UnsafeMutablePointer<CChar>?>(clinux_argv()!)
        var strings: [String] = []
        strings.reserveCapacity(count)
        for index in 0..<count {
            strings.append(String(cString: argv[index]!))
        }
        return ProcessArguments(
            raw: argv,
            environmentVector: UnsafePointer<UnsafeMutablePointer<CChar>?>(clinux_envp()!),
            strings: strings)
    }

    /// A NULL-terminated vector of the original argument pointers at `indices`.
    func vector(of indices: [Int]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> {
        let vector = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: indices.count + 1)
        for (slot, index) in indices.enumerated() {
            vector[slot] = raw[index]
        }
        vector[indices.count] = nil
        return vector
    }

    static func environment(_ name: String) -> String? { ProcessSetup.environment(name) }
}
