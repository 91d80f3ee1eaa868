import CLinux

/// What supervisord does with `AUTO` logs before anything starts: the last run's removed from
/// `childlogdir` (unless `nocleanup`), and a new file made for each AUTO stream, whose name
/// supervisorctl then shows.
enum SupervisordLogs {
    static func prepare(_ configuration: inout Configuration) {
        guard let settings = configuration.supervisord else { return }
        if let directory = settings.autoLogCleanup { removeOld(in: directory, identifier: settings.identifier) }
        for index in configuration.processes.indices {
            guard var rule = configuration.processes[index].supervisord else { continue }
            let name = configuration.processes[index].name
            if case .automatic(let directory, let maxBytes, let backups) = rule.stdout {
                let path = make(directory, SupervisordAutoLogs.prefix(process: name, channel: "stdout", identifier: settings.identifier))
                rule.stdout = path.map { .file(path: $0, maxBytes: maxBytes, backups: backups) } ?? .discard
                rule.stdoutLogfile = path ?? ""
            }
            if case .automatic(let directory, let maxBytes, let backups) = rule.stderr {
                let path = make(directory, SupervisordAutoLogs.prefix(process: name, channel: "stderr", identifier: settings.identifier))
                rule.stderr = path.map { .file(path: $0, maxBytes: maxBytes, backups: backups) } ?? .discard
                rule.stderrLogfile = path ?? ""
            }
            configuration.processes[index].supervisord = rule
        }
    }

    /// A new empty file `directory/PREFIXrandom.log`; nil when it cannot be made.
    private static func make(_ directory: String, _ prefix: String) -> String? {
        var template = Array((directory + "/" + prefix + "XXXXXX.log").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemps($0.baseAddress!, 4) }
        guard fd >= 0 else { return nil }
        closeDescriptor(fd)
        return String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func removeOld(in directory: String, identifier: String) {
        guard let names = SupervisordHost.current().listDirectory(directory) else { return }
        for name in names where SupervisordAutoLogs.isOld(name, identifier: identifier) {
            _ = unlink(directory + "/" + name)
        }
    }
}
