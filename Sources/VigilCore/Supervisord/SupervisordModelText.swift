/// The configuration as `key=value` lines in a fixed order, for `vigil supervisord-config`: the
/// integration tests print supervisord's own reading (through its Python API) in the same
/// format and compare the two line by line. Values are escaped so that each stays on its line
/// (`\\`, `\n`, `\r`, `\t`, `\xNN` for other control bytes); absent values are `<none>`.
enum SupervisordModelText {
    static func render(_ configuration: SupervisordConfiguration) -> [UInt8] {
        var out = Lines()
        for file in configuration.files { out.add("file", file) }
        let daemon = configuration.daemon
        out.add("supervisord.nodaemon", daemon.nodaemon)
        out.add("supervisord.silent", daemon.silent)
        out.add("supervisord.user", daemon.user)
        out.add("supervisord.uid", daemon.uid.map { decimal(Int64($0)) })
        out.add("supervisord.umask", octal(daemon.umask))
        out.add("supervisord.directory", daemon.directory)
        out.add("supervisord.logfile", daemon.logfile)
        out.add("supervisord.logfile_maxbytes", daemon.logfileMaxBytes)
        out.add("supervisord.logfile_backups", daemon.logfileBackups)
        out.add("supervisord.loglevel", daemon.logLevel)
        out.add("supervisord.pidfile", daemon.pidfile)
        out.add("supervisord.identifier", daemon.identifier)
        out.add("supervisord.childlogdir", daemon.childLogDirectory)
        out.add("supervisord.minfds", daemon.minfds)
        out.add("supervisord.minprocs", daemon.minprocs)
        out.add("supervisord.nocleanup", daemon.nocleanup)
        out.add("supervisord.strip_ansi", daemon.stripAnsi)
        for (key, value) in daemon.environment { out.add("supervisord.environment", key + "=" + value) }
        out.add("serverurl", configuration.serverURL)
        for (index, server) in configuration.servers.enumerated() {
            out.prefix = "server." + decimal(index) + "."
            out.add("section", server.section)
            switch server.address {
            case .inet(let host, let port):
                out.add("inet", host + ":" + decimal(port))
            case .unix(let path, let mode, let owner):
                out.add("unix", path)
                out.add("chmod", octal(mode))
                out.add("chown", decimal(owner.uid) + ":" + decimal(owner.gid))
            }
            out.add("username", server.username)
            out.add("password", server.password)
        }
        for (index, plugin) in configuration.rpcInterfaces.enumerated() {
            out.prefix = "rpcinterface." + decimal(index) + "."
            out.add("name", plugin.name)
            out.add("factory", plugin.factory)
            for (key, value) in plugin.extras { out.add("extra", key + "=" + value) }
        }
        for (index, group) in configuration.groups.enumerated() { addGroup(group, index, &out) }
        for (index, process) in configuration.processes.enumerated() { addProcess(process, index, &out) }
        return out.bytes
    }

    private static func addGroup(_ group: SupervisordGroup, _ index: Int, _ out: inout Lines) {
        out.prefix = "group." + decimal(index) + "."
        out.add("name", group.name)
        out.add("priority", group.priority)
        out.add("processes", group.processes.count)
        switch group.kind {
        case .programs:
            out.add("kind", "program")
        case .eventListenerPool(let pool):
            out.add("kind", "eventlistener")
            out.add("buffer_size", pool.bufferSize)
            let sorted = StableOrder.strings(pool.events)
            out.add("events", joinedText(sorted, ","))
            out.add("result_handler", pool.resultHandler)
        case .fastCGI(let socket):
            out.add("kind", "fcgi-program")
            switch socket.address {
            case .unix(let path, let mode, let owner):
                out.add("socket", "unix://" + path)
                out.add("socket_mode", octal(mode))
                out.add("socket_owner", owner.map { decimal($0.uid) + ":" + decimal($0.gid) })
            case .tcp(let host, let port):
                out.add("socket", "tcp://" + host + ":" + decimal(port))
            }
            out.add("socket_backlog", socket.backlog.map { decimal($0) })
        }
    }

