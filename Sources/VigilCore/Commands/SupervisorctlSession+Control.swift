// supervisorctl's controlling actions: start, stop, restart and signal, for names, `group:*`
// and `all`, with the result lines of `_startresult` and `_signalresult`.
extension SupervisorctlSession {
    /// What a fault code means for the exit status (`set_exitstatus_from_xmlrpc_fault`).
    mutating func note(_ code: Int64, ignoring ignored: Int64? = nil) {
        if code == ignored || code == 80 { return }
        status = code == 50 || code == 40 || code == 70 ? 7 : 1
    }

    static func startResult(_ name: String, _ code: Int64) -> String? {
        switch code {
        case 10: return name + ": ERROR (no such process)"
        case 20: return name + ": ERROR (no such file)"
        case 21: return name + ": ERROR (file is not executable)"
        case 60: return name + ": ERROR (already started)"
        case 50: return name + ": ERROR (spawn error)"
        case 40: return name + ": ERROR (abnormal termination)"
        case 80: return name + ": started"
        default: return nil
        }
    }

    static func signalResult(_ name: String, _ code: Int64, _ description: String, success: String) -> String? {
        switch code {
        case 10: return name + ": ERROR (no such process)"
        case 11: return name + ": ERROR (bad signal name)"
        case 70: return name + ": ERROR (not running)"
        case 80: return name + ": " + success
        case 30: return description
        default: return nil
        }
    }

    /// One result line, or Python's error for a code the table does not know.
    mutating func report(_ line: String?, _ code: Int64, ignoring ignored: Int64?) {
        guard let line else { return fail(1, "error: <class 'ValueError'>, Unknown result code " + decimal(code)) }
        say(line)
        note(code, ignoring: ignored)
    }

    /// The results of an `...All...` or `...Group` call.
    mutating func results(_ answer: Answer, _ verb: String, group: String, ignoring ignored: Int64?, noGroupStatus: Int32) {
        switch answer {
        case .value(.array(let results)):
            for result in results {
                let name = Self.namespec(result)
                let code = Self.number(result.member("status")) ?? 0
                let line = ASCII.equals(verb, "started") ? Self.startResult(name, code)
                    : Self.signalResult(name, code, Self.text(result.member("description")) ?? "", success: verb)
                report(line, code, ignoring: ignored)
            }
        case .fault(let code, _) where code == 10: fail(noGroupStatus, group + ": ERROR (no such group)")
        case .fault(let code, _): unexpected(code)
        default: return
        }
    }

    mutating func start(_ names: [String]) {
        guard upcheck() else { return }
        guard !names.isEmpty else {
            fail(2, "Error: start requires a process name")
            return help("start", "Start")
        }
        if names.contains(where: { ASCII.equals($0, "all") }) {
            return results(ask("startAllProcesses"), "started", group: "", ignoring: 60, noGroupStatus: 1)
        }
        for name in names {
            let (group, process) = Self.split(name)
            guard let process else {
                results(ask("startProcessGroup", [.string(group)]), "started", group: group, ignoring: 60, noGroupStatus: 2)
                continue
            }
            let spec = PythonText.same(group, process) ? process : group + ":" + process
            switch ask("startProcess", [.string(name)]) {
            case .value: say(spec + ": started")
            case .fault(let code, _): report(Self.startResult(spec, code), code, ignoring: 60)
            case .failed: return
            }
        }
    }

    mutating func stop(_ names: [String]) {
        signalOrStop(names, signal: nil)
    }

    mutating func signal(_ arguments: [String]) {
        guard upcheck() else { return }
        guard arguments.count >= 2 else {
            say("Error: signal requires a signal name and a process name")
            for line in ["signal <signal name> <name>\t\tSignal a process", "signal <signal name> <gname>:*\t\tSignal all processes in a group",
                         "signal <signal name> <name> <name>\tSignal multiple processes or groups", "signal <signal name> all\t\tSignal all processes"] {
                say(line)
            }
            status = 1
            return
        }
        signalOrStop(Array(arguments.dropFirst()), signal: arguments[0])
    }

    mutating func restart(_ names: [String]) {
        guard upcheck() else { return }
        guard !names.isEmpty else {
            fail(1, "Error: restart requires a process name")
            help("restart", "Restart")
            return say("Note: restart does not reread config files. For that, see reread and update.")
        }
        stop(names)
        start(names)
    }
}

// stop and signal share their shape: only the calls, the word of success and the fault that
// does not count differ.
extension SupervisorctlSession {
    mutating func signalOrStop(_ names: [String], signal: String?) {
        if signal == nil {
            guard upcheck() else { return }
            guard !names.isEmpty else {
                fail(1, "Error: stop requires a process name")
                return help("stop", "Stop")
            }
        }
        let verb = signal == nil ? "stopped" : "signalled"
        let ignored: Int64? = signal == nil ? 70 : nil
        let extra: [XMLRPCValue] = signal.map { [.string($0)] } ?? []
        if names.contains(where: { ASCII.equals($0, "all") }) {
            return results(ask(signal == nil ? "stopAllProcesses" : "signalAllProcesses", extra), verb, group: "", ignoring: ignored, noGroupStatus: 1)
        }
        for name in names {
            let (group, process) = Self.split(name)
            guard let process else {
                results(ask(signal == nil ? "stopProcessGroup" : "signalProcessGroup", [.string(group)] + extra), verb,
                        group: group, ignoring: ignored, noGroupStatus: 1)
                continue
            }
            let spec = PythonText.same(group, process) ? process : group + ":" + process
            switch ask(signal == nil ? "stopProcess" : "signalProcess", [.string(name)] + extra) {
            case .value: say(spec + ": " + verb)
            case .fault(let code, let text): report(Self.signalResult(spec, code, text, success: verb), code, ignoring: ignored)
            case .failed: return
            }
        }
    }

    /// The help of start, stop and restart, as supervisorctl prints it after a usage error.
    mutating func help(_ action: String, _ verb: String) {
        let groupTabs = ASCII.equals(action, "restart") ? "\t" : "\t\t"
        say(action + " <name>\t\t" + verb + " a process")
        say(action + " <gname>:*" + groupTabs + verb + " all processes in a group")
        say(action + " <name> <name>\t" + verb + " multiple processes or groups")
        say(action + " all\t\t" + verb + " all processes")
    }
}
