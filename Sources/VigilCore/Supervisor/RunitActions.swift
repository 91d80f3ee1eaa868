/// One runit service's part: the service itself (`./run`, `./finish`), or its log service
/// (`log/run`), by the service's index in `RunitServices`.
struct ServicePart: Equatable {
    let service: Int
    let isLog: Bool
}

/// What the runtime does for runit's services and my_init's folders, as the supervisor asks
/// (`SupervisorAction.runit`). Signals to their processes are plain `.send` actions.
enum RunitAction: Equatable {
    /// Read the services folder (once the startup files have run); answer with `.found`.
    case scan
    /// Start `argv` for `part` in its folder (`log/` for a log service), a service's stdout and
    /// a logger's stdin being the service's log pipe; answer with `.spawned`.
    case start(ServicePart, [String])
    /// Run `control/X` of `part`, with `pid` (0: nothing runs) as its argument; answer with
    /// `.overrideSpawned`.
    case runOverride(ServicePart, letter: UInt8, pid: Int32)
    /// Write `part`'s `supervise/` files, as runsv does: `pid` (when it changed), `stat`, then
    /// `status`, each through a `.new` file renamed over it. `status.since` is left to the
    /// runtime: the TAI64N label of the monotonic time `since`.
    case writeStatus(ServicePart, RunitStatus, since: Instant, pidChanged: Bool)
    /// Close vigil's ends of `service`'s log pipe: its logger reads to the end and exits.
    case closeLogPipe(service: Int)
    /// Read the services folder again (it changed); answer with `.rescanned`.
    case rescan
    /// `service` was removed and has stopped: close its `supervise/` files, as runsv exits.
    case retire(service: Int)
    /// Run a script of my_init's shutdown folders; answer with `.scriptSpawned`.
    case runScript(String)
    /// Read `/etc/container_environment` into the environment of what starts next, and write
    /// its two dumps (my_init, after each startup file); answer with `.environmentRefused`
    /// when the folder holds what no environment can.
    case importEnvironment
}

/// What the runtime reports about runit's services and my_init's folders
/// (`SupervisorEvent.runit`).
enum RunitEvent: Equatable {
    /// The services folder as read, in name order; `startedAt`: now.
    case found([RunitServiceLayout.Service])
    /// These bytes were read from `part`'s `supervise/control`.
    case control(ServicePart, [UInt8])
    /// `part`'s `.start` ran as `pid`, or could not (`errno`).
    case spawned(ServicePart, pid: Int32?, errno: Int32)
    /// `part`'s `control/X` runs as `pid`, or could not start.
    case overrideSpawned(ServicePart, pid: Int32?)
    /// The shutdown script runs as `pid`, or could not start.
    case scriptSpawned(pid: Int32?)
    /// `/etc/container_environment` could not be imported after a startup file.
    case environmentRefused
    /// The services folder changed (its watch saw an entry come or go).
    case folderChanged
    /// The services folder cannot be watched: it is to be read now and then instead.
    case folderUnwatched
    /// The folder read again: the services the runtime opened now (after the others, in this
    /// order) and the indices of those known before whose folder is still there.
    case rescanned(added: [RunitServiceLayout.Service], present: [Int])
}
