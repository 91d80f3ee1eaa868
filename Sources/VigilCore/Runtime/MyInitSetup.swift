/// What vigil as my_init reads from the image's folders before anything starts: the startup
/// files (init tasks, in my_init's order, each followed by a new read of
/// `/etc/container_environment`) and the shutdown scripts; then, as my_init begins, the
/// environment imported from the folder and exported back. With `--dry-run` it says what it
/// found and writes nothing.
enum MyInitSetup {
    static let insecureKeyProgram = "/usr/sbin/enable_insecure_key"

    static func prepare(_ invocation: inout Invocation, arguments: ProcessArguments) throws(UsageError) {
        switch invocation {
        case .run(var configuration, let indices):
            guard configuration.myInit != nil else { return }
            prepare(&configuration)
            let command = indices.map { arguments.strings[$0] }
            invocation = try start(configuration, command: command) ?? .run(configuration, command: indices)
        case .pause(var configuration):
            guard configuration.myInit != nil else { return }
            prepare(&configuration)
            invocation = try start(configuration, command: []) ?? .pause(configuration)
        case .show:
            return
        }
    }

    /// The dry run's text, or nil once the environment is imported (the start goes on).
    private static func start(_ configuration: Configuration, command: [String]) throws(UsageError) -> Invocation? {
        if configuration.myInit?.dryRun == true {
            let services = configuration.runit.map { scanWithoutWriting($0.directory) }
            return .show(MyInitDryRun.render(configuration, command: command,
                                             environmentFolder: ServiceFolders.kind(ContainerEnvironment.directory) == .folder,
                                             services: services))
        }
        if let error = ContainerEnvironmentFiles.importAtStart() { throw UsageError(error) }
        return nil
    }

    private static func prepare(_ configuration: inout Configuration) {
        guard let plan = configuration.myInit else { return }
        var tasks: [ProcessSpec] = []
        if plan.insecureKey { tasks.append(task(insecureKeyProgram, imports: false, taken: tasks)) }
        if plan.startupFiles {
            let settings = MyInitSettings(initDirectory: plan.initDirectory)
            let files = settings.startupFiles(ServiceFolders.scripts(in: plan.initDirectory),
                                              rcLocalExecutable: ServiceFolders.kind(MyInitSettings.rcLocal) == .executable)
            for file in files { tasks.append(task(file, imports: true, taken: tasks)) }
        }
        configuration.processes = tasks + configuration.processes
        guard var runit = configuration.runit else { return }
        listShutdownScripts(&runit)
        configuration.runit = runit
    }

    /// The pre- and post-shutdown folders' scripts, in the order they run (also listed again
    /// by a recovery after a fault).
    static func listShutdownScripts(_ runit: inout RunitSettings) {
        for post in [false, true] {
            let folder = post ? MyInitSettings.postShutdownDirectory : MyInitSettings.preShutdownDirectory
            let scripts = MyInitSettings.files(in: folder, ServiceFolders.scripts(in: folder))
            if post { runit.postShutdown = scripts } else { runit.preShutdown = scripts }
        }
    }

    /// A startup file as an init task, named after its file (made unique).
    private static func task(_ path: String, imports: Bool, taken: [ProcessSpec]) -> ProcessSpec {
        var name = NamedCommand.programName(path)
        var suffix = 2
        while taken.contains(where: { ASCII.equals($0.name, name) }) || ASCII.equals(name, "main") {
            name = NamedCommand.programName(path) + "." + decimal(suffix)
            suffix += 1
        }
        var spec = ProcessSpec(name: name, kind: .initTask, command: [path])
        spec.importsContainerEnvironment = imports
        return spec
    }

    /// The services as the start would find them, without making their `supervise/` folders.
    private static func scanWithoutWriting(_ directory: String) -> [RunitServiceLayout.Service] {
        let entries = ServiceFolders.serviceEntries(directory).filter { $0.kind == .folder }
        var services: [RunitServiceLayout.Service] = []
        for name in RunitServiceLayout.sorted(entries.map { Array($0.path.utf8) }) {
            let path = String(decoding: name, as: UTF8.self)
            guard (try? RunitServiceLayout.serviceNames([.init(path: path, kind: .folder)])) != nil else { continue }
            services.append(RunitServiceLayout.service(named: path, ServiceFolders.serviceFiles(directory + "/" + path)))
        }
        return services
    }
}
