/// `vigil --procfile --dry-run`: the processes a Procfile would run, and nothing runs. One line
/// a process, `NAME PORT "PREFIX" "COMMAND"` (JSON strings, as `vigil procfile-plan` prints
/// them, so that they compare with honcho's), then its environment additions in order, each
/// `  env "NAME=value"`, then `  restart POLICY` where a flag kept it running:
///
///     vigil --procfile --dry-run: nothing runs
///     procfile: Procfile; environment: .env (when it exists)
///     web.1 5000 "web.1  | " "bundle exec puma -p $PORT"
///       env "HONCHO_PROCESS_NAME=web.1"
///       env "PORT=5000"
///     the first process to end stops the rest; vigil exits with its status
enum ProcfileDryRun {
    static func render(path: String, environmentFiles: [String], planned: [ProcfilePlan.PlannedProcess],
                       configuration: Configuration) -> String {
        var text: [UInt8] = Array("vigil --procfile --dry-run: nothing runs\nprocfile: ".utf8)
        text += path.utf8
        text += "; environment: ".utf8
        text += (environmentFiles.isEmpty ? ProcfileRun.defaultEnvironment + " (when it exists)"
            : environmentFiles.joined(separator: ", ")).utf8
        text.append(0x0A)
        for process in planned {
            append(process, to: &text)
            guard let spec = configuration.processes.first(where: { ASCII.equals($0.name, process.name) }) else { continue }
            switch spec.restart {
            case .never: break
            case .onFailure: text += "  restart on-failure\n".utf8
            case .always: text += "  restart always\n".utf8
            }
        }
        text += (planned.isEmpty ? "no process runs\n" : "the first process to end stops the rest; vigil exits with its status\n").utf8
        return String(decoding: text, as: UTF8.self)
    }

    /// A planned process's line and its environment lines, as `vigil procfile-plan` prints them.
    static func append(_ process: ProcfilePlan.PlannedProcess, to text: inout [UInt8]) {
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
}
