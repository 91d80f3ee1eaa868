/// A supervisord configuration as supervisord itself computes it from its files and command
/// line (`ServerOptions.realize`): every setting with its default, every `%(...)` expanded,
/// groups and processes in the order supervisord starts them. `SupervisordReader` builds it.
struct SupervisordConfiguration {
    var daemon = SupervisordDaemon()
    /// Groups in start order: ascending priority, then name (stop order is the reverse).
    var groups: [SupervisordGroup] = []
    /// `[unix_http_server]` and `[inet_http_server]`, inet first, as supervisord lists them.
    var servers: [SupervisordServer] = []
    /// What children get as SUPERVISOR_SERVER_URL: the first unix server, else the first inet one.
    var serverURL: String? = nil
    /// `[rpcinterface:NAME]` sections.
    var rpcInterfaces: [SupervisordPlugin] = []
    /// The main file, then each file `[include]` matched, in order (one that cannot be opened
    /// is skipped, as supervisord skips it).
    var files: [String] = []
    /// What supervisord would log while reading: included files, globs that match nothing,
    /// settings vigil takes differently in a container.
    var notices: [SupervisordNotice] = []

    /// Every process in start order.
    var processes: [SupervisordProgram] { groups.flatMap { $0.processes } }
}

struct SupervisordNotice: Equatable {
    enum Level: Equatable { case info, warning }
    var level: Level
    var text: String
}

/// `[supervisord]`, after the command line's overrides.
struct SupervisordDaemon {
    var nodaemon = false
    var silent = false
    var user: String? = nil
    /// The user's ids, looked up when `user` is set.
    var uid: UInt32? = nil
    var gid: UInt32? = nil
    var umask: Int64 = 0o22
    var directory: String? = nil
    /// An absolute path, or `syslog`.
    var logfile = ""
    var logfileMaxBytes: Int64 = 50 * 1024 * 1024
    var logfileBackups: Int64 = 10
    /// supervisor's level number: 50 critical, 40 error, 30 warn, 20 info, 10 debug, 5 trace, 3 blather.
    var logLevel = 20
    var pidfile = ""
    var identifier = "supervisor"
    var childLogDirectory = "/tmp"
    var minfds: Int64 = 1024
    var minprocs: Int64 = 200
    var nocleanup = false
    var stripAnsi = false
    var profileOptions: String? = nil
    /// `environment=`: given to every program, under its own.
    var environment: [(key: String, value: String)] = []
}

struct SupervisordGroup {
    enum SectionKind: Equatable {
        /// `[program:x]` alone, or the programs of a `[group:x]`.
        case programs
        case eventListenerPool(SupervisordListenerPool)
        case fastCGI(SupervisordFastCGISocket)
    }

    var name: String
    var priority: Int64
    var kind: SectionKind
    /// In start order: ascending priority, then name.
    var processes: [SupervisordProgram]
}

/// What an `[eventlistener:x]` pool adds to its processes.
struct SupervisordListenerPool: Equatable {
    var bufferSize: Int64
    /// Upper-case event type names, in the order first written.
    var events: [String]
    /// `module:function`; supervisor's default is `supervisor.dispatchers:default_handler`.
    var resultHandler: String
}

/// `socket=` of an `[fcgi-program:x]`.
struct SupervisordFastCGISocket: Equatable {
    enum Address: Equatable {
        case unix(path: String, mode: Int64, owner: (uid: Int64, gid: Int64)?)
        case tcp(host: String, port: Int64)

        static func == (left: Address, right: Address) -> Bool {
            switch (left, right) {
            case (.unix(let a, let b, let c), .unix(let d, let e, let f)):
                return PythonText.same(a, d) && b == e && c?.uid == f?.uid && c?.gid == f?.gid
            case (.tcp(let a, let b), .tcp(let c, let d)): return PythonText.same(a, c) && b == d
            default: return false
            }
        }
    }

    var address: Address
    var backlog: Int64?
}

