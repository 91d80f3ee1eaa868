/// `my_init --dry-run`: what vigil as my_init would run, from the image's folders as they are
/// now, in the order it would run it. Nothing runs and nothing is written.
///
///     my_init --dry-run: nothing runs
///     environment: /etc/container_environment imported, exported to it, .sh and .json
///     startup files, in order (each must exit 0, the environment read again after each):
///       /etc/my_init.d/30_presetup_nginx.sh
///     runit services in /etc/service, started then:
///       nginx: ./run, down file (starts with sv up), control/t, log/run
///     main command: none (runs until stopped)
///     stop: the main command (SIGKILL after 30s), pre-shutdown scripts, every service down
///     (SIGKILL after 30s), post-shutdown scripts, then TERM to what is left (SIGKILL after 30s)
///     exit codes: vigil's (VIGIL_EXIT_CODES=my_init for my_init's)
enum MyInitDryRun {
    static func render(_ configuration: Configuration, command: [String], environmentFolder: Bool,
                       services: [RunitServiceLayout.Service]?) -> String {
        var text = "my_init --dry-run: nothing runs\n"
        text += "environment: " + (environmentFolder
            ? "/etc/container_environment imported, exported to it, .sh and .json\n"
            : "no /etc/container_environment: the environment as given\n")
        let tasks = configuration.processes.filter { $0.kind == .initTask }
        text += tasks.isEmpty ? "startup files: none\n"
            : "startup files, in order (each must exit 0, the environment read again after each):\n"
        for task in tasks { text += "  " + task.command.joined(separator: " ") + "\n" }
        if let runit = configuration.runit, let services {
            text += "runit services in " + runit.directory + ", started then:" + (services.isEmpty ? " none\n" : "\n")
            for service in services { text += "  " + describe(service) + "\n" }
        } else {
            text += "runit services: none (--skip-runit)\n"
        }
        text += "main command: " + (command.isEmpty ? "none (runs until stopped)" : command.joined(separator: " ")) + "\n"
        text += "stop: " + stopText(configuration) + "\n"
        text += "exit codes: " + (configuration.myInitExitCodes ? "my_init's (VIGIL_EXIT_CODES=my_init)"
            : "vigil's (VIGIL_EXIT_CODES=my_init for my_init's)") + "\n"
        return text
    }

    private static func describe(_ service: RunitServiceLayout.Service) -> String {
        var parts = [service.runnable ? "./run" : "./run is missing or not executable (retried every second)"]
        if service.hasFinish { parts.append("./finish") }
        if service.startsDown { parts.append("down file (starts with sv up)") }
        for letter in service.overrides { parts.append("control/" + String(decoding: [letter], as: UTF8.self)) }
        if let log = service.log {
            parts.append(log.runnable ? "log/run" + (log.startsDown ? " (down file)" : "") : "log/run is missing")
        }
        return service.name + ": " + parts.joined(separator: ", ")
    }

    private static func stopText(_ configuration: Configuration) -> String {
        var steps: [String] = []
        if let killAfter = configuration.killAfter {
            steps.append("the main command (SIGKILL after " + Durations.format(killAfter) + ")")
        }
        if let runit = configuration.runit {
            let timeout = " (SIGKILL after " + Durations.format(runit.stopTimeout) + ")"
            steps.append(scripts("pre-shutdown", runit.preShutdown))
            steps.append("every service down" + timeout)
            steps.append(scripts("post-shutdown", runit.postShutdown))
        }
        steps.append(configuration.drainsLeftovers
            ? "then TERM to what is left (SIGKILL after " + Durations.format(configuration.grace) + ")"
            : "then nothing more (--no-kill-all-on-exit)")
        return steps.joined(separator: ", ")
    }

    private static func scripts(_ what: String, _ paths: [String]) -> String {
        paths.isEmpty ? "no " + what + " scripts" : what + " scripts " + paths.joined(separator: ", ")
    }
}
