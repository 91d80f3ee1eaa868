// supervisorctl's reading actions, and shutdown: status, pid, avail, version.
extension SupervisorctlSession {
    /// STOPPED, EXITED, FATAL and UNKNOWN: `status` exits 3 when one of these is shown.
    static func isStopped(_ state: Int64?) -> Bool {
        state == 0 || state == 100 || state == 200 || state == 1000
    }

    static func flag(_ value: XMLRPCValue?) -> Bool {
        if case .boolean(true)? = value { return true }
        return false
    }

    mutating func showStatus(_ names: [String]) {
        guard upcheck() else {
            // supervisorctl's upcheck raises (exit 1) on a refused password or an unexpected
            // fault; only the failures it returns from make `status` exit 4.
            if status != 1 { status = 4 }
            return
        }
        guard case .value(.array(let all)) = ask("getAllProcessInfo") else { return }
        var matching: [XMLRPCValue] = []
        if names.isEmpty || names.contains(where: { ASCII.equals($0, "all") }) {
            matching = all
        } else {
            for name in names {
                let (group, process) = Self.split(name)
                let found = all.filter { info in
                    PythonText.same(Self.text(info.member("group")) ?? "", group)
                        && (process.map { PythonText.same(Self.text(info.member("name")) ?? "", $0) } ?? true)
                }
                if found.isEmpty { fail(4, process == nil ? group + ": ERROR (no such group)" : name + ": ERROR (no such process)") }
                matching += found
            }
        }
        let namespecs = matching.map(Self.namespec)
        let width = max(30, namespecs.map { $0.unicodeScalars.count }.max() ?? 0) + 3
        for (info, namespec) in zip(matching, namespecs) {
            say(Self.padded(namespec, width) + Self.padded(Self.text(info.member("statename")) ?? "", 10) + (Self.text(info.member("description")) ?? ""))
        }
        if matching.contains(where: { Self.isStopped(Self.number($0.member("state"))) }) { status = 3 }
    }

    mutating func pid(_ names: [String]) {
        guard upcheck() else { return }
        if names.isEmpty {
            if case .value(let pid) = ask("getPID") { say(Self.text(pid) ?? "") }
        } else if names.contains(where: { ASCII.equals($0, "all") }) {
            guard case .value(.array(let all)) = ask("getAllProcessInfo") else { return }
            for info in all { say(Self.text(info.member("pid")) ?? "") }
        } else {
            for name in names {
                switch ask("getProcessInfo", [.string(name)]) {
                case .value(let info):
                    let pid = Self.number(info.member("pid")) ?? 0
                    say(decimal(pid))
                    if pid == 0 { status = 7 }
                case .fault(let code, _) where code == 10: fail(1, "No such process " + name)
                case .fault(let code, _): unexpected(code)
                case .failed: return
                }
            }
        }
    }

    mutating func avail(_ arguments: [String]) {
        guard arguments.isEmpty else { return refuse("avail", ["avail\t\t\tDisplay all configured processes"]) }
        switch ask("getAllConfigInfo") {
        case .value(.array(let all)):
            for info in all {
                let inUse = Self.flag(info.member("inuse")) ? "in use" : "avail"
                let auto = Self.flag(info.member("autostart")) ? "auto" : "manual"
                let priority = (Self.text(info.member("group_prio")) ?? "") + ":" + (Self.text(info.member("process_prio")) ?? "")
                say(Self.padded(Self.namespec(info), 32) + " " + Self.padded(inUse, 9) + " " + Self.padded(auto, 9) + " " + priority)
            }
        case .fault(let code, _) where code == 6: fail(1, "ERROR: supervisor shutting down")
        case .fault(let code, _): unexpected(code)
        default: return
        }
    }

    mutating func version(_ arguments: [String]) {
        guard arguments.isEmpty else { return refuse("version", ["version\t\t\tShow the version of the remote supervisord process"]) }
        guard upcheck() else { return }
        if case .value(let version) = ask("getSupervisorVersion") { say(Self.text(version) ?? "") }
    }

    mutating func shutdown(_ arguments: [String]) {
        guard arguments.isEmpty else { return refuse("shutdown", ["shutdown \tShut the remote supervisord down."]) }
        switch call("supervisor.shutdown", []) {
        case .success(.value): say("Shut down")
        case .success(.fault(let code, _)) where code == 6: fail(1, "ERROR: already shutting down")
        case .success(.fault(let code, _)): unexpected(code)
        case .failure(.refused): fail(1, "ERROR: " + serverURL + " refused connection (already shut down?)")
        case .failure(.noSocketFile): fail(1, "ERROR: " + serverURL + " no such file (already shut down?)")
        case .failure(.unauthorized): fail(1, "Server requires authentication")
        case .failure(.other(let text)): fail(1, "error: " + text)
        }
    }

    /// "Error: ACTION accepts no arguments" and the action's help.
    mutating func refuse(_ action: String, _ help: [String]) {
        fail(1, "Error: " + action + " accepts no arguments")
        for line in help { say(line) }
    }
}
