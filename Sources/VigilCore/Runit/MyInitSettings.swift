/// What my_init takes from its environment and its folders, besides the command line:
/// - `ENV_INIT_DIRECTORY` (default `/etc/my_init.d`): the startup files, every executable
///   regular file in it (after symbolic links; hidden files and backups too) in name order,
///   then `/etc/rc.local` if executable. A failing one aborts start-up;
/// - `/etc/my_init.pre_shutdown.d` and `/etc/my_init.post_shutdown.d`: run the same way before
///   the services are stopped and after;
/// - `KILL_PROCESS_TIMEOUT`: how long each service (`sv -w N force-stop`) and the runit daemon
///   get to stop; `KILL_ALL_PROCESSES_TIMEOUT`: how long every process left gets after TERM,
///   before KILL. Whole seconds, 30 by default (baseimage's my_init; older ones had 5). With 0
///   my_init waits without a limit for the runit daemon and the rest (`alarm(0)`), while `sv`
///   kills the services at its first check, after about 0.4 s.
struct MyInitSettings: Equatable {
    var initDirectory = "/etc/my_init.d"
    /// In nanoseconds.
    var killProcessTimeout: Int64 = 30 * Durations.second
    var killAllProcessesTimeout: Int64 = 30 * Durations.second

    static let rcLocal = "/etc/rc.local"
    static let preShutdownDirectory = "/etc/my_init.pre_shutdown.d"
    static let postShutdownDirectory = "/etc/my_init.post_shutdown.d"
    static let servicesDirectory = "/etc/service"

    /// The settings from the variables `environment` finds, which must be whole seconds (my_init
    /// stops with a traceback on anything `int()` refuses).
    static func parse(_ environment: (String) -> String?) throws(RunitError) -> MyInitSettings {
        var settings = MyInitSettings()
        if let directory = environment("ENV_INIT_DIRECTORY") { settings.initDirectory = directory }
        settings.killProcessTimeout = try seconds(environment, "KILL_PROCESS_TIMEOUT") ?? settings.killProcessTimeout
        settings.killAllProcessesTimeout = try seconds(environment, "KILL_ALL_PROCESSES_TIMEOUT") ?? settings.killAllProcessesTimeout
        return settings
    }

    private static func seconds(_ environment: (String) -> String?, _ name: String) throws(RunitError) -> Int64? {
        guard let text = environment(name) else { return nil }
        var digits = ByteFields.trim(Array(text.utf8)[...])
        if digits.first == UInt8(ascii: "+") { digits = digits.dropFirst() }
        guard let value = ASCII.parseInteger(digits), value <= Durations.maximum / Durations.second else {
            throw RunitError("\(name): expected whole seconds from 0 to \(Durations.maximum / Durations.second), got '\(text)'")
        }
        return value * Durations.second
    }

    /// The files to run from a folder's listing (`name`, and whether it is an executable
    /// regular file), in name order, as paths: `folder/name` (`os.path.join`'s rule: no
    /// second `/` after a folder that ends with one).
    static func files(in folder: String, _ entries: [(name: [UInt8], isExecutableFile: Bool)]) -> [String] {
        var names: [[UInt8]] = []
        for entry in entries where entry.isExecutableFile { names.append(entry.name) }
        let join = folder.isEmpty || folder.utf8.last == UInt8(ascii: "/") ? folder : folder + "/"
        return RunitServiceLayout.sorted(names).map { join + String(decoding: $0, as: UTF8.self) }
    }

    /// The startup files: those of `initDirectory`, then `/etc/rc.local` when executable.
    func startupFiles(_ entries: [(name: [UInt8], isExecutableFile: Bool)], rcLocalExecutable: Bool) -> [String] {
        MyInitSettings.files(in: initDirectory, entries) + (rcLocalExecutable ? [MyInitSettings.rcLocal] : [])
    }
}
