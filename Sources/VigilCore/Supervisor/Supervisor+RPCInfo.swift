/// What supervisor's `getProcessInfo`, `getAllProcessInfo` and `getAllConfigInfo` say about
/// the processes, member by member in supervisord's order (Python writes a dict's members in
/// the order it was built), with the description supervisorctl's `status` prints.
extension Supervisor {
    /// One process's information at `now`.
    func processInfo(_ index: Int, at now: Instant) -> XMLRPCValue {
        let process = processes[index]
        let record = process.record
        let rule = process.spec.supervisord
        let start = record.lastStart.map { epochSeconds($0) } ?? 0
        let stop = record.lastStop.map { epochSeconds($0) } ?? 0
        let current = epochSeconds(now)
        let members: [(String, XMLRPCValue)] = [
            ("name", .string(process.spec.name)), ("group", .string(rule?.group ?? "")),
            ("start", .int(capped(start))), ("stop", .int(capped(stop))), ("now", .int(capped(current))),
            ("state", .int(Int64(record.state.rawValue))), ("statename", .string(record.state.name)),
            ("spawnerr", .string(record.spawnError ?? "")), ("exitstatus", .int(Int64(record.exitStatus ?? 0))),
            ("logfile", .string(rule?.stdoutLogfile ?? "")), ("stdout_logfile", .string(rule?.stdoutLogfile ?? "")),
            ("stderr_logfile", .string(rule?.stderrLogfile ?? "")), ("pid", .int(Int64(process.pid ?? 0))),
            ("description", .string(description(record, name: process.spec.name, pid: process.pid ?? 0, start: start, stop: stop, now: current))),
        ]
        return .structure(members.map { XMLRPCMember(name: $0.0, value: $0.1) })
    }

    /// supervisorctl's status text: `pid 42, uptime 0:01:02` while RUNNING, the spawn error for
    /// BACKOFF and FATAL, the stop's local time for STOPPED and EXITED.
    func description(_ record: SupervisordRecord, name: String, pid: Int32, start: Int64, stop: Int64, now: Int64) -> String {
        switch record.state {
        case .running:
            return "pid " + decimal(Int64(pid)) + ", uptime " + SupervisordTime.uptime(max(0, now - start))
        case .fatal, .backoff:
            return record.spawnError ?? "unknown error (try \"tail " + name + "\")"
        case .stopped, .exited:
            guard start != 0 else { return "Not started" }
            return SupervisordTime.stopTime(stop + Int64(policy.localZone.offset(at: stop)))
        default:
            return ""
        }
    }

    /// XML-RPC's integers are 32 bits: supervisord caps its times.
    private func capped(_ value: Int64) -> Int64 { min(max(value, Int64(Int32.min)), Int64(Int32.max)) }

    /// Groups by name, then processes by name (`getAllProcessInfo`'s order).
    func lexicalOrder() -> [Int] {
        let indices = supervisordProcesses
        return StableOrder.indices(indices.count) { left, right in
            let a = processes[indices[left]], b = processes[indices[right]]
            let groupA = a.spec.supervisord?.group ?? "", groupB = b.spec.supervisord?.group ?? ""
            if !PythonText.same(groupA, groupB) { return StableOrder.precedes(groupA, groupB) }
            return StableOrder.precedes(a.spec.name, b.spec.name)
        }.map { indices[$0] }
    }

    /// `getAllConfigInfo`: each process's configuration, sorted by name.
    func configInfo() -> [XMLRPCValue] {
        let indices = supervisordProcesses
        let sorted = StableOrder.indices(indices.count) { StableOrder.precedes(processes[indices[$0]].spec.name, processes[indices[$1]].spec.name) }
        return sorted.map { configStruct(indices[$0]) }
    }

