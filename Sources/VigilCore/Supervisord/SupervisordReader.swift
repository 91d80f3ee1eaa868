/// Reads a supervisord configuration the way supervisord 4.2's `ServerOptions.realize` does, step
/// by step in its order, so that the same files give the same programs, and the first problem
/// supervisord would report is the one reported: the main file, its `[include]` files,
/// `[supervisord]`, `[rpcinterface:x]`, the groups and programs, the servers, then the command
/// line's overrides. Errors are one line, "FILE:LINE: [section] key: problem", exit 2.
///
/// It is pure: `SupervisordHost` answers what supervisord asks the system while it reads.
struct SupervisordReader {
    let host: SupervisordHost
    var document = INIDocument()
    /// supervisor's `environ_expansions`: `ENV_NAME` for each variable of the environment, then
    /// for each of `[supervisord]`'s `environment=`.
    var environ = Expansions()
    /// The main file's directory (`%(here)s`).
    var here = ""
    /// The main file as named (supervisor names it in errors about its sections).
    var configFile = ""
    var configuration = SupervisordConfiguration()

    init(host: SupervisordHost) {
        self.host = host
        for (name, value) in host.environment where environ.value(Array(("ENV_" + name).utf8)[...]) == nil {
            environ.set("ENV_" + name, value)
        }
    }

    /// The configuration that `options` (supervisord's command line) names or finds.
    static func read(
        _ options: SupervisordOptions, host: SupervisordHost, argv0: String = "supervisord", realtime: RealtimeSignals = .current
    ) throws(UsageError) -> SupervisordConfiguration {
        var reader = SupervisordReader(host: host)
        let file: String
        if let given = options.configFile {
            file = given
        } else {
            let candidates = SupervisordSearchPath.candidates(argv0: argv0)
            guard let found = candidates.first(where: { host.exists(PythonPath.absolute($0, in: host.currentDirectory)) }) else {
                throw supervisordError("no configuration file found at the default paths (" + joinedText(candidates, ", ") + "); name one with -c FILE")
            }
            file = found
        }
        try reader.readFiles(file)
        try reader.readDaemon()
        try reader.readPlugins()
        try reader.readGroups(realtime: realtime)
        reader.mergeEnvironments()
        try reader.readServers()
        try reader.realize(options)
        return reader.configuration
    }

    /// The main file and the files its `[include]` names.
    mutating func readFiles(_ file: String) throws(UsageError) {
        configFile = file
        let path = PythonPath.absolute(file, in: host.currentDirectory)
        here = PythonPath.dirname(path)
        guard host.exists(path) else { throw supervisordError("could not find config file " + file) }
        guard let bytes = host.readFile(path) else { throw supervisordError("could not read config file " + file) }
        var reader = INIReader()
        do {
            try reader.read(bytes, path: file)
        } catch {
            throw supervisordError(error.file + ":" + decimal(error.line), error.message)
        }
        document = reader.document
        configuration.files = [file]
        try readIncludes(base: here, reader: &reader)
        document = reader.document
        guard document.hasSection("supervisord") else {
            throw supervisordError(file, "no [supervisord] section (supervisord requires one)")
        }
    }

    // MARK: Settings

    /// A value as supervisor's `saneget` gives it: the section's (or `[DEFAULT]`'s), expanded
    /// with the environment's names under `layers`; nil when the key is absent.
    @inline(never)
    func setting(_ section: INISection, _ key: String, _ layers: [Expansions], expand: Bool = true) throws(UsageError) -> Setting? {
        guard let entry = section.entry(key) ?? document.defaults.entry(key) else { return nil }
        let setting = Setting(text: entry.text, place: entry.place, section: section.nameText, key: key)
        guard expand else { return setting }
        let text = try expanded(entry.value, ExpansionScope([environ] + layers), setting)
        return Setting(text: text, place: entry.place, section: section.nameText, key: key)
    }