    private static func addProcess(_ process: SupervisordProgram, _ index: Int, _ out: inout Lines) {
        out.prefix = "process." + decimal(index) + "."
        out.add("name", process.name)
        out.add("group", process.group)
        out.add("command", process.command)
        switch process.argv {
        case .success(let words):
            for word in words { out.add("argv", word) }
        case .failure(let error):
            out.add("argv-error", error.message)
        }
        out.add("priority", process.priority)
        out.add("autostart", process.autostart)
        let restart: String
        switch process.autorestart {
        case .always: restart = "true"
        case .never: restart = "false"
        case .unexpected: restart = "unexpected"
        }
        out.add("autorestart", restart)
        out.add("startsecs", process.startsecs)
        out.add("startretries", process.startretries)
        out.add("stopsignal", Int64(process.stopSignal))
        out.add("stopwaitsecs", process.stopWaitSeconds)
        out.add("stopasgroup", process.stopAsGroup)
        out.add("killasgroup", process.killAsGroup)
        out.add("exitcodes", joinedText(process.exitCodes.map { decimal($0) }, ","))
        out.add("redirect_stderr", process.redirectStderr)
        out.add("uid", process.uid.map { decimal(Int64($0)) })
        out.add("directory", process.directory)
        out.add("umask", process.umask.map(octal))
        out.add("serverurl", process.serverURL)
        for (key, value) in process.environment { out.add("environment", key + "=" + value) }
        for (name, output) in [("stdout", process.stdout), ("stderr", process.stderr)] {
            let logfile: String
            switch output.logfile {
            case .none: logfile = "NONE"
            case .automatic: logfile = "AUTO"
            case .path(let path): logfile = path
            }
            out.add(stream: name, "_logfile", logfile)
            out.add(stream: name, "_logfile_maxbytes", output.maxBytes)
            out.add(stream: name, "_logfile_backups", output.backups)
            out.add(stream: name, "_capture_maxbytes", output.captureMaxBytes)
            out.add(stream: name, "_events_enabled", output.eventsEnabled)
            out.add(stream: name, "_syslog", output.syslog)
        }
    }

    /// Python's `'%03o'`-like octal with a leading zero: `022`, `0700`.
    static func octal(_ value: Int64) -> String {
        let digits = PythonNumbers.inBase(value.magnitude, 8, upper: false)
        return (value < 0 ? "-" : "") + "0" + digits
    }

    struct Lines {
        var bytes: [UInt8] = []
        /// Put before every key (`process.3.`).
        var prefix = ""

        @inline(never)
        mutating func add(_ key: StaticString, _ value: String?) {
            add(stream: "", key, value)
        }

        /// `PREFIXstreamKEY=VALUE`.
        @inline(never)
        mutating func add(stream: String, _ key: StaticString, _ value: String?) {
            bytes.append(contentsOf: PythonText.bytes(prefix))
            bytes.append(contentsOf: PythonText.bytes(stream))
            bytes.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
            bytes.append(UInt8(ascii: "="))
            guard let value else {
                bytes.append(contentsOf: "<none>".utf8)
                bytes.append(0x0A)
                return
            }
            for byte in PythonText.bytes(value) {
                switch byte {
                case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                case 0..<0x20, 0x7F:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [0x5C, UInt8(ascii: "x"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                default: bytes.append(byte)
                }
            }
            bytes.append(0x0A)
        }

        mutating func add(_ key: StaticString, _ value: Bool) { add(key, value ? "true" : "false") }
        mutating func add(_ key: StaticString, _ value: Int64) { add(key, decimal(value)) }
        mutating func add(_ key: StaticString, _ value: Int) { add(key, decimal(Int64(value))) }
        mutating func add(stream: String, _ key: StaticString, _ value: Bool) { add(stream: stream, key, value ? "true" : "false") }
        mutating func add(stream: String, _ key: StaticString, _ value: Int64) { add(stream: stream, key, decimal(value)) }
    }
}
