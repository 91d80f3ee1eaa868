/// vigil's configuration file (`--config FILE`, `VIGIL_CONFIG`): the same settings as the
/// command line, under the same names, in a TOML subset (see `TOML`).
///
/// ```toml
/// grace = "10s"                 # vigil's options, as their long names
///
/// [init.migrate]                # one table per process, started in file order
/// command = "migrate --up"      # split like a shell would, without running one
///
/// [sidecar.log]
/// command = ["fluent-bit", "-c", "/etc/fb.conf"]   # or the exact argv
/// ready = "tcp:24224"           # the per-process flags' names
/// env = { LEVEL = "info" }
///
/// [task.backup]                 # a scheduled task
/// command = "backup --all"
/// schedule = "0 3 * * *"
///
/// [main]                        # the main process: its settings, and a command when the
/// user = "app"                  # command line gives none
/// ```
///
/// The whole file is read before anything starts; any problem is an error naming the file,
/// line and column.
enum ConfigFile {
    /// Reads `bytes` (the file at `path`) into `builder`: vigil's options, then the processes.
    static func read(_ bytes: [UInt8], path: String, into builder: inout ConfigurationBuilder) throws(UsageError) {
        let document: TOMLDocument
        do {
            document = try TOML.parse(bytes)
        } catch {
            throw UsageError("\(path):\(error.line):\(error.column): \(error.message)")
        }
        builder.beginSource()
        for table in document.tables {
            let place = path + ":" + decimal(table.position.line) + ":" + decimal(table.position.column)
            if table.path.isEmpty {
                try readOptions(table.entries, path: path, into: &builder)
            } else if table.path.count == 1 && ASCII.equals(table.path[0], "main") {
                try readProcess(table, kind: .main, name: "main", path: path, into: &builder)
            } else if table.path.count == 2, let kind = processKind(table.path[0]) {
                guard ProcessName.isValid(table.path[1].utf8) else {
                    throw UsageError("\(place): '\(table.path[1])' is not a process name (letters, digits, . _ -; at most \(ProcessName.maximumLength) bytes)")
                }
                try readProcess(table, kind: kind, name: table.path[1], path: path, into: &builder)
            } else if table.path.count == 1 && processKind(table.path[0]) != nil {
                guard table.entries.isEmpty else {
                    throw UsageError("\(place): name the process: [\(table.path[0]).NAME]")
                }
            } else {
                throw UsageError("\(place): unknown table; expected [init.NAME], [sidecar.NAME], [task.NAME] or [main]")
            }
        }
    }

    /// The file's top level: vigil's options by their long names.
    private static func readOptions(_ entries: [TOMLEntry], path: String, into builder: inout ConfigurationBuilder) throws(UsageError) {
        for entry in entries {
            let place = path + ":" + decimal(entry.position.line) + ":" + decimal(entry.position.column) + ": " + entry.key
            guard let spec = OptionTable.spec(long: entry.key.utf8), takes(spec) else {
                throw UnknownNames.fileKey(entry.key, place: place)
            }
            switch entry.value.kind {
            case .boolean(let all) where spec.id == .prefixOutput:
                if all { try builder.set(spec.id, nil, shown: place) }
            case .array(let items):
                guard spec.id == .exitMap || spec.id == .rewrite else {
                    throw UsageError("\(place): expected \(kindName(spec)), got an array")
                }
                for item in items { try builder.set(spec.id, try scalar(item, place, spec), shown: place) }
            default:
                try builder.set(spec.id, try scalar(entry.value, place, spec), shown: place)
            }
        }
    }

    /// The kind of process a table's first word declares: `init`, `sidecar` or `task`.
    private static func processKind(_ word: String) -> ProcessSpec.Kind? {
        if ASCII.equals(word, "init") { return .initTask }
        if ASCII.equals(word, "sidecar") { return .sidecar }
        if ASCII.equals(word, "task") { return .task }
        return nil
    }

    /// Whether the file's top level takes the option: those with a variable, and `quiet` and
    /// `prefix-output`, which have none.
    static func takes(_ spec: OptionSpec) -> Bool {
        spec.id != .config && (spec.environment != nil || spec.id == .quiet || spec.id == .prefixOutput)
    }

