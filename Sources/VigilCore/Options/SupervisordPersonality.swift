/// vigil under supervisord's name: supervisord's command line and configuration, read as
/// supervisord 4.2 reads them (`SupervisordReader`), resolved into a `Configuration` with no
/// main command whose processes carry supervisord's rules (`SupervisordRule`). vigil stays in
/// the foreground whatever `nodaemon` says; `--dry-run` shows what would run.
enum SupervisordPersonality {
    /// The supervisor version vigil answers as (`-v`, `getSupervisorVersion`): the one whose
    /// behaviour it follows.
    static let version = "4.2.5"

    static let help = """
        supervisord -- run a set of applications as daemons (vigil, as supervisord \(version))
        Usage: supervisord [options]
        Options:
        -c/--configuration FILENAME -- configuration file path (searches if not given)
        -n/--nodaemon -- run in the foreground (vigil always does)
        -s/--silent -- no logs to stdout (vigil: errors only)
        -h/--help -- print this usage message and exit
        -v/--version -- print supervisord version number and exit
        -u/--user USER -- run programs without a user= as this user
        -m/--umask UMASK, -d/--directory DIRECTORY, -l/--logfile FILENAME, -y/--logfile_maxbytes BYTES,
        -z/--logfile_backups NUM, -j/--pidfile FILENAME, -q/--childlogdir DIRECTORY, -k/--nocleanup,
        -a/--minfds NUM, --minprocs NUM, -t/--strip_ansi, --profile_options OPTIONS
            -- accepted as supervisord accepts them
        -e/--loglevel LEVEL -- critical, error, warn, info (default), debug, trace or blather
        -i/--identifier STR -- identifier used for this instance of supervisord
        --dry-run -- print the processes the configuration describes, in start order, and exit

        """

    /// The command line (program name first) as supervisord would take it.
    static func parse(_ arguments: [String], host: SupervisordHost, realtime: RealtimeSignals) throws(UsageError) -> Invocation {
        var words = Array(arguments.dropFirst())
        var dryRun = false
        // vigil's own option, taken out before supervisord's getopt sees the rest.
        if let index = words.firstIndex(where: { ASCII.equals($0, "--dry-run") }),
           !words[..<index].contains(where: { ASCII.equals($0, "--") }) {
            words.remove(at: index)
            dryRun = true
        }
        switch try SupervisordCommandLine.parse(words, host: host) {
        case .help: return .show(help)
        case .version: return .show(version + "\n")
        case .run(let options):
            let read = try SupervisordReader.read(options, host: host, argv0: arguments.first ?? "supervisord", realtime: realtime)
            if dryRun { return .show(String(decoding: SupervisordDryRun.render(read), as: UTF8.self)) }
            return .pause(try configuration(read, host: host))
        }
    }

    /// The processes and settings `read` describes, as vigil runs them.
    static func configuration(_ read: SupervisordConfiguration, host: SupervisordHost) throws(UsageError) -> Configuration {
        var configuration = Personality.supervisord.defaults
        var settings = SupervisordSettings()
        settings.identifier = read.daemon.identifier
        settings.pidfile = read.daemon.pidfile.isEmpty ? nil : read.daemon.pidfile
        if !read.daemon.nocleanup { settings.autoLogCleanup = read.daemon.childLogDirectory }
        settings.servers = servers(read.servers)
        settings.notices = read.notices + notices(read)
        var grace: Int64 = Durations.second
        for (rank, group) in read.groups.enumerated() {
            if case .fastCGI = group.kind {
                throw UsageError("[\(group.processes.first?.section ?? group.name)]: fcgi-program is not supported by vigil; run the FastCGI server as a [program:x]")
            }
            var longest: Int64 = 0
            for process in group.processes {
                let spec = processSpec(process, group, rank, read, host)
                longest = max(longest, spec.grace ?? 0)
                configuration.processes.append(spec)
            }
            grace += longest + configuration.killWait
        }
        // Each group is stopped within its own stopwaitsecs, one group after another, as
        // supervisord stops them: the whole stop is bounded by their sum.
        configuration.grace = grace
        configuration.verbosity = read.daemon.silent ? Verbosity.errors : verbosity(read.daemon.logLevel)
        configuration.supervisord = settings
        return configuration
    }

    private static func verbosity(_ level: Int) -> Int {
        if level >= 40 { return Verbosity.errors }
        if level >= 30 { return Verbosity.warnings }
        if level >= 20 { return Verbosity.info }
        return Verbosity.debug
    }

    @inline(never)
    private static func servers(_ servers: [SupervisordServer]) -> [RPCServerSettings] {
        servers.map { server in
            let address: RPCServerSettings.Address
            switch server.address {
            case .unix(let path, let mode, let owner):
                address = .unix(path: path, mode: UInt32(truncatingIfNeeded: mode & 0o7777), uid: owner.uid, gid: owner.gid)
            case .inet(let host, let port):
                address = .inet(host: host, port: UInt16(truncatingIfNeeded: port))
            }
            return RPCServerSettings(section: server.section, address: address, username: server.username, password: server.password)
        }
    }

    /// What the container makes moot, said once.
    private static func notices(_ read: SupervisordConfiguration) -> [SupervisordNotice] {
        var notices: [SupervisordNotice] = []
        func add(_ notice: SupervisordNotice) {
            if !notices.contains(where: { $0.level == notice.level && PythonText.same($0.text, notice.text) }) { notices.append(notice) }
        }
        func info(_ text: String) { add(SupervisordNotice(level: .info, text: text)) }
        if !read.daemon.nodaemon { info("nodaemon is false: vigil stays in the foreground, as PID 1 must") }
        if let user = read.daemon.user { info("user=" + user + ": programs without a user= run as " + user + "; vigil itself keeps its user") }
        if read.daemon.stripAnsi { info("strip_ansi is not applied: output is written as the programs write it") }
        if !read.daemon.logfile.isEmpty && !ASCII.hasPrefix(Array(read.daemon.logfile.utf8), "/dev/") {
            info("logfile " + read.daemon.logfile + " is not written: vigil's own lines go to its stderr")
        }
        for group in read.groups {
            guard case .eventListenerPool(let pool) = group.kind else { continue }
            for event in pool.events where !sentByVigil(event) {
                add(SupervisordNotice(level: .warning, text: "[eventlistener:" + group.name + "] " + event + " events are never sent by vigil"))
            }
        }
        for process in read.processes {
            if process.stdout.syslog || process.stderr.syslog {
                add(SupervisordNotice(level: .warning, text: "[" + process.section + "] syslog output is not supported: that copy is not written"))
            }
            if process.stdout.captureMaxBytes > 0 || process.stderr.captureMaxBytes > 0 {
                add(SupervisordNotice(level: .warning, text: "[" + process.section
                    + "] capture mode (PROCESS_COMMUNICATION events) is not supported: the output is logged as it is"))
            }
        }
        return notices
    }

    /// The event families vigil emits (EVENT: all of them).
    private static func sentByVigil(_ event: String) -> Bool {
        let name = Array(event.utf8)
        return ASCII.equals(name, "EVENT") || ASCII.hasPrefix(name, "PROCESS_STATE") || ASCII.hasPrefix(name, "PROCESS_LOG")
            || ASCII.hasPrefix(name, "SUPERVISOR_STATE_CHANGE") || ASCII.hasPrefix(name, "TICK")
    }
}