/// One process (supervisor's `ProcessConfig`): a `[program:x]` gives `numprocs` of them.
struct SupervisordProgram {
    enum AutoRestart: Equatable {
        case always, never, unexpected
    }

    /// The process name (`process_name` expanded).
    var name: String
    /// Its group: the program's own name, or the `[group:x]` that lists it.
    var group: String
    /// The section it came from: `program:x`, `eventlistener:x` or `fcgi-program:x`.
    var section: String
    var command: String
    var processNumber: Int64
    var priority: Int64 = 999
    var autostart = true
    var autorestart = AutoRestart.unexpected
    var startsecs: Int64 = 1
    var startretries: Int64 = 3
    var stopSignal: Int32 = 15
    var stopWaitSeconds: Int64 = 10
    var stopAsGroup = false
    var killAsGroup = false
    var exitCodes: [Int64] = [0]
    var redirectStderr = false
    var user: String? = nil
    var uid: UInt32? = nil
    var directory: String? = nil
    /// `umask=` as written (nil: none); `childUmask` is what the child gets.
    var umask: Int64? = nil
    /// `[supervisord]`'s environment under the program's own `environment=`.
    var environment: [(key: String, value: String)] = []
    var stdout = SupervisordOutput()
    var stderr = SupervisordOutput()
    /// `serverurl=` (nil: the daemon's).
    var serverURL: String? = nil
    /// `vigil_required=true`, a key supervisord ignores: vigil ends the container when the
    /// process goes FATAL, or exits and is not started again.
    var required = false

    /// "group:name", or "name" when they are the same (supervisorctl's name for it).
    var namespec: String {
        PythonText.same(group, name) ? name : group + ":" + name
    }

    /// argv as supervisord computes it when it starts the process: `command` split by shlex.
    /// A command that cannot be split is not an error while reading: the process fails to
    /// start (supervisord: "can't parse command").
    var argv: Result<[String], Shlex.ShlexFailure> {
        do {
            return .success(try Shlex.split(PythonText.bytes(command)).map { String(decoding: $0, as: UTF8.self) })
        } catch {
            return .failure(error)
        }
    }
}

/// `stdout_*` or `stderr_*` of a program.
struct SupervisordOutput: Equatable {
    enum Logfile: Equatable {
        /// `NONE` or `OFF` (also stderr under `redirect_stderr`).
        case none
        /// `AUTO`, the default: a file in `childlogdir`.
        case automatic
        /// A path, as written (after `~`).
        case path(String)

        static func == (left: Logfile, right: Logfile) -> Bool {
            switch (left, right) {
            case (.none, .none), (.automatic, .automatic): return true
            case (.path(let a), .path(let b)): return PythonText.same(a, b)
            default: return false
            }
        }
    }

    var logfile = Logfile.automatic
    var maxBytes: Int64 = 50 * 1024 * 1024
    var backups: Int64 = 10
    var captureMaxBytes: Int64 = 0
    var eventsEnabled = false
    var syslog = false
}

/// `[inet_http_server]` or `[unix_http_server]`.
struct SupervisordServer {
    enum Address {
        case inet(host: String, port: Int64)
        case unix(path: String, mode: Int64, owner: (uid: Int64, gid: Int64))
    }

    var section: String
    var address: Address
    var username: String?
    var password: String?
}

/// `[rpcinterface:NAME]`: the factory and its other keys.
struct SupervisordPlugin {
    var name: String
    var factory: String
    var extras: [(key: String, value: String)]

    /// Whether this is supervisor's own interface, the one vigil answers.
    var isStandard: Bool { ASCII.equals(factory, "supervisor.rpcinterface:make_main_rpcinterface") }
}

extension SupervisordProgram {
    /// The mask the child is given: umask(2) keeps the permission bits of the int os.umask
    /// passes (nil: the child keeps the umask of who starts it).
    var childUmask: Int32? { umask.map { Int32(truncatingIfNeeded: $0) & 0o777 } }
}
