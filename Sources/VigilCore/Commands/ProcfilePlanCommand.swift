/// `vigil procfile-plan [--env FILE]... [--concurrency TYPE=N,...] [--port N] [TYPE[,TYPE]...] FILE`,
/// a developer's command left out of the help: prints the processes vigil would run for a
/// Procfile (`ProcfilePlan`), so that tests compare them with honcho's. One line a process,
/// `NAME PORT "PREFIX" "COMMAND"` (JSON strings), then its environment additions in order,
/// each `  env "NAME=value"`. Lines of an env file that set nothing are warned about on stderr.
/// Exit status: 0 printed; 2 a bad option, file or line (one line on stderr). Debug builds only:
/// the release leaves it out for size (`developerOnly`).
enum ProcfilePlanCommand {
    /// Larger files are refused rather than read whole.
    static let largestFile = 1 << 20

    static func run(_ arguments: [String]) -> Int32 {
        #if hasFeature(Embedded)
        return developerOnly("procfile-plan")
        #else
        var text: [UInt8] = []
        do {
            text = try plan(arguments)
        } catch {
            return fail("procfile-plan", UsageError(error.text), code: 2)
        }
        return Output.write(text, to: 1) ? 0 : 1
        #endif
    }

    private static func plan(_ arguments: [String]) throws(ProcfileError) -> [UInt8] {
        var environmentPaths: [String] = []
        var concurrency: String? = nil
        var options = ProcfilePlan.Options(inheritedPort: ProcessSetup.environment("PORT"))
        var operands: [String] = []
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            let option = ["-e", "--env", "-c", "--concurrency", "-p", "--port"].firstIndex { ASCII.equals(word, $0) }
            index += 1
            guard let option else {
                operands.append(word)
                continue
            }
            guard index < arguments.count else { throw ProcfileError("option '\(word)' needs a value") }
            let value = arguments[index]
            index += 1
            if option < 2 { environmentPaths.append(value) } else if option < 4 { concurrency = value } else { options.port = value }
        }
        guard let path = operands.popLast() else { throw ProcfileError("a Procfile is needed: vigil procfile-plan [TYPE...] FILE") }
        for operand in operands { options.types += ASCII.split(operand, separator: UInt8(ascii: ",")) }
        let procfile = try Procfile.parse(try read(path), path: path)
        var environment = ProcfileEnvironment()
        for environmentPath in environmentPaths {
            let file = try ProcfileEnvironment.parse(try read(environmentPath), path: environmentPath)
            for line in file.skippedLines {
                Output.write(LogText("vigil procfile-plan: warning: \(environmentPath):\(line): sets nothing (honcho skips the line too)\n").bytes, to: 2)
            }
            environment.merge(file)
        }
        if let concurrency { options.concurrency = try ProcfilePlan.concurrency(concurrency, in: procfile) }
        return format(try ProcfilePlan.processes(procfile, environment: environment, options: options,
                                                 environmentPath: environmentPaths.last ?? ".env"))
    }

    private static func read(_ path: String) throws(ProcfileError) -> [UInt8] {
        guard let bytes = Processes.readFile(path, limit: largestFile + 1) else { throw ProcfileError("\(path): cannot be read") }
        guard bytes.count <= largestFile else { throw ProcfileError("\(path): larger than 1 MiB") }
        return bytes
    }

    static func format(_ processes: [ProcfilePlan.PlannedProcess]) -> [UInt8] {
        var text: [UInt8] = []
        for process in processes { ProcfileDryRun.append(process, to: &text) }
        return text
    }
}

/// What a developer's command says in a release build, which leaves it out.
func developerOnly(_ command: String) -> Int32 {
    fail(command, UsageError("a developer's command, in debug builds only"), code: 2)
}
