import CLinux

/// The `supervisor.*` methods: names (`group:name`, `group:*`, `name`) resolved as
/// supervisord's `split_namespec`, starts and stops of one process, a group or all, signals,
/// the process information, and the shutdown.
extension Supervisor {
    /// What a name given to a method designates.
    enum Designated {
        case nothing
        case group(String)
        case process(Int)
    }

    func designated(_ name: String) -> Designated {
        let bytes = Array(name.utf8)
        var groupName = name
        var processName: String? = name
        if let colon = bytes.firstIndex(of: UInt8(ascii: ":")) {
            groupName = PythonText.string(bytes[..<colon])
            let rest = bytes[(colon + 1)...]
            processName = rest.isEmpty || ASCII.equals(rest, "*") ? nil : PythonText.string(rest)
        }
        guard processes.contains(where: { inGroup($0, groupName) }) else { return .nothing }
        guard let processName else { return .group(groupName) }
        guard let index = processes.firstIndex(where: { inGroup($0, groupName) && PythonText.same($0.spec.name, processName) }) else {
            return .nothing
        }
        return .process(index)
    }

    private func inGroup(_ process: Supervised, _ group: String) -> Bool {
        process.spec.supervisord.map { PythonText.same($0.group, group) } ?? false
    }

    func members(of group: String) -> [Int] {
        processes.indices.filter { inGroup(processes[$0], group) }
    }

    var supervisordProcesses: [Int] { processes.indices.filter { processes[$0].spec.isSupervisord } }

    mutating func supervisorCall(
        _ method: SupervisordMethod, _ params: [XMLRPCValue], at now: Instant, _ actions: inout [SupervisorAction]
    ) -> RPCOutcome {
        let name: String? = params.first.flatMap { if case .string(let text) = $0 { return text } else { return nil } }
        let wait = params.count < 2 || truthy(params[params.count - 1])
        switch method {
        case .getAPIVersion, .getVersion: return .value(.string("3.0"))
        case .getSupervisorVersion: return .value(.string(SupervisordPersonality.version))
        case .getIdentification: return .value(.string(policy.identifier))
        case .getState:
            return .value(.structure([XMLRPCMember(name: "statecode", value: .int(1)), XMLRPCMember(name: "statename", value: .string("RUNNING"))]))
        case .getPID: return .value(.int(Int64(policy.ownPID)))
        case .shutdown:
            actions += requestShutdown(at: now)
            return .value(.boolean(true))
        case .startProcess, .startProcessGroup, .startAllProcesses, .stopProcess, .stopProcessGroup, .stopAllProcesses:
            return startOrStop(method, name, wait: method == .startAllProcesses || method == .stopAllProcesses ? (params.isEmpty || truthy(params[0])) : wait,
                               at: now, &actions)
        case .signalProcess, .signalProcessGroup, .signalAllProcesses:
            return signal(method, params, &actions)
        case .getProcessInfo:
            guard let name, case .process(let index) = designated(name) else { return .fault(.badName, name ?? "") }
            return .value(processInfo(index, at: now))
        case .getAllProcessInfo: return .value(.array(lexicalOrder().map { processInfo($0, at: now) }))
        case .getAllConfigInfo: return .value(.array(configInfo()))
        case .sendRemoteCommEvent:
            let texts = params.map { value -> String in if case .string(let text) = value { return text } else { return "" } }
            if listeners.wants(.remoteCommunication) { listeners.publish(ListenerEvent.remoteCommunication(type: texts[0], data: texts[1])) }
            return .value(.boolean(true))
        case .addProcessGroup:
            guard let name, case .group = designated(name + ":*") else { return .fault(.badName, name ?? "") }
            return .fault(.alreadyAdded, name)
        case .reloadConfig: return .fault(.cantReread, "vigil reads its configuration once, at the start")
        case .restart, .removeProcessGroup, .clearProcessLog, .clearProcessLogs, .clearAllProcessLogs, .sendProcessStdin:
            return .fault(.failed, "not supported by vigil")
        case .readLog, .readMainLog, .clearLog, .readProcessLog, .readProcessStdoutLog, .readProcessStderrLog,
             .tailProcessLog, .tailProcessStdoutLog, .tailProcessStderrLog:
            return .fault(.noFile, nil)
        }
    }

    /// Python's truth of a `wait` argument.
    private func truthy(_ value: XMLRPCValue) -> Bool {
        switch value {
        case .boolean(let flag): return flag
        case .int(let number): return number != 0
        case .string(let text): return !text.isEmpty
        case .none: return false
        default: return true
        }
    }

    /// `supervisor.shutdown`: everything stops, as on SIGTERM, and vigil exits 0.
    private mutating func requestShutdown(at now: Instant) -> [SupervisorAction] {
        guard case .pausing = phase else { return [] }
        end(.shutdownRequested, at: now)
        return beginShutdown(exitCode: exitOverride ?? 0, stopRequested: true, hurry: false, at: now)
    }

