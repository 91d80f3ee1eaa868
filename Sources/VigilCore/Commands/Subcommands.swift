import CLinux

/// Subcommands of vigil. Recognised only as the first argument and only under vigil's own
/// name (the caller checks the name): `vigil -- ps` still runs a program called `ps`.
enum Subcommands {
    /// Runs the subcommand that `arguments[1]` names and returns its exit code; nil when
    /// `arguments[1]` names none.
    static func run(_ arguments: [String]) -> Int32? {
        guard arguments.count >= 2 else { return nil }
        let name = Array(arguments[1].utf8)
        let rest = Array(arguments[2...])
        if ASCII.equals(name, "help") { return help(rest) }
        if ASCII.equals(name, "ps") { return PsCommand.run(rest) }
        if ASCII.equals(name, "schedule") { return ScheduleCommand.run(rest) }
        if ASCII.equals(name, "supervisord-config") { return SupervisordConfigCommand.run(rest) }
        if ASCII.equals(name, "procfile-plan") { return ProcfilePlanCommand.run(rest) }
        if ASCII.equals(name, "runit-status") { return RunitStatusCommand.run(rest) }
        if ASCII.equals(name, "status") { return StatusCommand.run(rest) }
        if ASCII.equals(name, "check") { return CheckCommand.run(rest) }
        for command in ["restart", "stop", "start", "signal"] where ASCII.equals(name, command) {
            return ControlCommand.run(command, rest)
        }
        return nil
    }

    /// `vigil help [TOPIC]`, as `vigil --help [TOPIC]`.
    private static func help(_ arguments: [String]) -> Int32 {
        guard let topic = arguments.first else { return Output.write(Usage.text(), to: 1) ? 0 : 1 }
        do {
            return Output.write(try Usage.text(topic: topic), to: 1) ? 0 : 1
        } catch {
            Output.write(error.rendered(programName: "vigil"), to: 2)
            return 2
        }
    }
}

/// "vigil NAME: message" on stderr (and its hint on a line of its own), and `code`.
func fail(_ command: String, _ error: UsageError, code: Int32) -> Int32 {
    var line: LogText = "vigil \(command): \(error.text)\n"
    if let hint = error.hint { line.append("vigil \(command): \(hint)\n") }
    Output.write(line.bytes, to: 2)
    return code
}
