/// `vigil --procfile [FILE] [TYPE[,TYPE]...]...`: the Procfile and its environment files read
/// before anything starts, its processes added as sidecars (`ProcfileRun.spec`), so that the
/// per-process flags (`--restart web.1=always`, or `web=always` for every web process) and
/// `--dry-run` see them. A bad line is FILE:LINE, a usage error.
extension ConfigurationBuilder {
    typealias NamedSetting = (setting: String, name: String, value: String, place: String)

    mutating func procfileInvocation(
        operands: [String], environment: (String) -> String?, readFile: (String) -> Result<[UInt8], Errno>
    ) throws(UsageError) -> Invocation {
        let (path, types) = procfileRun.operands(operands)
        // Options end at the first operand: `--procfile Procfile --dry-run` would name a type.
        if let option = types.first(where: { $0.utf8.first == UInt8(ascii: "-") }) {
            throw UsageError("'\(option)' comes after the Procfile's operands; options go before them: vigil [OPTIONS] --procfile [FILE] [TYPE...]")
        }
        let planned: [ProcfilePlan.PlannedProcess]
        let procfile: Procfile
        do {
            procfile = try Procfile.parse(try read(path, readFile, mustExist: true) ?? [], path: path)
            var variables = ProcfileEnvironment()
            let files = procfileRun.environmentFiles.isEmpty
                ? [ProcessSpec.NamedFile(path: ProcfileRun.defaultEnvironment, place: "")] : procfileRun.environmentFiles
            for file in files {
                guard let bytes = try read(file.path, readFile, mustExist: !file.place.isEmpty) else { continue }
                variables.merge(try ProcfileEnvironment.parse(bytes, path: file.path))
            }
            let options = ProcfilePlan.Options(types: types, inheritedPort: environment("PORT"))
            planned = try ProcfilePlan.processes(procfile, environment: variables, options: options,
                                                 environmentPath: files.last?.path ?? ProcfileRun.defaultEnvironment)
        } catch {
            throw UsageError(error.text)
        }
        let others = processes.map { $0.name }
        for process in planned { try add(ProcfileRun.spec(process)) }
        settings = ProcfileRun.expand(settings, types: procfile.types.map { $0.name }, planned: planned, otherNames: others)
        // A stop request exits 128+N, as honcho does, rather than pause mode's 0.
        configuration.stopExitWithoutMain = nil
        let invocation = try invocation(operands: [])
        guard procfileRun.dryRun else { return invocation }
        return .show(ProcfileDryRun.render(path: path, environmentFiles: procfileRun.environmentFiles.map { $0.path },
                                           planned: planned, configuration: invocation.configuration ?? configuration))
    }

    /// The file's bytes; nil for a missing file that may be missing (the default `.env`).
    private func read(_ path: String, _ readFile: (String) -> Result<[UInt8], Errno>, mustExist: Bool) throws(ProcfileError) -> [UInt8]? {
        let bytes: [UInt8]
        switch readFile(path) {
        case .success(let read): bytes = read
        case .failure(let errno):
            if mustExist { throw ProcfileError("\(path): cannot be read: \(errno.reason)") }
            return nil
        }
        guard bytes.count <= TOML.maximumSize else { throw ProcfileError("\(path): larger than 1 MiB") }
        return bytes
    }
}

extension Invocation {
    /// The configuration a run or pause carries.
    var configuration: Configuration? {
        switch self {
        case .run(let configuration, _), .pause(let configuration): return configuration
        case .show: return nil
        }
    }
}
