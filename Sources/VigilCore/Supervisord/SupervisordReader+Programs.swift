// The processes of a `[program:x]` (or `[eventlistener:x]`, `[fcgi-program:x]`) section, as
// supervisor's `processes_from_section` computes them: the settings in its order, then one
// process per `process_num`, each with its own expansions (`%(process_num)d`, and `ENV_X` for the
// program's own `environment=`).
extension SupervisordReader {
    /// The most processes one section may make (`numprocs`).
    static let maximumProcesses = 10_000

    mutating func processes(_ section: INISection, group: String, realtime: RealtimeSignals) throws(UsageError) -> [SupervisordProgram] {
        let sectionName = section.nameText
        let programName = try name(of: section)
        var common = Expansions()
        common.set("here", here)
        common.set("program_name", programName)
        common.set("host_node_name", host.hostNodeName)
        common.set("group_name", group)
        var base = SupervisordProgram(name: programName, group: group, section: sectionName, command: "", processNumber: 0)
        let layers = [common]
        let (numprocs, numprocsStart, environment) = try readSettings(section, &base, layers, realtime)
        let processName = try setting(section, "process_name", layers, expand: false)
            ?? Setting(text: "%(program_name)s", place: section.place, section: sectionName, key: "process_name")
        do { _ = try SupervisordValues.processOrGroupName(processName.text) } catch { throw problem(processName, error) }
        let rawName = Array(PythonText.strip(PythonText.bytes(processName.text)[...]))
        if numprocs > 1 && !PythonText.contains(rawName, "%(process_num)") {
            throw problem(processName, "%(process_num) must be present within process_name when numprocs > 1")
        }
        if base.stopAsGroup && !base.killAsGroup {
            throw problem(section, "cannot set stopasgroup=true and killasgroup=false")
        }
        guard numprocs <= Self.maximumProcesses, numprocsStart.magnitude < 1 << 62 else {
            throw problem(section, "numprocs " + decimal(numprocs) + " from " + decimal(numprocsStart) + ": vigil runs at most "
                + decimal(Self.maximumProcesses) + " processes of a program")
        }
        var processes: [SupervisordProgram] = []
        var number = numprocsStart
        while number < numprocsStart + numprocs {
            processes.append(try process(base, section, number: number, numprocs: numprocs, name: rawName,
                                         environment: environment, common: &common))
            number += 1
        }
        return sortedByPriority(processes)
    }

    /// The settings every process of the section shares, in supervisor's order; numprocs,
    /// numprocs_start and the raw environment= come back for the loop over process numbers.
    private func readSettings(
        _ section: INISection, _ base: inout SupervisordProgram, _ layers: [Expansions], _ realtime: RealtimeSignals
    ) throws(UsageError) -> (Int64, Int64, Setting?) {
        base.priority = try integer(section, "priority", layers, 999)
        base.autostart = try boolean(section, "autostart", layers, true)
        if let restart = try setting(section, "autorestart", layers) {
            do { base.autorestart = try SupervisordValues.autoRestart(restart.text) } catch { throw problem(restart, error) }
        }
        base.startsecs = try integer(section, "startsecs", layers, 1)
        base.startretries = try integer(section, "startretries", layers, 3)
        if let signal = try setting(section, "stopsignal", layers) {
            do { base.stopSignal = try SupervisordValues.signalNumber(signal.text, realtime: realtime) } catch { throw problem(signal, error) }
        }
        base.stopWaitSeconds = try integer(section, "stopwaitsecs", layers, 10)
        base.stopAsGroup = try boolean(section, "stopasgroup", layers, false)
        base.killAsGroup = try boolean(section, "killasgroup", layers, base.stopAsGroup)
        if let codes = try setting(section, "exitcodes", layers) {
            do { base.exitCodes = try SupervisordValues.exitCodes(codes.text) } catch { throw problem(codes, error) }
        }
        base.redirectStderr = try boolean(section, "redirect_stderr", layers, false)
        let numprocs = try integer(section, "numprocs", layers, 1)
        let numprocsStart = try integer(section, "numprocs_start", layers, 0)
        let environment = try setting(section, "environment", layers, expand: false)
        base.stdout.captureMaxBytes = try byteSize(section, "stdout_capture_maxbytes", layers, 0)
        base.stdout.eventsEnabled = try boolean(section, "stdout_events_enabled", layers, false)
        base.stderr.captureMaxBytes = try byteSize(section, "stderr_capture_maxbytes", layers, 0)
        base.stderr.eventsEnabled = try boolean(section, "stderr_events_enabled", layers, false)
        if let url = try setting(section, "serverurl", layers), !url.text.isEmpty,
           !ASCII.equals(PythonText.uppered(PythonText.strip(PythonText.bytes(url.text)[...])), "AUTO") {
            base.serverURL = url.text
        }
        if let user = try setting(section, "user", layers) {
            base.user = user.text
            do { base.uid = try SupervisordValues.uid(user.text, host) } catch { throw problem(user, error) }
        }
        if let umask = try setting(section, "umask", layers) {
            do { base.umask = try SupervisordValues.octal(umask.text) } catch { throw problem(umask, error) }
        }
        base.required = try boolean(section, "vigil_required", layers, false)
        return (numprocs, numprocsStart, environment)
    }

