// `[supervisord]`, in supervisord's order (the first bad setting is the one reported), and what
// `ServerOptions.realize` does after reading: the command line's values win, the user must
// exist, the log and pid files become absolute, and the server URL children get is chosen.
extension SupervisordReader {
    mutating func readDaemon() throws(UsageError) {
        guard let section = document.section("supervisord") else { return }
        let layers = [hereLayer]
        var daemon = SupervisordDaemon()
        daemon.minfds = try integer(section, "minfds", layers, 1024)
        daemon.minprocs = try integer(section, "minprocs", layers, 200)
        daemon.directory = try directory(section, "directory", default: nil)
        daemon.user = try setting(section, "user", layers)?.text
        if let umask = try setting(section, "umask", layers) {
            do { daemon.umask = try SupervisordValues.octal(umask.text) } catch { throw problem(umask, error) }
        }
        daemon.logfile = try directoryPath(section, "logfile", default: "supervisord.log")
        daemon.logfileMaxBytes = try byteSize(section, "logfile_maxbytes", layers, 50 * 1024 * 1024)
        daemon.logfileBackups = try integer(section, "logfile_backups", layers, 10)
        if let level = try setting(section, "loglevel", layers) {
            do { daemon.logLevel = try SupervisordValues.loggingLevel(level.text) } catch { throw problem(level, error) }
        }
        daemon.pidfile = try directoryPath(section, "pidfile", default: "supervisord.pid")
        daemon.identifier = try setting(section, "identifier", layers)?.text ?? "supervisor"
        daemon.nodaemon = try boolean(section, "nodaemon", layers, false)
        daemon.silent = try boolean(section, "silent", layers, false)
        daemon.childLogDirectory = try directory(section, "childlogdir", default: host.temporaryDirectory) ?? host.temporaryDirectory
        daemon.nocleanup = try boolean(section, "nocleanup", layers, false)
        daemon.stripAnsi = try boolean(section, "strip_ansi", layers, false)
        if let environment = try setting(section, "environment", layers) {
            // Expanded twice: once as every setting, then again as an environment.
            var layer = Expansions()
            layer.set("here", here)
            layer.set("host_node_name", host.hostNodeName)
            let text = try expanded(PythonText.bytes(environment.text), ExpansionScope([layer, environ]), environment)
            do { daemon.environment = try SupervisordValues.keyValuePairs(text) } catch { throw problem(environment, error) }
            for (key, value) in daemon.environment { environ.set("ENV_" + key, value) }
        }
        configuration.daemon = daemon
    }

    /// An existing directory (`~` expanded), or `fallback` when absent.
    private func directory(_ section: INISection, _ key: String, default fallback: String?) throws(UsageError) -> String? {
        guard let found = try setting(section, key, [hereLayer]) else { return fallback }
        do { return try SupervisordValues.existingDirectory(found.text, host) } catch { throw problem(found, error) }
    }

    private func directoryPath(_ section: INISection, _ key: String, default fallback: String) throws(UsageError) -> String {
        guard let found = try setting(section, key, [hereLayer]) else { return fallback }
        do { return try SupervisordValues.existingDirectoryPath(found.text, host) } catch { throw problem(found, error) }
    }

    /// Programs get `[supervisord]`'s environment under their own.
    mutating func mergeEnvironments() {
        let shared = configuration.daemon.environment
        for group in configuration.groups.indices {
            for process in configuration.groups[group].processes.indices {
                var merged = shared
                for (key, value) in configuration.groups[group].processes[process].environment {
                    if let index = merged.firstIndex(where: { PythonText.same($0.key, key) }) {
                        merged[index].value = value
                    } else {
                        merged.append((key, value))
                    }
                }
                configuration.groups[group].processes[process].environment = merged
            }
        }
    }

    /// The command line over the file, then what supervisord checks and computes last.
    mutating func realize(_ options: SupervisordOptions) throws(UsageError) {
        var daemon = configuration.daemon
        if let value = options.nodaemon { daemon.nodaemon = value }
        if let value = options.silent { daemon.silent = value }
        if let value = options.user { daemon.user = value }
        if let value = options.umask { daemon.umask = value }
        if let value = options.directory { daemon.directory = value }
        if let value = options.logfile { daemon.logfile = value }
        if let value = options.logfileMaxBytes { daemon.logfileMaxBytes = value }
        if let value = options.logfileBackups { daemon.logfileBackups = value }
        if let value = options.logLevel { daemon.logLevel = value }
        if let value = options.pidfile { daemon.pidfile = value }
        if let value = options.identifier { daemon.identifier = value }
        if let value = options.childLogDirectory { daemon.childLogDirectory = value }
        if let value = options.minfds { daemon.minfds = value }
        if let value = options.minprocs { daemon.minprocs = value }
        if let value = options.nocleanup { daemon.nocleanup = value }
        if let value = options.stripAnsi { daemon.stripAnsi = value }
        daemon.profileOptions = options.profileOptions
        if let user = daemon.user {
            do {
                let uid = try SupervisordValues.uid(user, host)
                daemon.uid = uid
                daemon.gid = host.users.user(id: uid)?.gid
            } catch {
                if options.user == nil, let section = document.section("supervisord"), let entry = section.entry("user") ?? document.defaults.entry("user") {
                    throw problem(Setting(text: user, place: entry.place, section: "supervisord", key: "user"), error)
                }
                throw supervisordError("-u " + user, error.message)
            }
        }
        if !ASCII.equals(daemon.logfile, "syslog") { daemon.logfile = normalized(daemon.logfile) }
        daemon.pidfile = normalized(daemon.pidfile)
        configuration.daemon = daemon
        for server in configuration.servers {
            if case .unix(let path, _, _) = server.address {
                configuration.serverURL = "unix://" + path
                break
            }
        }
        if configuration.serverURL == nil {
            for server in configuration.servers {
                if case .inet(let host, let port) = server.address {
                    configuration.serverURL = "http://" + (host.isEmpty ? "localhost" : host) + ":" + decimal(port)
                }
            }
        }
    }

    /// supervisor's `normalize_path`: `~` expanded, absolute, normalized.
    func normalized(_ path: String) -> String {
        PythonPath.absolute(PythonPath.expandUser(path, host), in: host.currentDirectory)
    }
}
