/// What `--procfile`, its `--env-file FILE`s and `--dry-run` ask for, and the pure rules that
/// turn a Procfile's planned processes (`ProcfilePlan`) into vigil's processes: each a sidecar
/// that is never restarted and whose end ends everything (honcho's and foreman's rule: the
/// first process to exit stops the rest), its output prefixed as honcho prefixes it.
struct ProcfileRun: Equatable {
    /// The Procfile when none is named.
    static let defaultPath = "Procfile"
    /// honcho's default environment file; a missing one is no error.
    static let defaultEnvironment = ".env"

    /// `--procfile` (or `VIGIL_PROCFILE`, the file's `procfile`) was given.
    var requested = false
    /// The named Procfile; nil for a bare `--procfile`, whose first operand names it (else
    /// `Procfile`).
    var path: String? = nil
    /// `--env-file FILE` without `NAME=`, in order; none: `.env` when it exists.
    var environmentFiles: [ProcessSpec.NamedFile] = []
    var dryRun = false

    mutating func request(_ value: String?, _ shown: String) {
        requested = true
        path = value.map { $0.isEmpty ? ProcfileRun.defaultPath : $0 }
    }

    /// `--env-file FILE` is the Procfile's when FILE does not start `NAME=` (a process's file).
    static func isProcfileEnvironment(_ text: String) -> Bool {
        guard let (name, _) = NamedCommand.splitName(text) else { return true }
        return !ProcessName.isValid(name.utf8)
    }

    mutating func addEnvironmentFile(_ path: String, _ shown: String) throws(UsageError) {
        guard !path.isEmpty, !path.utf8.contains(0) else { throw UsageError("\(shown): expected a file, got '\(path)'") }
        environmentFiles.append(ProcessSpec.NamedFile(path: path, place: shown))
    }

    /// The Procfile's path and the chosen types from the operands: after a bare `--procfile`
    /// the first operand is the file; every other operand is `TYPE` or `TYPE,TYPE...`.
    func operands(_ words: [String]) -> (path: String, types: [String]) {
        var rest = words[...]
        let file = path ?? rest.popFirst() ?? ProcfileRun.defaultPath
        var types: [String] = []
        for word in rest { types += ASCII.split(word, separator: UInt8(ascii: ",")).filter { !$0.isEmpty } }
        return (file, types)
    }

    /// A planned process as vigil supervises it.
    static func spec(_ planned: ProcfilePlan.PlannedProcess) -> ProcessSpec {
        var spec = ProcessSpec(name: planned.name, kind: .sidecar, command: planned.argv)
        spec.restart = .never
        spec.required = true
        spec.environment = planned.environment
        spec.prefixOutput = true
        spec.outputPrefix = planned.prefix
        // No start order: honcho starts every process at once, and stops them all at once.
        spec.after = []
        return spec
    }

    /// Per-process settings given by a process type's name (`--restart worker=always`) apply
    /// to each of its processes (`worker.1`, `worker.2` ...); a real process name wins.
    static func expand(_ settings: [ConfigurationBuilder.NamedSetting], types: [String], planned: [ProcfilePlan.PlannedProcess],
                       otherNames: [String]) -> [ConfigurationBuilder.NamedSetting] {
        var result: [ConfigurationBuilder.NamedSetting] = []
        for entry in settings {
            let isProcess = otherNames.contains { ASCII.equals($0, entry.name) }
                || planned.contains { ASCII.equals($0.name, entry.name) }
            guard !isProcess, types.contains(where: { ASCII.equals($0, entry.name) }) else {
                result.append(entry)
                continue
            }
            for process in planned where ASCII.equals(process.type, entry.name) {
                result.append((entry.setting, process.name, entry.value, entry.place))
            }
        }
        return result
    }
}
