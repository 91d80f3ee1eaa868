import CLinux

/// The rules the supervisor follows, taken from the configuration in one place.
struct Policy: Equatable {
    var forwardToGroup: Bool
    var exitMap: ExitMap
    var stopSignal: Int32
    var grace: Int64
    var killAfter: Int64?
    var killWait: Int64
    var repeatedStopKills: Bool
    var mainChildExit: Configuration.MainChildExit
    /// SIGCONT follows a stop signal, so that a stopped process can handle it.
    var continuesStoppedProcesses: Bool
    var rewrite: SignalRewrite
    /// `-p`: named by the user, so acted on even when it is one of glibc's own.
    var parentDeathSignal: Int32?
    var stopsWithTerminalStopSignals: Bool
    var internalFailureExitCode: Int32
    var exitCodes: ExitCodes
    /// What vigil sends the main child when it decides to stop it (a required sidecar down).
    var mainStopSignal: Int32
    /// How soon a sidecar's polling readiness check is tried again after a failed attempt, at
    /// first: a process ready after 200 ms is seen within 10 ms of it. Later attempts come less
    /// often, a twentieth of the time since the start, up to `longestCheckInterval`.
    var checkInterval: Int64 = 10 * Durations.millisecond
    var longestCheckInterval: Int64 = 100 * Durations.millisecond
    /// vigil is PID 1: nobody above could resume it, so it never stops itself with the child.
    var isNamespaceInit: Bool
    /// A supervisord configuration runs: listeners, supervisord's signals and XML-RPC calls.
    var followsSupervisord: Bool
    /// `[supervisord] identifier`.
    var identifier: String
    /// The wall clock minus the monotonic clock, in nanoseconds: times supervisorctl shows,
    /// and TICK events, are wall-clock times.
    var wallClockOffset: Int64
    /// The local time zone (supervisorctl shows stop times in local time).
    var localZone = ZoneRules.utc
    /// vigil's PID (`getPID`).
    var ownPID: Int32 = 0
    /// my_init's exit codes rather than vigil's (`Configuration.myInitExitCodes`).
    var myInitExitCodes: Bool
    /// What a stop request without a main command exits with (nil: 128+N).
    var stopExitWithoutMain: Int32?
    /// What is left at the end gets the stop signal and SIGKILL (not with my_init's
    /// `--no-kill-all-on-exit`).
    var drainsLeftovers: Bool

    init(_ configuration: Configuration = Configuration(), isNamespaceInit: Bool = false, wallClockOffset: Int64 = 0) {
        forwardToGroup = configuration.forwardToGroup
        exitMap = configuration.exitMap
        stopSignal = configuration.stopSignal
        grace = configuration.grace
        killAfter = configuration.killAfter
        killWait = configuration.killWait
        repeatedStopKills = configuration.repeatedStopKills
        mainChildExit = configuration.mainChildExit
        continuesStoppedProcesses = configuration.continuesStoppedProcesses
        rewrite = configuration.rewrite
        parentDeathSignal = configuration.parentDeathSignal
        stopsWithTerminalStopSignals = configuration.stopsWithTerminalStopSignals
        internalFailureExitCode = configuration.exitCodes.internalFailure
        exitCodes = configuration.exitCodes
        mainStopSignal = configuration.main.stopSignal ?? SIGTERM
        self.isNamespaceInit = isNamespaceInit
        followsSupervisord = configuration.isSupervisord
        identifier = configuration.supervisord?.identifier ?? "supervisor"
        self.wallClockOffset = wallClockOffset
        myInitExitCodes = configuration.myInitExitCodes
        stopExitWithoutMain = configuration.stopExitWithoutMain
        drainsLeftovers = configuration.drainsLeftovers
    }
}
