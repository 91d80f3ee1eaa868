import CLinux

/// What my_init leaves to be read from the image's folders once the command line is in:
/// the runtime lists them before anything starts (`MyInitSetup`).
struct MyInitPlan: Equatable {
    /// `ENV_INIT_DIRECTORY`.
    var initDirectory = "/etc/my_init.d"
    /// Not `--skip-startup-files`.
    var startupFiles = true
    /// `--enable-insecure-key`: `/usr/sbin/enable_insecure_key` runs first.
    var insecureKey = false
    /// `--dry-run`: say what would run, run nothing, write nothing.
    var dryRun = false
}

/// phusion/baseimage's `my_init`, resolved into vigil's configuration: its command line
/// (`MyInitCommandLine`), `ENV_INIT_DIRECTORY`, `KILL_PROCESS_TIMEOUT` and
/// `KILL_ALL_PROCESSES_TIMEOUT` (`MyInitSettings`), and vigil's `VIGIL_EXIT_CODES=my_init`
/// for my_init's exit codes.
enum MyInitPersonality {
    static let usage = """
        usage: my_init [-h] [--enable-insecure-key] [--skip-startup-files] [--skip-runit]
                       [--no-kill-all-on-exit] [--quiet] [--dry-run]
                       [MAIN_COMMAND ...]

        Initialize the system (vigil as my_init).

        positional arguments:
          MAIN_COMMAND          The main command to run. (default: runit)

        options:
          -h, --help            show this help message and exit
          --enable-insecure-key
                                Install the insecure SSH key
          --skip-startup-files  Skip running /etc/my_init.d/* and /etc/rc.local
          --skip-runit          Do not run runit services
          --no-kill-all-on-exit
                                Don't kill all processes on the system upon exiting
          --quiet               Only print warnings and errors
          --dry-run             Print what would run, and run nothing (vigil's)

        """

    /// my_init's behaviour before its options.
    static var defaults: Configuration {
        var configuration = Configuration()
        configuration.logStyle = .named("my_init")
        configuration.verbosity = Verbosity.info
        configuration.containerEnvironment = true
        configuration.stopExitWithoutMain = 2
        configuration.myInit = MyInitPlan()
        return configuration
    }

    static func parse(_ arguments: [String], environment: (String) -> String?) throws(UsageError) -> Invocation {
        let line: MyInitCommandLine
        let settings: MyInitSettings
        do {
            line = try MyInitCommandLine.parse(Array(arguments.dropFirst()))
            if line.help { return .show(usage) }
            settings = try MyInitSettings.parse(environment)
        } catch {
            throw UsageError(error.text)
        }
        var configuration = defaults
        configuration.myInit = MyInitPlan(initDirectory: settings.initDirectory, startupFiles: !line.skipStartupFiles,
                                          insecureKey: line.enableInsecureKey, dryRun: line.dryRun)
        if line.quiet { configuration.verbosity = Verbosity.warnings }
        if !line.skipRunit {
            configuration.runit = RunitSettings(directory: MyInitSettings.servicesDirectory, stopTimeout: settings.killProcessTimeout)
        }
        configuration.killAfter = settings.killProcessTimeout
        configuration.grace = settings.killAllProcessesTimeout
        configuration.drainsLeftovers = line.killAllOnExit
        if let rule = environment("VIGIL_EXIT_CODES") {
            guard ASCII.equals(rule, "my_init") || ASCII.equals(rule, "vigil") else {
                throw UsageError("VIGIL_EXIT_CODES: expected my_init or vigil, got '\(rule)'")
            }
            configuration.myInitExitCodes = ASCII.equals(rule, "my_init")
        }
        if line.command.isEmpty { return .pause(configuration) }
        return .run(configuration, command: positions(of: line.command, in: arguments))
    }

    /// Where the command's words are in the argument vector, so that they reach the child as
    /// the kernel passed them: in order, skipping the `--` argparse took as a separator.
    static func positions(of command: [String], in arguments: [String]) -> [Int] {
        var positions: [Int] = []
        var index = 1
        for word in command {
            while index < arguments.count && !arguments[index].utf8.elementsEqual(word.utf8) { index += 1 }
            guard index < arguments.count else { break }
            positions.append(index)
            index += 1
        }
        return positions
    }
}
