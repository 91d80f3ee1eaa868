/// The topics of `vigil --help TOPIC`: together they hold every option of the table, each
/// topic a screen of at most 80 columns.
enum HelpTopics {
    enum Topic: CaseIterable {
        case options, signals, processes, restarts, tasks, checks, settings, environment, exitCodes, inspect, dropIns

        var name: String {
            switch self {
            case .options: return "options"
            case .signals: return "signals"
            case .processes: return "processes"
            case .restarts: return "restarts"
            case .tasks: return "tasks"
            case .checks: return "checks"
            case .settings: return "settings"
            case .environment: return "environment"
            case .exitCodes: return "exit-codes"
            case .inspect: return "inspect"
            case .dropIns: return "drop-ins"
            }
        }
    }

    static var names: [String] { Topic.allCases.map { $0.name } }

    static func topic(named name: String) -> Topic? {
        for topic in Topic.allCases where ASCII.equals(name, topic.name) { return topic }
        return nil
    }

    /// The options each topic lists, in order.
    static func options(_ topic: Topic) -> [OptionID] {
        switch topic {
        case .options: return [.group, .subreaper, .parentDeathSignal, .exitMap, .warnReap, .verbose, .quiet, .pause,
                               .config, .terminationLog, .help, .version]
        case .signals: return [.stopSignal, .grace, .killAfter, .repeatStopKills, .rewrite, .session]
        case .processes: return [.initTask, .sidecar, .after]
        case .restarts: return [.restart, .required, .backoff, .backoffMax, .backoffReset, .maxRestarts]
        case .tasks: return [.task, .schedule, .crontab, .tz, .concurrency, .timeLimit]
        case .checks: return [.ready, .startTimeout, .readyTimeout, .live, .livePeriod, .liveTimeout, .liveFailures]
        case .settings: return [.env, .envFile, .workdir, .user, .prefixOutput]
        case .dropIns: return [.procfile, .dryRun]
        case .environment, .exitCodes, .inspect: return []
        }
    }

    /// The topic's text; nil for no topic of that name.
    static func text(_ name: String) -> String? {
        guard let topic = topic(named: name) else { return nil }
        let listed = Usage.options(options(topic))
        switch topic {
        case .options:
            return "vigil [OPTIONS] [--] COMMAND [ARG...]: vigil's own options.\n\n" + listed
                + "\nThe rest: vigil --help signals, processes, restarts, tasks, checks, settings.\n"
        case .signals:
            return """
                vigil forwards the signals it receives to the child (with -g, to its process
                group). When the child exits, what is left gets the stop signal, and SIGKILL
                once the grace is over. Signals are names (TERM, SIGTERM, RTMIN+3) or numbers.

                """ + "\n" + listed
        case .processes:
            return """
                vigil --init NAME=CMD --sidecar NAME=CMD ... -- COMMAND: init tasks run to
                completion, in order (when one fails, nothing more starts and vigil exits with
                its status); then sidecars start in order, each ready before the next; then
                COMMAND (main). --after replaces that order (DEP:done waits for DEP to end).
                A setting's NAME is a process's, or main. The file (--config FILE) takes the
                same settings by the same names, in [init.NAME], [sidecar.NAME], [task.NAME]
                and [main] tables.

                """ + "\n" + listed + "\nSee also: vigil --help restarts, tasks, checks, settings.\n"
        case .tasks:
            return """
                Scheduled tasks run a command on a cron schedule beside the command:
                vigil --task NAME=CMD --schedule NAME=EXPR -- COMMAND, [task.NAME] in the
                file, or every line of a crontab file.

                """ + "\n" + listed + """

                vigil schedule --next N EXPRESSION prints when a cron schedule runs next
                (vigil schedule --help).

                """
        case .restarts:
            return "When a sidecar that exits is restarted, and which process ends everything.\n\n" + listed
        case .checks:
            return "Readiness (sidecars) and liveness checks (sidecars and main).\n\n" + listed
        case .settings:
            return "Each process's environment, directory, user and output (NAME: a process, or\nmain).\n\n" + listed
        case .environment: return environment()
        case .exitCodes: return exitCodes
        case .inspect: return inspect
        case .dropIns: return dropIns + listed
        }
    }

    /// `VIGIL_*` variables: what each takes.
    static func environment() -> String {
        var text = "Variables set vigil's options; the command line wins over them, and they win\n"
            + "over the file (--config). Switches take 1 or 0 (true/false, yes/no, on/off).\n\n"
        for spec in OptionTable.all {
            guard let variable = spec.environment else { continue }
            let takes: String
            switch spec.id {
            case .verbose: takes = "a level: 0 errors only, 1 warnings (default), 2 info, 3 debug"
            case .exitMap, .rewrite: takes = "a comma list of " + (spec.valueName ?? "") + ", as --" + spec.long
            default:
                takes = spec.valueName.map { $0 + ", as --" + spec.long }
                    ?? "1 or 0, as --" + spec.long
            }
            text += Usage.entry("  " + variable, takes)
        }
        return text
    }

    static let exitCodes = """
        vigil exits with the child's exit code, or 128+N if it was killed by signal N.
        Its own codes:
          2    usage error: a bad option, variable or file (one line on stderr)
          125  vigil failed
          126  the command is not executable
          127  the command was not found
        -e CODE (--exit-map) turns the child's CODE into 0. vigil check exits 0 or 1.

        """

    static let inspect = """
        Inside the container (docker exec CONTAINER /vigil ps), each with --help:
          vigil ps [--tree] [--json]    the processes of the PID namespace, from /proc
          vigil status [--json]         the processes vigil supervises, and their state
          vigil check                   a health check for HEALTHCHECK and exec probes
          vigil restart|stop|start NAME act on a process vigil supervises
          vigil signal NAME SIGNAL      send SIGNAL to a process vigil supervises
        status, check and the rest ask the running vigil over its control channel.

        """

    static let dropIns = """
        Installed or linked under another name, vigil takes that tool's options and
        behaviour, so swapping the binary changes nothing a user relies on:
          tini, tini-static, docker-init   tini's (tini -h); docker run --init runs
                                           docker-init
          dumb-init                        dumb-init's (dumb-init --help)
          supervisord, supervisorctl       supervisord's configuration and its client
          my_init                          my_init's start-up and runit's services
        Under tini's and dumb-init's names there is no control channel; VIGIL_GRACE,
        VIGIL_STOP_SIGNAL or VIGIL_KILL_AFTER turns on vigil's graceful stop.
        A Procfile runs under vigil's own name:

        """
}
