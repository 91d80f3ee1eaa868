/// `[supervisorctl]`, read as supervisorctl reads it (`ClientOptions.read_config`), for vigil's
/// supervisorctl personality. supervisord itself never reads this section, so nothing in it can
/// stop supervisord; supervisorctl reads only the main file (no `[include]`) and only the
/// environment's `%(ENV_X)s`, and refuses a file without the section.
struct SupervisorctlSettings: Equatable {
    /// `unix:///path` (the path normalized) or `http://host:port`.
    var serverURL = "http://localhost:9001"
    var prompt = "supervisor"
    var username: String? = nil
    var password: String? = nil
    var historyFile: String? = nil

    /// The settings of `file` (as supervisorctl's `-c` names it, or found on its search path);
    /// the defaults when there is no file at all.
    static func read(_ file: String?, host: SupervisordHost) throws(UsageError) -> SupervisorctlSettings {
        var settings = SupervisorctlSettings()
        guard let file else { return settings }
        let path = PythonPath.absolute(file, in: host.currentDirectory)
        guard host.exists(path) else { throw supervisordError("could not find config file " + file) }
        guard let bytes = host.readFile(path) else { throw supervisordError("could not read config file " + file) }
        var ini = INIReader()
        do {
            try ini.read(bytes, path: file)
        } catch {
            throw supervisordError(error.file + ":" + decimal(error.line), error.message)
        }
        // Environment only: supervisorctl does not see [supervisord]'s environment=.
        var reader = SupervisordReader(host: host)
        reader.document = ini.document
        reader.here = PythonPath.dirname(path)
        guard let section = ini.document.section("supervisorctl") else {
            throw supervisordError(file, "no [supervisorctl] section (supervisorctl requires one)")
        }
        if let url = try reader.setting(section, "serverurl", [reader.hereLayer]) {
            let bytes = PythonText.bytes(url.text)
            settings.serverURL = ASCII.hasPrefix(bytes, "unix://")
                ? "unix://" + reader.normalized(PythonText.string(bytes[7...])) : url.text
        }
        settings.prompt = try reader.setting(section, "prompt", [])?.text ?? settings.prompt
        settings.username = try reader.setting(section, "username", [])?.text
        settings.password = try reader.setting(section, "password", [])?.text
        if let history = try reader.setting(section, "history_file", [reader.hereLayer]), !history.text.isEmpty {
            settings.historyFile = reader.normalized(history.text)
        }
        return settings
    }
}
