/// The tasks of crontab files (`--crontab FILE`): each line a scheduled task, run by its
/// shell with `-c` (`/bin/sh`, or the `SHELL` set above it) with the variables set above it,
/// in the zone `CRON_TZ` set above it, as supercronic runs them. A task is named after its
/// command's program (`backup.sh`), or, when another process has that name, after it and its
/// line (`backup.sh-12`): `vigil status` shows it, and the per-process settings take it.
extension ConfigurationBuilder {
    /// Reads every crontab named (`readFile` reads a file, at most `TOML.maximumSize` + 1
    /// bytes, or says why it cannot) into tasks at the end of the start order.
    mutating func readCrontabs(_ readFile: (String) -> Result<[UInt8], Errno>) throws(UsageError) {
        for file in crontabs {
            let bytes: [UInt8]
            switch readFile(file.path) {
            case .success(let read): bytes = read
            case .failure(let errno): throw UsageError("\(file.place): \(file.path): cannot be read: \(errno.reason)")
            }
            guard bytes.count <= TOML.maximumSize else { throw UsageError("\(file.place): \(file.path): larger than 1 MiB") }
            let crontab: Crontab
            do {
                crontab = try Crontab.parse(bytes, path: file.path)
            } catch {
                throw UsageError(error.text)
            }
            for entry in crontab.entries {
                var spec = ProcessSpec(name: taskName(entry), kind: .task, command: [entry.shell, "-c", entry.command])
                spec.environment = entry.environment
                spec.task.schedule = TaskSchedule(entry.expression)
                spec.task.zoneName = entry.zone
                try add(spec, place: file.path + ":" + decimal(entry.line))
            }
        }
    }

    private func taskName(_ entry: Crontab.Entry) -> String {
        let program = String(decoding: entry.command.utf8.prefix { !CronWords.isBlank($0) }, as: UTF8.self)
        let name = NamedCommand.programName(program)
        if !ASCII.equals(name, "main") && !processes.contains(where: { ASCII.equals($0.name, name) }) { return name }
        let suffix = "-" + decimal(entry.line)
        return String(decoding: name.utf8.prefix(ProcessName.maximumLength - suffix.utf8.count), as: UTF8.self) + suffix
    }
}
