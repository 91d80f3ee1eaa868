/// `vigil supervisord-config [--dry-run] [SUPERVISORD-OPTIONS | FILE]`, a developer's command (not
/// in the help): reads a supervisord configuration as vigil's supervisord personality will and
/// prints the result, as `key=value` lines (the integration tests compare them with supervisord's
/// own reading) or, with `--dry-run`, as the dry run shows it. A lone FILE stands for `-c FILE`.
/// Exit status: 0 read; 2 when supervisord would refuse the configuration, with the one-line error.
enum SupervisordConfigCommand {
    static func run(_ arguments: [String]) -> Int32 {
        var arguments = arguments
        var dryRun = false
        if let first = arguments.first, ASCII.equals(first, "--dry-run") {
            dryRun = true
            arguments.removeFirst()
        }
        if arguments.count == 1, let only = arguments.first, only.utf8.first != UInt8(ascii: "-") {
            arguments = ["-c", only]
        }
        let host = SupervisordHost.current()
        do {
            switch try SupervisordCommandLine.parse(arguments, host: host) {
            case .help, .version:
                Output.write("vigil supervisord-config: reads a configuration; -h and -v run nothing here\n", to: 1)
                return 0
            case .run(let options):
                let configuration = try SupervisordReader.read(options, host: host)
                Output.write(dryRun ? SupervisordDryRun.render(configuration) : SupervisordModelText.render(configuration), to: 1)
                return 0
            }
        } catch {
            let line: LogText = "vigil supervisord-config: \(error.text)\n"
            Output.write(line.bytes, to: 2)
            return 2
        }
    }
}
