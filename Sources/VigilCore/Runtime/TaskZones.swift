/// Reads each scheduled task's zone before anything starts: its own (`--tz`, `CRON_TZ` above
/// its crontab line), else `CRON_TZ` or `TZ` of vigil's environment, else UTC. A name is read
/// under /usr/share/zoneinfo ($TZDIR when set), or is a POSIX TZ string; an absolute path (as
/// glibc takes `TZ=:/etc/localtime`) is read as it is. A zone that cannot be read is a usage
/// error naming the task.
func readZones(_ configuration: inout Configuration) throws(UsageError) {
    guard configuration.processes.contains(where: { $0.kind == .task }) else { return }
    func variable(_ name: String) -> String? { ProcessArguments.environment(name).flatMap { $0.isEmpty ? nil : $0 } }
    let directory = variable("TZDIR") ?? ScheduleCommand.zoneDirectory
    let inherited = variable("CRON_TZ").map { ("CRON_TZ", $0) } ?? variable("TZ").map { ("TZ", $0) }
    var read: [(name: String, zone: ZoneRules)] = []
    for index in configuration.processes.indices where configuration.processes[index].kind == .task {
        let spec = configuration.processes[index]
        guard let (source, name) = spec.task.zoneName.map({ ("", $0) }) ?? inherited.map({ ($0.0 + ": ", $0.1) }) else { continue }
        guard let schedule = spec.task.schedule else { continue }
        if let known = read.first(where: { ASCII.equals($0.name, name) }) {
            configuration.processes[index].task.schedule = TaskSchedule(schedule.expression, zone: known.zone)
            continue
        }
        let zone: ZoneRules
        do {
            zone = try readZone(name, directory: directory)
        } catch {
            throw UsageError("task \(spec.name): \(source)\(error.text)")
        }
        read.append((name, zone))
        configuration.processes[index].task.schedule = TaskSchedule(schedule.expression, zone: zone)
    }
}

private func readZone(_ written: String, directory: String) throws(ScheduleError) -> ZoneRules {
    let readFile = { (path: String) in Processes.readFile(path, limit: TZif.maximumSize + 1) }
    let name = ZoneName.stripped(written)
    guard name.utf8.first == UInt8(ascii: "/") else { return try ZoneRules.named(name, directory: directory, readFile: readFile) }
    guard let bytes = readFile(name) else { throw ScheduleError("unknown time zone '\(name)' (no such file)") }
    return try TZif.parse(bytes)
}
