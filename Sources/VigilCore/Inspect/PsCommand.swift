import CLinux

/// `vigil ps [--tree] [--json] [--target HOSTPID]`.
public struct PsOptions: Equatable, Sendable {
    public var tree = false
    public var json = false
    /// Show the PID namespace of this process (a PID of the /proc read) instead of our own.
    public var target: Int32?
    public var help = false

    public init(tree: Bool = false, json: Bool = false, target: Int32? = nil, help: Bool = false) {
        self.tree = tree
        self.json = json
        self.target = target
        self.help = help
    }

    /// The arguments after `ps`. Throws a one-line message for anything it does not know.
    public static func parse(_ arguments: [String]) throws(UsageError) -> PsOptions {
        var options = PsOptions()
        var index = 0
        while index < arguments.count {
            let argument = Array(arguments[index].utf8)
            index += 1
            if ASCII.equals(argument, "-t") || ASCII.equals(argument, "--tree") {
                options.tree = true
            } else if ASCII.equals(argument, "--json") {
                options.json = true
            } else if ASCII.equals(argument, "-h") || ASCII.equals(argument, "--help") {
                options.help = true
            } else if argument.count >= 8, ASCII.equals(argument[0..<8], "--target"),
                      argument.count == 8 || argument[8] == UInt8(ascii: "=")
            {
                let value: [UInt8]
                if argument.count > 8 {
                    value = Array(argument[9...])
                } else {
                    guard index < arguments.count else { throw UsageError("--target needs a PID") }
                    value = Array(arguments[index].utf8)
                    index += 1
                }
                guard let pid = ASCII.parseInteger(value), pid > 0, pid <= Int64(Int32.max) else {
                    throw quoted("--target needs a PID, not", value)
                }
                options.target = Int32(pid)
            } else if argument.first == UInt8(ascii: "-") {
                throw quoted("unknown option", argument)
            } else {
                throw quoted("unexpected argument", argument)
            }
        }
        if options.tree && options.json && !options.help {
            throw UsageError("--tree and --json cannot be combined (the JSON has each process's ppid)")
        }
        return options
    }

    /// "problem 'argument'", the argument escaped for an error line.
    @inline(never)
    static func quoted(_ problem: String, _ argument: [UInt8]) -> UsageError {
        var out = Array(problem.utf8)
        out.append(contentsOf: [0x20, 0x27])
        TerminalText.append(argument, to: &out)
        out.append(0x27)
        return UsageError(String(decoding: out, as: UTF8.self))
    }

    public static let help = """
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

/// Subcommands of vigil. Recognised only as the first argument and only under vigil's own
/// name (the caller checks the name): `vigil -- ps` still runs a program called `ps`.
public enum Subcommands {
    /// Runs the subcommand that `arguments[1]` names and returns its exit code; nil when
    /// `arguments[1]` names none.
    public static func run(_ arguments: [String]) -> Int32? {
        guard arguments.count >= 2, ASCII.equals(arguments[1], "ps") else { return nil }
        return PsCommand.run(Array(arguments[2...]))
    }
}

enum PsCommand {
    static func run(_ arguments: [String]) -> Int32 {
        let options: PsOptions
        do {
            options = try PsOptions.parse(arguments)
        } catch {
            Output.write("vigil ps: \(error.message) (see 'vigil ps --help')\n", to: 2)
            return ExitCodes.usage
        }
        if options.help {
            Output.write(PsOptions.help, to: 1)
            return 0
        }
        let snapshot: ProcessSnapshot
        do {
            snapshot = try SnapshotReader.read(SnapshotRequest(target: options.target))
        } catch {
            Output.write("vigil ps: \(error.message)\n", to: 2)
            return 1
        }
        let bytes = options.json ? PsFormatter.json(snapshot) : PsFormatter.text(snapshot, tree: options.tree)
        return Output.write(bytes: bytes, to: 1) ? 0 : 1
    }
}

extension Output {
    /// Writes all of `bytes`; false when the descriptor refuses them (a closed pipe).
    @discardableResult
    static func write(bytes: [UInt8], to fd: Int32) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = retryingInterrupts {
                    Int32(truncatingIfNeeded: CLinux.write(fd, buffer.baseAddress! + offset, buffer.count - offset))
                }
                if written <= 0 { return false }
                offset += Int(written)
            }
            return true
        }
    }
}
