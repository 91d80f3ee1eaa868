/// Where a forwarded signal goes.
enum SignalTarget: Equatable {
    case process(Int32)
    case processGroup(Int32)
}

/// Why the rest of the tree was SIGKILLed.
enum KillReason: Equatable {
    /// The grace period (its length) ran out.
    case graceExpired(Int64)
    case noGracePeriod
    case repeatedStopRequest
}

/// What happened that is worth a log line: to a supervised process, or to a signal.
enum ProcessNote: Equatable {
    case ready(name: String)
    case exited(name: String, how: ChildState, restartIn: Int64?)
    case failed(name: String, how: ChildState, required: Bool)
    case initFailed(name: String, how: ChildState)
    case startTimedOut(name: String)
    case checkTimedOut(name: String, after: Int64)
    case cannotStart(name: String, program: String, errno: Int32)
    case stopping(name: String, signal: Int32)
    case killing(name: String)
    /// One of glibc's own signals (32, 33) came from `sender`, and is not passed on.
    case signalDropped(signal: Int32, sender: Int32)
    /// A run of liveness failures began (`of`: how many in a row stop it).
    case liveFailing(name: String, of: Int)
    /// It failed its liveness check `failures` times in a row: it is stopped (`main`: and
    /// the container with it).
    case liveFailed(name: String, failures: Int, main: Bool)
    /// What supervisord logs about its processes and listeners.
    case supervisord(SupervisordNote)
    /// What happened to a scheduled task.
    case task(TaskNote)
}

/// What happened to a scheduled task, or to the schedule, that is worth a log line.
enum TaskNote: Equatable {
    /// A run ended; `stopsAll`: it failed and the task is required.
    case runEnded(name: String, pid: Int32, how: ChildState, stopsAll: Bool)
    /// A run came due while `running` runs were under way (its concurrency): skipped,
    /// `skipped` in all.
    case runSkipped(name: String, running: Int, skipped: Int)
    /// A run outlived its time limit: sent `signal`.
    case timeLimit(name: String, pid: Int32, limit: Int64, signal: Int32)
    /// The wall clock was set, `jump` nanoseconds away from where it was going.
    case clockSet(jump: Int64)
}

/// Something the runtime must do. The supervisor decides; the runtime performs, and logs what
/// the action carries.
enum SupervisorAction: Equatable {
    /// Send a signal to the main child, a supervised process, or a process group.
    case send(signal: Int32, to: SignalTarget)
    /// Send a signal to every process vigil is responsible for, except itself: the whole
    /// namespace as PID 1, its descendants as a subreaper.
    case signalLeftovers(signal: Int32)
    /// SIGKILL whatever is left, and say which processes that was and why.
    case killLeftovers(reason: KillReason)
    /// Stop vigil itself (SIGSTOP), so that the shell above sees the job stop.
    case stopSelf
    /// Processes are still there this long after SIGKILL (stuck in the kernel): say so.
    case reportStragglers(after: Int64)
    /// Start this init task or sidecar; the runtime answers with `spawned`.
    case start(process: Int, ProcessSpec)
    /// Start the main command; the runtime answers with `mainStarted` or `mainCouldNotStart`.
    case startMain
    /// Try a readiness check, or a liveness check, of `process` once (`Supervisor.mainIndex`:
    /// the main process's liveness check); the runtime answers with `checkSpawned` (exec) or,
    /// once the socket has its answer, `checkResult` (tcp, http).
    case check(process: Int, ProcessSpec.Readiness)
    /// Close the tcp or http check of `process` that is still under way.
    case abandonProbe(process: Int)
    case note(ProcessNote)
    /// Answer the control request being handled.
    case reply(ControlProtocol.Reply)
    /// What a supervisord configuration's processes, listeners and XML-RPC clients need.
    case supervisord(SupervisordAction)
    /// About runit's services and my_init's folders.
    case runit(RunitAction)
    case exit(code: Int32)
}
