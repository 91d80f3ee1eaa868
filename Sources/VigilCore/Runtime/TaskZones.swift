/// Reads each scheduled task's zone before anything starts: its own (`--tz`, `CRON_TZ` above
/// its crontab line), else `CRON_TZ` or `TZ` of vigil's environment, else UTC. A name is read
/// under /usr/share/zoneinfo ($TZDIR when set), or is a POSIX TZ string; an absolute path (as
/// glibc takes `TZ=:/etc/localtime`) is read as it is. A zone that cannot be read is a usage
/// error naming the task.
func readZones(_ configuration: inout Configuration) throws(UsageError) {
    let directory = environmentValue("TZDIR") ?? ScheduleCommand.zoneDirectory
    let variable = environmentValue("CRON_TZ") != nil ? "CRON_TZ" : "TZ"
    let inherited = environmentValue(variable)
    for index in configuration.processes.indices {
        let spec = configuration.processes[index]
        guard let schedule = spec.task.schedule, let name = spec.task.zoneName ?? inherited else { continue }
        do {
            configuration.processes[index].task.schedule = TaskSchedule(schedule.expression, zone: try readZone(name, directory: directory))
        } catch {
            let source = spec.task.zoneName == nil ? variable + ": " : ""
            throw UsageError("task \(spec.name): \(source)\(error.text)")
        }
    }
}

/// A variable of vigil's environment; nil when unset or empty.
private func environmentValue(_ name: String) -> String? {
    ProcessArguments.environment(name).flatMap { $0.isEmpty ? nil : $0 }
}

private func readZone(_ written: String, directory: String) throws(ScheduleError) -> ZoneRules {
    let readFile = { (path: String) in Processes.readFile(path, limit: TZif.maximumSize + 1) }
    let name = ZoneName.stripped(written)
    guard name.utf8.first == UInt8(ascii: "/") else { return try ZoneRules.named(name, directory: directory, readFile: readFile) }
    guard let bytes = readFile(name) else { throw ScheduleError("unknown time zone '\(name)' (no such file)") }
    return try TZif.parse(bytes)
}
