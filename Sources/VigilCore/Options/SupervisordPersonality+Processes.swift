// One process of a supervisord configuration as a `ProcessSpec`: its argv, environment,
// directory and user as supervisord would give them, its stop signal and stopwaitsecs, its
// output, and supervisord's rules (`SupervisordRule`). Nothing waits for anything: every
// process starts at once, in supervisord's order.
extension SupervisordPersonality {
    static func processSpec(
        _ process: SupervisordProgram, _ group: SupervisordGroup, _ rank: Int, _ read: SupervisordConfiguration, _ host: SupervisordHost
    ) -> ProcessSpec {
        var rule = SupervisordRule(group: group.name, groupRank: rank, namespec: process.namespec)
        rule.groupPriority = group.priority
        rule.priority = process.priority
        rule.autostart = process.autostart
        switch process.autorestart {
        case .always: rule.autorestart = .always
        case .never: rule.autorestart = .never
        case .unexpected: rule.autorestart = .unexpected
        }
        rule.exitCodes = process.exitCodes.map { Int32(truncatingIfNeeded: $0) }
        rule.startTime = seconds(process.startsecs)
        rule.startRetries = process.startretries
        rule.stopAsGroup = process.stopAsGroup
        rule.killAsGroup = process.killAsGroup
        rule.required = process.required
        rule.command = process.command
        rule.umask = process.childUmask
        let logs = read.daemon.childLogDirectory
        rule.stdout = output(process.stdout, logs)
        rule.stderr = process.redirectStderr ? .withStdout : output(process.stderr, logs)
        rule.stdoutLogfile = logfileText(process.stdout)
        rule.stderrLogfile = process.redirectStderr ? "" : logfileText(process.stderr)
        rule.stdoutEvents = process.stdout.eventsEnabled
        rule.stderrEvents = process.stderr.eventsEnabled
        if case .eventListenerPool(let pool) = group.kind { rule.listener = listener(pool, group.name) }
        var words: [String] = []
        switch process.argv {
        case .success(let argv):
            words = argv
            if argv.isEmpty { rule.commandProblem = "command is empty" }
        case .failure(let error):
            rule.commandProblem = "can't parse command " + SupervisordValues.repr(process.command) + ": " + error.message
        }
        var spec = ProcessSpec(name: process.name, kind: .sidecar, command: words)
        spec.after = []
        spec.stopSignal = process.stopSignal
        spec.grace = seconds(process.stopWaitSeconds)
        spec.environment = environment(process, read, host)
        spec.workingDirectory = process.directory
        // supervisord's drop_privileges does nothing (not even setgroups) for its own uid.
        if let user = process.user ?? read.daemon.user, (process.user != nil ? process.uid : read.daemon.uid) != host.uid {
            spec.user = user
            spec.userPlace = "[" + process.section + "] user"
        }
        spec.supervisord = rule
        return spec
    }

    /// What supervisord adds to its own environment for a child, in its order: Python's
    /// LC_CTYPE (see `SupervisordHost.withPythonLocale`), the SUPERVISOR_* variables, then the
    /// configuration's `environment=` (which may replace any of them).
    static func environment(_ process: SupervisordProgram, _ read: SupervisordConfiguration, _ host: SupervisordHost) -> [String] {
        var entries: [String] = []
        if let locale = host.variable("LC_CTYPE") { entries.append("LC_CTYPE=" + locale) }
        entries.append("SUPERVISOR_ENABLED=1")
        if let url = process.serverURL ?? read.serverURL { entries.append("SUPERVISOR_SERVER_URL=" + url) }
        entries.append("SUPERVISOR_PROCESS_NAME=" + process.name)
        entries.append("SUPERVISOR_GROUP_NAME=" + process.group)
        for (key, value) in process.environment { entries.append(key + "=" + value) }
        return entries
    }

    private static func output(_ output: SupervisordOutput, _ directory: String) -> SupervisordRule.Output {
        switch output.logfile {
        case .none:
            return .discard
        case .automatic:
            return .automatic(directory: directory, maxBytes: output.maxBytes, backups: output.backups)
        case .path(let path):
            // /proc/1/fd/N is vigil's own only when vigil is PID 1: the runtime decides.
            if let stream = output.stream, !ASCII.hasPrefix(Array(path.utf8), "/proc/1/") { return .descriptor(stream) }
            return .file(path: path, maxBytes: output.maxBytes, backups: output.backups)
        }
    }

    /// The logfile as supervisord's `getProcessInfo` shows it (AUTO's is named at the start).
    private static func logfileText(_ output: SupervisordOutput) -> String {
        if case .path(let path) = output.logfile { return path }
        return ""
    }

    private static func listener(_ pool: SupervisordListenerPool, _ name: String) -> SupervisordRule.Listener {
        let handler: ListenerResultHandler
        if ASCII.equals(pool.resultHandler, "supervisor.dispatchers:default_handler") {
            handler = .standard
        } else if ASCII.equals(pool.resultHandler, "supervisor_stdout:event_handler") {
            handler = .printsLog
        } else {
            handler = .acceptsAll
        }
        let events = pool.events.compactMap { ListenerEventType(name: $0) }
        return SupervisordRule.Listener(pool: name, events: events, bufferSize: Int(clamping: pool.bufferSize), resultHandler: handler)
    }

    /// Whole seconds as nanoseconds, kept within range (a negative startsecs counts as 0).
    private static func seconds(_ value: Int64) -> Int64 {
        max(0, min(value, Int64.max / Durations.second - 1)) * Durations.second
    }
}