    private func configStruct(_ index: Int) -> XMLRPCValue {
        let spec = processes[index].spec
        guard let rule = spec.supervisord else { return .structure([]) }
        func none(_ text: String?) -> XMLRPCValue { .string(text ?? "none") }
        let seconds = { (value: Int64?) -> XMLRPCValue in .int((value ?? 0) / Durations.second) }
        let members: [(String, XMLRPCValue)] = [
            ("autostart", .boolean(rule.autostart)), ("directory", none(spec.workingDirectory)),
            ("uid", spec.identity.map { .int(Int64($0.uid)) } ?? .string("none")), ("command", .string(rule.command)),
            ("exitcodes", .array(rule.exitCodes.map { .int(Int64($0)) })), ("group", .string(rule.group)),
            ("group_prio", .int(rule.groupPriority)), ("inuse", .boolean(true)), ("killasgroup", .boolean(rule.killAsGroup)),
            ("name", .string(spec.name)), ("process_prio", .int(rule.priority)), ("redirect_stderr", .boolean(rule.stderr.isWithStdout)),
            ("startretries", .int(rule.startRetries)), ("startsecs", seconds(rule.startTime)),
            ("stdout_capture_maxbytes", .int(0)), ("stdout_events_enabled", .boolean(rule.stdoutEvents)),
            ("stdout_logfile", none(rule.stdoutLogfile.isEmpty ? nil : rule.stdoutLogfile)),
            ("stdout_logfile_backups", .int(rule.stdout.backups)), ("stdout_logfile_maxbytes", .int(rule.stdout.maxBytes)),
            ("stdout_syslog", .boolean(false)), ("stopsignal", .int(Int64(spec.stopSignal ?? 15))), ("stopwaitsecs", seconds(spec.grace)),
            ("stderr_capture_maxbytes", .int(0)), ("stderr_events_enabled", .boolean(rule.stderrEvents)),
            ("stderr_logfile", none(rule.stderrLogfile.isEmpty ? nil : rule.stderrLogfile)),
            ("stderr_logfile_backups", .int(rule.stderr.backups)), ("stderr_logfile_maxbytes", .int(rule.stderr.maxBytes)),
            ("stderr_syslog", .boolean(false)), ("serverurl", .string("auto")),
        ]
        return .structure(members.map { XMLRPCMember(name: $0.0, value: $0.1) })
    }
}

extension SupervisordRule.Output {
    /// The rotation settings of a file (0 for the rest).
    var maxBytes: Int64 {
        switch self {
        case .file(_, let maxBytes, _), .automatic(_, let maxBytes, _): return maxBytes
        default: return 0
        }
    }

    var backups: Int64 {
        switch self {
        case .file(_, _, let backups), .automatic(_, _, let backups): return backups
        default: return 0
        }
    }
}

/// The times supervisorctl shows, as Python formats them.
enum SupervisordTime {
    /// A `timedelta` of whole seconds: `0:01:02`, `1 day, 2:03:04`, `3 days, 0:00:05`.
    static func uptime(_ seconds: Int64) -> String {
        let days = seconds / 86_400
        let rest = seconds % 86_400
        var text = days == 0 ? "" : decimal(days) + (days == 1 ? " day, " : " days, ")
        text += decimal(rest / 3600) + ":" + twoDigits(rest / 60 % 60) + ":" + twoDigits(rest % 60)
        return text
    }

    /// `%b %d %I:%M %p` of local seconds since the epoch: `Dec 06 09:26 PM`.
    static func stopTime(_ local: Int64) -> String {
        let time = CivilTime(seconds: local)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let hour = time.hour % 12 == 0 ? 12 : time.hour % 12
        return months[max(0, min(11, time.month - 1))] + " " + twoDigits(Int64(time.day)) + " " + twoDigits(Int64(hour)) + ":"
            + twoDigits(Int64(time.minute)) + (time.hour < 12 ? " AM" : " PM")
    }

    private static func twoDigits(_ value: Int64) -> String {
        value < 10 ? "0" + decimal(value) : decimal(value)
    }
}