    private mutating func startOrStop(
        _ method: SupervisordMethod, _ name: String?, wait: Bool, at now: Instant, _ actions: inout [SupervisorAction]
    ) -> RPCOutcome {
        let starting = method == .startProcess || method == .startProcessGroup || method == .startAllProcesses
        var targets: [Int]
        if method == .startAllProcesses || method == .stopAllProcesses {
            targets = supervisordProcesses
        } else if method == .startProcessGroup || method == .stopProcessGroup {
            guard let name, case .group(let group) = designated(name + ":*") else { return .fault(.badName, name ?? "") }
            targets = members(of: group)
        } else {
            guard let name else { return .fault(.badName, "") }
            switch designated(name) {
            case .nothing: return .fault(.badName, name)
            case .group(let group): targets = members(of: group)
            case .process(let index):
                let outcome = starting ? startOne(index, name, wait: wait, at: now, &actions) : stopOne(index, name, wait: wait, at: now, &actions)
                switch outcome {
                case .success(let item): return item.map { .waiting([$0], single: true, results: []) } ?? .value(.boolean(true))
                case .failure(let verdict): return .fault(verdict.fault, verdict.detail)
                }
            }
        }
        var items: [WaitingCall.Item] = []
        var results: [XMLRPCValue] = []
        for index in targets where processes[index].record.isRunningState != starting {
            let spec = processes[index].spec
            let namespec = spec.supervisord?.namespec ?? spec.name
            let outcome = starting ? startOne(index, namespec, wait: wait, at: now, &actions) : stopOne(index, namespec, wait: wait, at: now, &actions)
            switch outcome {
            case .success(let item?): items.append(item)
            case .success(nil): results.append(resultStruct(index, nil))
            case .failure(let verdict): results.append(resultStruct(index, verdict))
            }
        }
        return .waiting(items, single: false, results: results)
    }

    /// Starts one process: what to wait for, or the fault.
    private mutating func startOne(
        _ index: Int, _ name: String, wait: Bool, at now: Instant, _ actions: inout [SupervisorAction]
    ) -> Result<WaitingCall.Item?, WaitingCall.CallVerdict> {
        if let problem = processes[index].spec.supervisord?.commandProblem { return .failure(WaitingCall.CallVerdict(fault: .notExecutable, detail: problem)) }
        let record = processes[index].record
        if record.isRunningState { return .failure(WaitingCall.CallVerdict(fault: .alreadyStarted, detail: name)) }
        if record.state == .unknown { return .failure(WaitingCall.CallVerdict(fault: .failed, detail: name + " is in an unknown process state")) }
        if processes[index].isStopping { return .failure(WaitingCall.CallVerdict(fault: .abnormalTermination, detail: name)) }
        actions += processes[index].start(at: now)
        return .success(WaitingCall.Item(process: index, goal: .started(wait: wait), name: name))
    }

    /// Stops one process: what to wait for (nil: stopped already), or the fault.
    private mutating func stopOne(
        _ index: Int, _ name: String, wait: Bool, at now: Instant, _ actions: inout [SupervisorAction]
    ) -> Result<WaitingCall.Item?, WaitingCall.CallVerdict> {
        guard processes[index].record.isRunningState else { return .failure(WaitingCall.CallVerdict(fault: .notRunning, detail: name)) }
        if case .backingOff = processes[index].state {
            processes[index].stopBackingOff()
            return .success(nil)
        }
        actions += stop(index, then: .holdDown, deadline: stopDeadline(now, index, afterKill: false))
        return .success(wait ? WaitingCall.Item(process: index, goal: .stopped, name: name) : nil)
    }

    private mutating func signal(_ method: SupervisordMethod, _ params: [XMLRPCValue], _ actions: inout [SupervisorAction]) -> RPCOutcome {
        let given = params[params.count - 1]
        var text = ""
        switch given {
        case .string(let value): text = value
        case .int(let number): text = decimal(number)
        default: break
        }
        let number = try? SupervisordValues.signalNumber(text, realtime: .current)
        var targets = supervisordProcesses
        if method == .signalProcessGroup {
            guard case .string(let name) = params[0], case .group(let group) = designated(name + ":*") else {
                if case .string(let name) = params[0] { return .fault(.badName, name) }
                return .fault(.badName, "")
            }
            targets = members(of: group)
        } else if method == .signalProcess {
            guard case .string(let name) = params[0] else { return .fault(.badName, "") }
            switch designated(name) {
            case .nothing: return .fault(.badName, name)
            case .group(let group): targets = members(of: group)
            case .process(let index):
                guard let number else { return .fault(.badSignal, text) }
                guard processes[index].record.isSignallable, let pid = processes[index].pid else { return .fault(.notRunning, name) }
                actions.append(.send(signal: number, to: .process(pid)))
                return .value(.boolean(true))
            }
        }
        var results: [XMLRPCValue] = []
        for index in targets where processes[index].record.isSignallable {
            guard let number, let pid = processes[index].pid else {
                results.append(resultStruct(index, WaitingCall.CallVerdict(fault: .badSignal, detail: text)))
                continue
            }
            actions.append(.send(signal: number, to: .process(pid)))
            results.append(resultStruct(index, nil))
        }
        return .value(.array(results))
    }
}