    /// One `process_num` of the section.
    private mutating func process(
        _ base: SupervisordProgram, _ section: INISection, number: Int64, numprocs: Int64, name: [UInt8],
        environment: Setting?, common: inout Expansions
    ) throws(UsageError) -> SupervisordProgram {
        var process = base
        process.processNumber = number
        common.set(Array("process_num".utf8), .number(number))
        common.set(Array("numprocs".utf8), .number(numprocs))
        common.update(environ)
        if let environment {
            let text = try expanded(PythonText.bytes(environment.text), ExpansionScope([common]), environment)
            do { process.environment = try SupervisordValues.keyValuePairs(text) } catch { throw problem(environment, error) }
        } else {
            process.environment = []
        }
        for (key, value) in process.environment { common.set("ENV_" + key, value) }
        process.directory = try setting(section, "directory", [common])?.text
        process.stdout = try output(section, "stdout", base.stdout, common)
        process.stderr = try output(section, "stderr", base.stderr, common)
        if process.redirectStderr {
            if case .path = process.stderr.logfile {
                configuration.notices.append(SupervisordNotice(level: .warning, text: "For [" + section.nameText
                    + "], redirect_stderr=true but stderr_logfile has also been set to a filename, the filename has been ignored"))
            }
            process.stderr.logfile = .none
        }
        guard let command = try setting(section, "command", [common]) else {
            throw problem(section, "has no command= (supervisord requires one)")
        }
        process.command = command.text
        let nameSetting = Setting(text: String(decoding: name, as: UTF8.self), place: section.entry("process_name")?.place ?? section.place,
                                  section: section.nameText, key: "process_name")
        process.name = try expanded(name, ExpansionScope([common]), nameSetting)
        return process
    }

    /// `stdout_logfile` and its kin (or `stderr_*`).
    private mutating func output(_ section: INISection, _ stream: String, _ base: SupervisordOutput, _ common: Expansions) throws(UsageError) -> SupervisordOutput {
        var output = base
        let layers = [common]
        if let logfile = try setting(section, stream + "_logfile", layers) {
            // Expanded twice, as supervisor does: `%%(program_name)s` works here.
            let text = try expanded(PythonText.bytes(logfile.text), ExpansionScope([common]), logfile)
            let lowered = PythonText.lowered(PythonText.bytes(text)[...])
            if ASCII.equals(lowered, "none") || ASCII.equals(lowered, "off") {
                output.logfile = .none
            } else if ASCII.equals(lowered, "auto") {
                output.logfile = .automatic
            } else if ASCII.equals(lowered, "syslog") {
                output.logfile = .none
                output.syslog = true
            } else {
                do { output.logfile = .path(try SupervisordValues.existingDirectoryPath(text, host)) } catch { throw problem(logfile, error) }
            }
        }
        output.backups = try integer(section, stream + "_logfile_backups", layers, 10)
        output.maxBytes = try byteSize(section, stream + "_logfile_maxbytes", layers, 50 * 1024 * 1024)
        let syslog = try boolean(section, stream + "_syslog", layers, false)
        if output.syslog {
            configuration.notices.append(SupervisordNotice(level: .warning, text: "For [" + section.nameText + "], " + stream
                + "_logfile=syslog but this is deprecated and will be removed.  Use " + stream + "_syslog=true to enable syslog instead."))
        } else {
            output.syslog = syslog
        }
        if output.logfile == .automatic && output.maxBytes == 0 {
            configuration.notices.append(SupervisordNotice(level: .warning, text: "For [" + section.nameText + "], AUTO logging used for "
                + stream + "_logfile without rollover, set maxbytes > 0 to avoid filling up filesystem unintentionally"))
        }
        return output
    }

    /// The name after the colon of `[program:NAME]`, checked.
    func name(of section: INISection) throws(UsageError) -> String {
        let bytes = section.name
        let colon = bytes.firstIndex(of: UInt8(ascii: ":")) ?? bytes.count
        let text = PythonText.string(bytes[min(colon + 1, bytes.count)...])
        do { return try SupervisordValues.processOrGroupName(text) } catch { throw problem(section, error.message) }
    }

    /// supervisor's sort of configs: by priority, then name (a stable sort).
    func sortedByPriority(_ processes: [SupervisordProgram]) -> [SupervisordProgram] {
        StableOrder.indices(processes.count) { left, right in
            processes[left].priority != processes[right].priority
                ? processes[left].priority < processes[right].priority : StableOrder.precedes(processes[left].name, processes[right].name)
        }.map { processes[$0] }
    }
}
