/// `vigil procfile-plan [--env FILE]... [--concurrency TYPE=N,...] [--port N] [TYPE[,TYPE]...] FILE`,
/// a developer's command left out of the help: prints the processes vigil would run for a
/// Procfile (`ProcfilePlan`), so that tests compare them with honcho's. One line a process,
/// `NAME PORT "PREFIX" "COMMAND"` (JSON strings), then its environment additions in order,
/// each `  env "NAME=value"`. Lines of an env file that set nothing are warned about on stderr.
/// Exit status: 0 printed; 2 a bad option, file or line (one line on stderr).
enum ProcfilePlanCommand {
    enum Option { case environment, concurrency, port }

    static let options: [OptionScanner<Option>.Option] = [
        .init(.environment, short: "e", long: "env", value: "FILE"),
        .init(.concurrency, short: "c", long: "concurrency", value: "TYPE=N,..."),
        .init(.port, short: "p", long: "port", value: "N"),
    ]

    /// Larger files are refused rather than read whole.
    static let largestFile = 1 << 20

    static func run(_ arguments: [String]) -> Int32 {
        var text: [UInt8] = []
        do {
            text = try plan(arguments)
        } catch {
            return fail("procfile-plan", error, code: 2)
        }
        return Output.write(text, to: 1) ? 0 : 1
    }

    private static func plan(_ arguments: [String]) throws(UsageError) -> [UInt8] {
        let all = ["procfile-plan"] + arguments
        var scanner = OptionScanner(all, options: options, operands: .permute)
        var environmentPaths: [String] = []
        var concurrency: String? = nil
        var planOptions = ProcfilePlan.Options(inheritedPort: ProcessSetup.environment("PORT"))
        while let option = try scanner.next(wordedBy: VigilCommandLine.words) {
            switch option.id {
            case .environment: environmentPaths.append(option.value ?? "")
            case .concurrency: concurrency = option.value
            case .port: planOptions.port = option.value
            }
        }
        let operands = scanner.operandIndices.map { all[$0] }
        guard let path = operands.last else { throw UsageError("a Procfile is needed: vigil procfile-plan [TYPE...] FILE") }
        for operand in operands.dropLast() { planOptions.types += ASCII.split(operand, separator: UInt8(ascii: ",")) }
        do {
            let procfile = try Procfile.parse(try read(path), path: path)
            var environment = ProcfileEnvironment()
            for environmentPath in environmentPaths {
                let file = try ProcfileEnvironment.parse(try read(environmentPath), path: environmentPath)
                for line in file.skippedLines {
                    Output.write(LogText("vigil procfile-plan: warning: \(environmentPath):\(line): sets nothing (honcho skips the line too)\n").bytes, to: 2)
                }
                environment.merge(file)
            }
            if let concurrency { planOptions.concurrency = try ProcfilePlan.concurrency(concurrency, in: procfile) }
            let processes = try ProcfilePlan.processes(procfile, environment: environment, options: planOptions,
                                                       environmentPath: environmentPaths.last ?? ".env")
            return format(processes)
        } catch {
            throw UsageError(error.text)
        }
    }

    private static func read(_ path: String) throws(ProcfileError) -> [UInt8] {
        guard let bytes = Processes.readFile(path, limit: largestFile + 1) else { throw ProcfileError("\(path): cannot be read") }
        guard bytes.count <= largestFile else { throw ProcfileError("\(path): larger than 1 MiB") }
        return bytes
    }

    static func format(_ processes: [ProcfilePlan.Process]) -> [UInt8] {
        var text: [UInt8] = []
        for process in processes {
            text += process.name.utf8
            text += (" " + decimal(process.port) + " ").utf8
            JSONText.appendString(Array(process.prefix.utf8), to: &text)
            text.append(0x20)
            JSONText.appendString(Array(process.argv[2].utf8), to: &text)
            text.append(0x0A)
            for variable in process.environment {
                text += "  env ".utf8
                JSONText.appendString(Array(variable.utf8), to: &text)
                text.append(0x0A)
            }
        }
        return text
    }
}