    /// `template % scope`, or the error supervisord's `expand` gives, at the setting's line.
    @inline(never)
    func expanded(_ template: [UInt8], _ scope: ExpansionScope, _ setting: Setting) throws(UsageError) -> String {
        do {
            return String(decoding: try PythonFormat.format(template[...], scope), as: UTF8.self)
        } catch {
            switch error {
            case .missingName(let name):
                let shown = String(decoding: name, as: UTF8.self)
                if ASCII.hasPrefix(name, "ENV_") {
                    throw problem(setting, "cannot expand %(" + shown + "): no environment variable " + String(decoding: name.dropFirst(4), as: UTF8.self) + " is set")
                }
                let names = scope.combined.sortedNames.filter { !ASCII.hasPrefix($0.utf8, "ENV_") }
                throw problem(setting, "cannot expand %(" + shown + "): no such name here (names: " + joinedText(names + ["ENV_ and a variable's name"], ", ") + ")")
            case .badlyFormatted(let message):
                throw problem(setting, "badly formatted for Python's %: " + message + " (write %% for a percent sign)")
            }
        }
    }

    /// "FILE:LINE: [section] key: message".
    @inline(never)
    func problem(_ setting: Setting, _ message: String) -> UsageError {
        supervisordError(document.describe(setting.place), "[" + setting.section + "] " + setting.key + ": " + message)
    }

    func problem(_ setting: Setting, _ problem: SupervisordValues.ValueProblem) -> UsageError {
        self.problem(setting, problem.message)
    }

    /// "FILE:LINE: [section] message", at the section's first header.
    @inline(never)
    func problem(_ section: INISection, _ message: String) -> UsageError {
        supervisordError(document.describe(section.place), "[" + section.nameText + "] " + message)
    }

    /// A whole number (`int()`), or `fallback` when absent.
    @inline(never)
    func integer(_ section: INISection, _ key: String, _ layers: [Expansions], _ fallback: Int64) throws(UsageError) -> Int64 {
        guard let found = try setting(section, key, layers) else { return fallback }
        do { return try SupervisordValues.integer(found.text) } catch { throw problem(found, error) }
    }

    /// true/false, yes/no, on/off, 1/0; `fallback` when absent.
    @inline(never)
    func boolean(_ section: INISection, _ key: String, _ layers: [Expansions], _ fallback: Bool) throws(UsageError) -> Bool {
        guard let found = try setting(section, key, layers) else { return fallback }
        do { return try SupervisordValues.boolean(found.text) } catch { throw problem(found, error) }
    }

    /// `50MB` and the like; `fallback` when absent.
    @inline(never)
    func byteSize(_ section: INISection, _ key: String, _ layers: [Expansions], _ fallback: Int64) throws(UsageError) -> Int64 {
        guard let found = try setting(section, key, layers) else { return fallback }
        do { return try SupervisordValues.byteSize(found.text) } catch { throw problem(found, error) }
    }

    /// Sections whose name starts with `prefix`, in file order.
    func sections(startingWith prefix: String) -> [INISection] {
        document.sections.filter { ASCII.hasPrefix($0.name, prefix) }
    }

    static func expansions(_ pairs: [(String, String)]) -> Expansions {
        var result = Expansions()
        for (name, value) in pairs { result.set(name, value) }
        return result
    }

    var hereLayer: Expansions { Self.expansions([("here", here)]) }
}

/// One value read, with where it was written.
struct Setting {
    var text: String
    var place: INIPlace
    var section: String
    var key: String
}

/// A one-line error: "WHERE: MESSAGE", each part escaped and cut like any logged value.
@inline(never)
func supervisordError(_ place: String, _ message: String) -> UsageError { UsageError("\(place): \(message)") }

@inline(never)
func supervisordError(_ message: String, hint: String? = nil) -> UsageError { UsageError("\(message)", hint: hint) }

func joinedText(_ pieces: [String], _ separator: String) -> String {
    var result = ""
    for (index, piece) in pieces.enumerated() {
        if index > 0 { result += separator }
        result += piece
    }
    return result
}
