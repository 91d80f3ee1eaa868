import CLinux

/// Everything the command line and the environment decide, as plain values. The tool vigil
/// stands in for (tini, dumb-init) is resolved into these values when the command line is
/// parsed: nothing after parsing asks which tool that was. Each default is defined here once.
struct Configuration: Equatable {
    // MARK: The child

    /// How the main child is placed among process groups and sessions.
    enum Grouping: Equatable {
        /// A process group of its own in vigil's session (vigil and tini).
        case ownGroup
        /// vigil's own process group and session (dumb-init's single-child mode).
        case callersGroup
        /// A new session with stdin's terminal as its controlling terminal (`--session`,
        /// dumb-init's default).
        case newSession
    }

    var grouping = Grouping.ownGroup
    /// Run a file without `#!` through /bin/sh, as execvp does (tini, dumb-init).
    var shellFallback = false
    /// The child starts with the signal mask vigil was started with (tini's rule), rather than
    /// an empty one. Either way, signals ignored when vigil started stay ignored in the child.
    var childInheritsSignalMask = false

    // MARK: Signals

    /// Forward signals to the child's process group rather than to the child alone (`-g`).
    var forwardToGroup = false
    /// Signals forwarded as another signal or dropped (`--rewrite`).
    var rewrite = SignalRewrite()
    /// After forwarding TSTP, TTIN or TTOU, stop vigil too (SIGSTOP), so that a shell or
    /// supervisor above sees the job stop; CONT resumes vigil and is forwarded.
    var stopsWithTerminalStopSignals = false
    /// Signal vigil asks to receive when its parent dies (`-p`).
    var parentDeathSignal: Int32? = nil

    // MARK: Reaping

    /// When vigil registers as a child subreaper (it does not need to as PID 1).
    enum Subreaper: Equatable {
        /// Whenever it is not PID 1; a refusal is a warning (vigil's default).
        case automatic
        /// The kernel must accept it, or vigil fails (`-s`).
        case required
        /// Never; `warn` says so when vigil then cannot reap (tini without `-s`).
        case off(warn: Bool)
    }

    var subreaper = Subreaper.automatic
    /// Log every reaped process that is not the main child (`-w`).
    var warnOnReap = false

    // MARK: Exit and shutdown

    /// What to do when the main child exits.
    enum MainChildExit: Equatable {
        /// Stop the rest of the tree gracefully, then exit (vigil's own mode).
        case stopTheRest
        /// Exit at once; as PID 1 the kernel kills what is left (tini's behaviour).
        case exitAtOnce
        /// Forward SIGTERM (rewritten) as any signal, then exit at once (dumb-init's behaviour).
        case forwardTermAndExit
    }

    var mainChildExit = MainChildExit.stopTheRest
    /// SIGCONT follows every stop signal vigil sends, as systemd does: a stopped process
    /// cannot handle the signal until it is continued. tini and dumb-init send none.
    var continuesStoppedProcesses = true
    /// Child exit codes reported as 0 (`-e`).
    var exitMap = ExitMap()
    /// vigil's own exit codes.
    var exitCodes = ExitCodes.vigil
    /// Sent to what is left when the main child has exited (`--stop-signal`).
    var stopSignal: Int32 = SIGTERM
    /// How long the rest may take to stop before SIGKILL, in nanoseconds (`--grace`).
    var grace: Int64 = 5 * Durations.second
    /// SIGKILL the main child this long after the first stop request (`--kill-after`).
    var killAfter: Int64? = nil
    /// A second stop request SIGKILLs everything at once (`--repeat-stop-kills`).
    var repeatedStopKills = false
    /// How long to wait for SIGKILLed processes to be gone before exiting anyway (a process in
    /// uninterruptible sleep dies only when its I/O ends). Not an option.
    var killWait: Int64 = 2 * Durations.second

    // MARK: Several processes

    /// Init tasks and sidecars, in the order they start.
    var processes: [ProcessSpec] = []
    /// The main process's own settings (environment, user, working directory, stop signal,
    /// output); its command is the command line's, or the configuration file's.
    var main = ProcessSpec(name: "main", kind: .main, command: [])

    /// When vigil exits, it says why in one line, and writes the same, with each sidecar's
    /// restart count, to the termination log (vigil's own name only).
    var explainsExit = true
    /// Where that goes (`--termination-log`); nil: `/dev/termination-log`, when it exists and
    /// is writable (Kubernetes' default terminationMessagePath).
    var terminationLog: String? = nil

    /// Serve `vigil status`, `vigil check` and the control commands (vigil's own name only:
    /// under tini's and dumb-init's names nothing changes).
    var controlChannel = true
    /// Under supervisord's name: its servers, files and notices (nil otherwise).
    var supervisord: SupervisordSettings? = nil

    var isSupervisord: Bool {
        if case .some = supervisord { return true }
        return false
    }

    // MARK: my_init and Procfiles

    /// runit's services and my_init's shutdown scripts (the my_init personality).
    var runit: RunitSettings? = nil
    /// What the my_init personality reads from the image's folders before the start.
    var myInit: MyInitPlan? = nil
    /// my_init's `/etc/container_environment`: imported and exported at the start, and read
    /// again after each startup file (the init tasks that say so).
    var containerEnvironment = false
    /// my_init's exit codes where vigil's say more (`VIGIL_EXIT_CODES=my_init`): a main command
    /// killed by a signal exits 0, a stop request 2, a failed startup file or shutdown script 1.
    var myInitExitCodes = false
    /// What a stop request exits with when no main command runs: 0 (vigil's pause mode), 2
    /// (my_init), nil for 128+N (honcho, under `--procfile`).
    var stopExitWithoutMain: Int32? = 0
    /// The stop ends with the stop signal, then SIGKILL, for whatever is left (my_init's
    /// `--no-kill-all-on-exit` turns it off).
    var drainsLeftovers = true

    // MARK: Logging

    /// 0 errors only, 1 warnings (default), 2 info, 3 and up debug (`-q`, `-v`).
    var verbosity = Verbosity.warnings
    /// How log lines start.
    var logStyle = LogStyle.named("vigil")
    /// Whose words the log lines use.
    var wording = Wording.vigil

    init() {}
}

/// Log levels, as numbers so that `-vvv` and `VIGIL_VERBOSITY=3` mean the same.
enum Verbosity {
    static let errors = 0
    static let warnings = 1
    static let info = 2
    static let debug = 3
}

/// What the command line asks vigil to do.
enum Invocation: Equatable {
    /// Supervise the command made of these entries of the argument vector, in this order
    /// (tini's option parsing may leave options between them). Empty: the configuration
    /// file's `[main]` command (`configuration.main.command`).
    case run(Configuration, command: [Int])
    /// No main command: reap orphans (and supervise the sidecars) until a stop request.
    case pause(Configuration)
    /// Print this text on stdout and exit 0 (help, version, licence).
    case show(String)
}

