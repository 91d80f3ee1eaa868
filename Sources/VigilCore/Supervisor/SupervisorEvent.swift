/// What happened, as the runtime reports it to the supervisor (`Supervisor.handle`).
enum SupervisorEvent: Equatable {
    /// vigil is set up: start what comes first.
    case start
    /// A signal arrived for vigil (never SIGCHLD, which only means "reap"), from `sender`.
    case signal(Int32, sender: Int32 = 0)
    /// A child was reaped, or reported stopped.
    case reaped(pid: Int32, ChildState)
    /// The supervisor's deadline passed.
    case deadline
    /// Nothing is left to wait for (reported only while `awaitsEmptyTree`).
    case nothingLeft
    /// Waiting for events failed for good.
    case waitFailed
    /// The main command started as `pid`; `foreground`: it was given the terminal.
    case mainStarted(pid: Int32, foreground: Bool)
    /// The main command could not be started: the spawn's errno.
    case mainCouldNotStart(errno: Int32)
    /// Init task or sidecar `process` started as `pid`, or could not (`pid` nil, `errno`).
    case spawned(process: Int, pid: Int32?, errno: Int32)
    /// The exec check of `process` started as `pid` (nil: it could not; the attempt failed).
    case checkSpawned(process: Int, pid: Int32?)
    /// One tcp or http attempt of `process` ended: passed, failed, or nil (still connecting).
    case checkResult(process: Int, passed: Bool?)
    /// `READY=1` came on `process`'s notify socket from `sender`, in process group `senderGroup`.
    case notified(process: Int, sender: Int32, senderGroup: Int32)
    /// A control request arrived; the first action is always its `.reply`.
    case control(ControlProtocol.Request, ownPID: Int32)
    /// From a supervisord configuration's listeners, programs and XML-RPC clients.
    case supervisord(SupervisordEvent)
    /// The wall clock was set (it jumped): scheduled tasks' next runs are computed again.
    case wallClockSet
    /// About runit's services and my_init's folders.
    case runit(RunitEvent)
}

/// What the runtime reports about supervisord's side.
enum SupervisordEvent: Equatable {
    /// An event listener wrote this on its stdout.
    case listenerOutput(process: Int, [UInt8])
    /// A program with `stdout_events_enabled` (or stderr's) wrote this.
    case output(process: Int, stderr: Bool, [UInt8])
    /// An XML-RPC client called a method; the answer is a `.reply` action, now or later.
    case call(client: Int, XMLRPCCall)
    /// The client went away: its calls need no answer.
    case clientGone(client: Int)
}
