/// supervisord's rules for one process of a supervisord configuration (`ProcessSpec.supervisord`).
/// The supervisor then takes it through supervisord's states (STARTING, RUNNING, BACKOFF,
/// STOPPING, STOPPED, EXITED, FATAL) with these values instead of a sidecar's readiness and
/// restart rules: the same supervisor, another per-process policy.
struct SupervisordRule: Equatable {
    enum AutoRestart: Equatable {
        case always, never, unexpected
    }

    /// supervisord's group of the process, and the group's place in the start order (0 first):
    /// a shutdown stops the groups one at a time, the last one first.
    var group: String
    var groupRank: Int
    /// `group:name`, or the name when both are the same (supervisorctl's name for it).
    var namespec: String
    var groupPriority: Int64 = 999
    var priority: Int64 = 999
    var autostart = true
    var autorestart = AutoRestart.unexpected
    /// Exit codes that count as expected (a signal's death never does).
    var exitCodes: [Int32] = [0]
    /// How long a start must last to count (RUNNING), in nanoseconds; a shorter run backs off.
    var startTime: Int64 = Durations.second
    var startRetries: Int64 = 3
    /// The stop signal goes to the process group (`stopasgroup`), SIGKILL too (`killasgroup`).
    var stopAsGroup = false
    var killAsGroup = false
    /// `vigil_required = true`: when it goes FATAL, or exits and is not started again, the
    /// container stops with its status (vigil's `--required`, as a key supervisord ignores).
    var required = false
    /// Set when `command=` cannot be split: every start then fails with it, as under supervisord.
    var commandProblem: String? = nil
    /// The configuration as written, for supervisorctl's `avail` (`getAllConfigInfo`).
    var command = ""
    /// `umask=`: the child's file mode creation mask, set just before exec (nil: vigil's own).
    var umask: Int32? = nil
    /// `stdout_logfile` and `stderr_logfile` as supervisord reports them ("" for none).
    var stdoutLogfile = ""
    var stderrLogfile = ""
    var stdout = Output.descriptor(1)
    var stderr = Output.descriptor(2)
    /// Its output also goes to event listeners as PROCESS_LOG_STDOUT (or _STDERR).
    var stdoutEvents = false
    var stderrEvents = false
    /// An event listener: its pool's rules.
    var listener: Listener? = nil

    /// Where a stream goes.
    enum Output: Equatable {
        /// vigil's own stdout (1) or stderr (2), given to the process as they are.
        case descriptor(Int32)
        /// `NONE`: nowhere.
        case discard
        /// A file vigil writes, rotated at `maxBytes` (0: never) into `backups` older files.
        case file(path: String, maxBytes: Int64, backups: Int64)
        /// `AUTO`: a new file in this directory, named as supervisord names it.
        case automatic(directory: String, maxBytes: Int64, backups: Int64)
        /// stderr under `redirect_stderr`: wherever stdout goes.
        case withStdout

        var isWithStdout: Bool {
            if case .withStdout = self { return true }
            return false
        }
    }

    /// An `[eventlistener:x]` pool.
    struct Listener: Equatable {
        var pool: String
        /// What it subscribed to (families included).
        var events: [ListenerEventType]
        var bufferSize: Int
        var resultHandler: ListenerResultHandler
    }

    init(group: String, groupRank: Int, namespec: String) {
        self.group = group
        self.groupRank = groupRank
        self.namespec = namespec
    }

    /// Whether an exit with `status` (supervisord's: the code, or -1 for a signal) is expected.
    func expects(_ status: Int32) -> Bool { exitCodes.contains(status) }
}

extension ProcessSpec {
    /// It follows supervisord's rules (without comparing rules: `!= nil` would).
    var isSupervisord: Bool {
        if case .some = supervisord { return true }
        return false
    }
}