    /// `[init.NAME]`, `[sidecar.NAME]` or `[main]`.
    private static func readProcess(
        _ table: TOMLTable, kind: ProcessSpec.Kind, name: String, path: String, into builder: inout ConfigurationBuilder
    ) throws(UsageError) {
        var spec = kind == .main ? builder.configuration.main : ProcessSpec(name: name, kind: kind, command: [])
        var command: [String]? = nil
        for entry in table.entries {
            let place = path + ":" + decimal(entry.position.line) + ":" + decimal(entry.position.column) + ": " + entry.key
            if ASCII.equals(entry.key, "command") {
                command = try commandValue(entry.value, place)
                continue
            }
            try ProcessSettings.check(entry.key, allowedFor: kind, place: place)
            switch entry.value.kind {
            case .inlineTable(let pairs) where ASCII.equals(entry.key, "env"):
                for pair in pairs {
                    guard case .string(let text) = pair.value.kind else {
                        throw UsageError("\(place): the value of \(pair.key) must be a string")
                    }
                    try ProcessSettings.apply("env", pair.key + "=" + text, to: &spec, where: place, realtime: builder.realtime)
                }
            case .array(let items) where ASCII.equals(entry.key, "env"):
                for item in items {
                    guard case .string(let text) = item.kind else { throw UsageError("\(place): expected KEY=VALUE strings") }
                    try ProcessSettings.apply("env", text, to: &spec, where: place, realtime: builder.realtime)
                }
            case .array(let items) where ASCII.equals(entry.key, "after") || ASCII.equals(entry.key, "env-file"):
                try applyList(entry.key, items, to: &spec, place: place, realtime: builder.realtime)
            case .string(let text):
                try ProcessSettings.apply(entry.key, text, to: &spec, where: place, realtime: builder.realtime)
            case .integer(let number):
                try ProcessSettings.apply(entry.key, decimal(number), to: &spec, where: place, realtime: builder.realtime)
            case .boolean(let value):
                try ProcessSettings.apply(entry.key, value ? "true" : "false", to: &spec, where: place, realtime: builder.realtime)
            default:
                throw UsageError("\(place): expected a string, a number or true/false, got \(entry.value.typeName)")
            }
        }
        let place = path + ":" + decimal(table.position.line) + ":" + decimal(table.position.column)
        if kind == .main {
            builder.configuration.main = spec
            if let command { builder.fileMainCommand = command }
            return
        }
        guard let command else { throw UsageError("\(place): [\(table.path[0]).\(name)] has no command") }
        spec.command = command
        try builder.add(spec, place: place)
    }

    /// `after = ["db", "migrate:done"]` (an empty array: nothing) and `env-file = [...]`: arrays
    /// of strings.
    private static func applyList(
        _ key: String, _ items: [TOMLValue], to spec: inout ProcessSpec, place: String, realtime: RealtimeSignals
    ) throws(UsageError) {
        var words: [String] = []
        for item in items {
            guard case .string(let text) = item.kind else { throw UsageError("\(place): expected an array of strings") }
            words.append(text)
        }
        if ASCII.equals(key, "after") {
            try ProcessSettings.apply(key, words.joined(separator: ","), to: &spec, where: place, realtime: realtime)
        } else {
            for word in words { try ProcessSettings.apply(key, word, to: &spec, where: place, realtime: realtime) }
        }
    }

    /// A command: a string split like a shell would, or an array of strings taken as argv.
    private static func commandValue(_ value: TOMLValue, _ place: String) throws(UsageError) -> [String] {
        switch value.kind {
        case .string(let text):
            do {
                return try CommandWords.split(text)
            } catch {
                throw UsageError("\(place): \(error.message)")
            }
        case .array(let items):
            var words: [String] = []
            for item in items {
                guard case .string(let word) = item.kind, !word.utf8.contains(0) else {
                    throw UsageError("\(place): the command's words must be strings")
                }
                words.append(word)
            }
            guard !words.isEmpty else { throw UsageError("\(place): empty command") }
            return words
        default:
            throw UsageError("\(place): expected a string or an array of strings, got \(value.typeName)")
        }
    }

    /// A single value as the command line would give it: flags as true/false.
    private static func scalar(_ value: TOMLValue, _ place: String, _ spec: OptionSpec) throws(UsageError) -> String? {
        switch value.kind {
        case .string(let text):
            guard spec.valueName != nil else { throw UsageError("\(place): expected true or false, got a string") }
            return text
        case .integer(let number):
            guard spec.valueName != nil || spec.id == .verbose else {
                throw UsageError("\(place): expected true or false, got an integer")
            }
            // A bare number of seconds, as on the command line.
            return decimal(number)
        case .boolean(let flag):
            guard spec.valueName == nil || spec.optionalValue else {
                throw UsageError("\(place): expected \(kindName(spec)), got a boolean")
            }
            return flag ? "true" : "false"
        default:
            throw UsageError("\(place): expected \(kindName(spec)), got \(value.typeName)")
        }
    }

    private static func kindName(_ spec: OptionSpec) -> String {
        spec.valueName.map { "a value (" + $0 + ")" } ?? "true or false"
    }
}
