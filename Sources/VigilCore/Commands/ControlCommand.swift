/// `vigil restart|stop|start NAME`, `vigil signal NAME SIG`.
enum ControlCommand {
    static func run(_ command: String, _ arguments: [String]) -> Int32 {
        let line = "vigil 1 " + command + (arguments.isEmpty ? "" : " ") + arguments.joined(separator: " ")
        if arguments.first.map({ ASCII.equals($0, "-h") || ASCII.equals($0, "--help") }) == true {
            return Output.write(
                "Usage: vigil restart NAME | vigil stop NAME | vigil start NAME | vigil signal NAME SIGNAL\n\n"
                + "Acts on a process the running vigil supervises. 'stop' keeps a sidecar down until 'start'\n"
                + "and does not count as a failure. Exit status: 0 done; 1 refused or vigil unreachable; 2 usage.\n",
                to: 1) ? 0 : 1
        }
        let request: ControlProtocol.Request
        do {
            request = try ControlProtocol.parse(Array(line.utf8), realtime: .current)
        } catch {
            return fail(command, UsageError("\(error.message) (see 'vigil \(command) --help')"), code: 2)
        }
        switch ControlClient.ask(request) {
        case .failure(let failure): return fail(command, failure.error, code: 1)
        case .success(let reply):
            if let error = reply.error { return fail(command, UsageError("\(error)"), code: 1) }
            return 0
        }
    }
}

