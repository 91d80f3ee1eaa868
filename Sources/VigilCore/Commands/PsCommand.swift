import CLinux

/// `vigil ps [--tree] [--json] [--target HOSTPID]`.
struct PsOptions: Equatable, Sendable {
    var tree = false
    var json = false
    /// Show the PID namespace of this process (a PID of the /proc read) instead of our own.
    var target: Int32?
    var help = false

    init(tree: Bool = false, json: Bool = false, target: Int32? = nil, help: Bool = false) {
        self.tree = tree
        self.json = json
        self.target = target
        self.help = help
    }

    enum Option { case tree, json, target, help }

    static let options: [OptionScanner<Option>.Option] = [
        .init(.tree, short: "t", long: "tree"), .init(.json, long: "json"),
        .init(.target, long: "target", value: "HOSTPID"), .init(.help, short: "h", long: "help"),
    ]

    /// The arguments after `ps`. Throws a one-line message for anything it does not know.
    static func parse(_ arguments: [String]) throws(UsageError) -> PsOptions {
        var options = PsOptions()
        let known = PsOptions.options.compactMap { $0.long }
        var scanner = OptionScanner(["ps"] + arguments, options: PsOptions.options, operands: .stopAtFirst)
        while let option = try scanner.next(wordedBy: { VigilCommandLine.words($0, known: known) }) {
            switch option.id {
            case .tree: options.tree = true
            case .json: options.json = true
            case .help: options.help = true
            case .target:
                let value = option.value ?? ""
                guard let pid = ASCII.parseInteger(value), pid > 0, pid <= Int64(Int32.max) else {
                    throw UsageError("--target needs a PID, not '\(value)'")
                }
                options.target = Int32(pid)
            }
        }
        if let operand = scanner.operandIndices.first {
            throw UsageError("unexpected argument '\((["ps"] + arguments)[operand])'")
        }
        if options.tree && options.json && !options.help {
            throw UsageError("--tree and --json cannot be combined (the JSON has each process's ppid)")
        }
        return options
    }

    static let help = """
        Usage: vigil ps [--tree] [--json] [--target HOSTPID]

        Lists the processes of the PID namespace, read from /proc. A summary line gives
        the process and zombie counts, PID use against the pids cgroup's limit
        (pids.current of pids.max) and the namespace's pid_max.

        Columns: PID, PPID, S (state: R running, S sleeping, D disk wait, T stopped,
        Z zombie), USER (effective), RSS (KiB), TIME (CPU), ELAPSED (since start),
        COMMAND (the command line, or [name] when it is empty; a zombie shows
        [name] <defunct>). Control characters in names and command lines are shown
        escaped (\\n, \\x1b).

        Options:
          -t, --tree          show each process under its parent; one that was most
                              likely re-parented (its process group is neither its own
                              nor its parent's) is marked <re-parented, group N>
              --json          the same data as one JSON object, for tools
              --target HOSTPID
                              from the node: the PID namespace that HOSTPID is in,
                              with the PIDs that namespace sees (a HOSTPID column
                              gives the node's); the container's image needs nothing
          -h, --help          print this help

        Exit status: 0 listed; 1 /proc or the target could not be read; 2 usage error.
        'vigil -- ps' runs a program called ps instead.

        """
}

enum PsCommand {
    static func run(_ arguments: [String]) -> Int32 {
        let options: PsOptions
        do {
            options = try PsOptions.parse(arguments)
        } catch {
            let line: LogText = "vigil ps: \(error.text) (see 'vigil ps --help')\n"
            Output.write(line.bytes, to: 2)
            return ExitCodes.vigil.usage
        }
        if options.help {
            Output.write(PsOptions.help, to: 1)
            return 0
        }
        let snapshot: ProcessSnapshot
        do {
            snapshot = try SnapshotReader.read(SnapshotRequest(target: options.target))
        } catch {
            let line: LogText = "vigil ps: \(error.message)\n"
            Output.write(line.bytes, to: 2)
            return 1
        }
        let bytes = options.json ? PsFormatter.json(snapshot) : PsFormatter.text(snapshot, tree: options.tree)
        return Output.write(bytes, to: 1) ? 0 : 1
    }
}
