import CLinux

/// Where a vigil that faulted stood: the rules it ran by and the processes it answered for, all
/// that its re-executed image needs to carry on (`Supervisor(adopting:)`). The running vigil
/// makes one from its supervisor whenever that changes (`Supervisor.recoveryState`) and keeps
/// it published as text (`RecoveryState+Text`) for the fault handler, which passes it through
/// the re-execution's argv.
struct RecoveryState: Equatable {
    enum Phase: Equatable {
        /// Init tasks and sidecars were starting; the main command had not started.
        case bringingUp
        case running
        case pausing
        case stoppingProcesses
        case draining
        case killing
        /// vigil had decided to exit with `exitCode`.
        case exited
    }

    /// An init task or sidecar that was alive.
    struct Process: Equatable {
        var name: String
        var kind: ProcessSpec.Kind
        var pid: Int32
        /// nil: the global stop signal.
        var stopSignal: Int32? = nil
        /// Its share of the grace period (nil: all that is left).
        var grace: Int64? = nil
        var required = false
        /// Its stop was under way.
        var stopping: Stopping? = nil
        /// Its stop signal, and its SIGKILL, go to its process group (false: to it alone, as
        /// supervisord's `stopasgroup=false` and `killasgroup=false` have it).
        var stopsGroup = true
        var killsGroup = true
    }

    /// A stop under way: SIGKILL at `deadline`, or, once `killed`, waited for until it.
    struct Stopping: Equatable {
        var deadline: Instant
        var killed: Bool
    }

    /// The two ends of an output pipe whose lines vigil relays with `name | ` in front, to its
    /// stdout (`sink` 1) or stderr (2).
    struct RelayPipe: Equatable {
        var name: String
        var readEnd: Int32
        var writeEnd: Int32
        var sink: Int32
        /// Lines get `name | ` in front (false: a supervisord program's output, as it was).
        var prefixed = true
    }

    /// my_init's stop, when it runs the shutdown scripts (vigil had read runit's services):
    /// each script's (and each service's) time to stop, and how far the stop had gone.
    /// Only `stoppingProcesses` has a step other than `notBegun` and `done`; the services'
    /// step keeps no deadline (the services are adopted processes, each with its own).
    struct MyInitStop: Equatable {
        var timeout: Int64
        var step: RunitServices.ShutdownStep
    }

    /// A pipe end a recovery keeps open and never uses, so that the process at the other end
    /// neither reads an end of file nor dies of SIGPIPE: a supervisord event listener's stdin
    /// and stdout, the programs' shared stdin.
    struct KeptEnd: Equatable {
        var fd: Int32
        var writable: Bool
    }

    /// The rules the supervisor and the log lines follow: what of the configuration a
    /// recovery keeps.
    struct Rules: Equatable {
        var verbosity: Int
        var logStyle: LogStyle
        var wording: Wording
        var warnOnReap: Bool
        var forwardToGroup: Bool
        var exitMap: ExitMap
        var stopSignal: Int32
        var mainStopSignal: Int32?
        var grace: Int64
        var killAfter: Int64?
        var killWait: Int64
        var repeatedStopKills: Bool
        var mainChildExit: Configuration.MainChildExit
        var continuesStoppedProcesses: Bool
        var rewrite: SignalRewrite
        var stopsWithTerminalStopSignals: Bool
        var internalFailure: Int32
        var stopExitWithoutMain: Int32?
        var myInitExitCodes: Bool
        /// A supervisord configuration ran: its server, events and log files are gone.
        var followedSupervisord: Bool

        /// `Configuration`'s defaults.
        init() {
            self.init(Configuration())
        }

        init(_ configuration: Configuration) {
            verbosity = configuration.verbosity
            logStyle = configuration.logStyle
            wording = configuration.wording
            warnOnReap = configuration.warnOnReap
            forwardToGroup = configuration.forwardToGroup
            exitMap = configuration.exitMap
            stopSignal = configuration.stopSignal
            mainStopSignal = configuration.main.stopSignal
            grace = configuration.grace
            killAfter = configuration.killAfter
            killWait = configuration.killWait
            repeatedStopKills = configuration.repeatedStopKills
            mainChildExit = configuration.mainChildExit
            continuesStoppedProcesses = configuration.continuesStoppedProcesses
            rewrite = configuration.rewrite
            stopsWithTerminalStopSignals = configuration.stopsWithTerminalStopSignals
            internalFailure = configuration.exitCodes.internalFailure
            stopExitWithoutMain = configuration.stopExitWithoutMain
            myInitExitCodes = configuration.myInitExitCodes
            followedSupervisord = configuration.supervisord != nil
        }
    }

    var rules = Rules()
    var phase = Phase.running
    /// The main child, while it runs.
    var main: Supervisor.MainChild? = nil
    /// Its wait status, when it had been reaped before the supervisor decided on it.
    var mainStatus: Int32? = nil
    /// The shutdown under way (`stoppingProcesses`, `draining`, `killing`).
    var shutdown: Supervisor.Shutdown? = nil
    /// What vigil had decided to exit with (`exited`).
    var exitCode: Int32? = nil
    var ending = false
    var exitOverride: Int32? = nil
    /// In start order.
    var processes: [Process] = []
    /// The main child's own process group, and the one given the terminal, if any.
    var childGroup: Int32? = nil
    var terminalGroup: Int32? = nil
    var relay: [RelayPipe] = []
    var kept: [KeptEnd] = []
    var myInitStop: MyInitStop? = nil

    /// The configuration a recovery runs with: the rules, the adopted processes, no control
    /// channel, and `Configuration`'s defaults for the rest.
    var adoptedConfiguration: Configuration {
        var adopted = Configuration()
        adopted.verbosity = rules.verbosity
        adopted.logStyle = rules.logStyle
        adopted.wording = rules.wording
        adopted.warnOnReap = rules.warnOnReap
        adopted.forwardToGroup = rules.forwardToGroup
        adopted.exitMap = rules.exitMap
        adopted.stopSignal = rules.stopSignal
        adopted.main.stopSignal = rules.mainStopSignal
        adopted.grace = rules.grace
        adopted.killAfter = rules.killAfter
        adopted.killWait = rules.killWait
        adopted.repeatedStopKills = rules.repeatedStopKills
        adopted.mainChildExit = rules.mainChildExit
        adopted.continuesStoppedProcesses = rules.continuesStoppedProcesses
        adopted.rewrite = rules.rewrite
        adopted.stopsWithTerminalStopSignals = rules.stopsWithTerminalStopSignals
        adopted.exitCodes.internalFailure = rules.internalFailure
        adopted.stopExitWithoutMain = rules.stopExitWithoutMain
        adopted.myInitExitCodes = rules.myInitExitCodes
        adopted.controlChannel = false
        adopted.processes = adoptedSpecs
        return adopted
    }

    /// The adopted processes' settings: never restarted, no readiness checks.
    var adoptedSpecs: [ProcessSpec] {
        processes.map { process in
            var spec = ProcessSpec(name: process.name, kind: process.kind, command: [])
            spec.restart = .never
            spec.stopSignal = process.stopSignal
            spec.grace = process.grace
            spec.required = process.required
            spec.stopsGroup = process.stopsGroup
            spec.killsGroup = process.killsGroup
            return spec
        }
    }

    /// A main command had started, or was to start: only pause mode has none.
    var hasMain: Bool { phase != .pausing }
}
