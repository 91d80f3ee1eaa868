import CLinux

/// supervisor's XML-RPC interface (`rpcinterface.py`), answered from the supervisor's own
/// state: the method a call names, its faults, and the calls that wait for processes to start
/// or stop (supervisord's deferred replies), answered after whichever event completes them.
/// While vigil is stopping, every `supervisor.*` call gets SHUTDOWN_STATE, as supervisord's.
extension Supervisor {
    /// What a method call comes to.
    enum RPCOutcome {
        case value(XMLRPCValue)
        case fault(XMLRPCFault, String?)
        /// An answer once these processes have started or stopped (`single`: one process,
        /// answered `true` or a fault; otherwise a list of result structs, after `results`).
        case waiting([WaitingCall.Item], single: Bool, results: [XMLRPCValue])
    }

    mutating func rpcCall(_ call: XMLRPCCall, client: Int, at now: Instant) -> [SupervisorAction] {
        var actions: [SupervisorAction] = []
        let outcome = rpcOutcome(call, at: now, &actions)
        switch outcome {
        case .value(let value):
            return [reply(client, .value(value))] + actions
        case .fault(let fault, let detail):
            return [reply(client, .fault(fault, detail))] + actions
        case .waiting(let items, let single, let results):
            if items.isEmpty { return [reply(client, .value(.array(results)))] + actions }
            var call = WaitingCall(client: client, single: single, items: items)
            call.results = results
            waitingCalls.append(call)
            return actions
        }
    }

    func reply(_ client: Int, _ outcome: RPCOutcome) -> SupervisorAction {
        switch outcome {
        case .value(let value):
            guard let body = XMLRPCResponse.result(value) else { return .supervisord(.reply(client: client, .status(500))) }
            return .supervisord(.reply(client: client, .body(body)))
        case .fault(let fault, let detail):
            return .supervisord(.reply(client: client, .body(XMLRPCResponse.fault(fault, detail))))
        case .waiting:
            return .supervisord(.reply(client: client, .status(500)))
        }
    }

    private mutating func rpcOutcome(_ call: XMLRPCCall, at now: Instant, _ actions: inout [SupervisorAction]) -> RPCOutcome {
        guard let (namespace, method) = call.route else { return .fault(.unknownMethod, nil) }
        if ASCII.equals(namespace, "system") { return systemCall(method, call.params, at: now, &actions) }
        guard ASCII.equals(namespace, "supervisor") else { return .fault(.unknownMethod, nil) }
        guard let known = SupervisordMethod(name: method) else { return .fault(.unknownMethod, nil) }
        guard known.takes(call.params.count) else { return .fault(.incorrectParameters, nil) }
        if ending { return .fault(.shutdownState, nil) }
        return supervisorCall(known, call.params, at: now, &actions)
    }

    private mutating func systemCall(_ method: String, _ params: [XMLRPCValue], at now: Instant, _ actions: inout [SupervisorAction]) -> RPCOutcome {
        if ASCII.equals(method, "listMethods") {
            let names = SupervisordMethod.allCases.map { "supervisor." + $0.name } + ["system.listMethods", "system.multicall"]
            return .value(.array(StableOrder.strings(names).map { .string($0) }))
        }
        if ASCII.equals(method, "methodHelp") || ASCII.equals(method, "methodSignature") { return .fault(.signatureUnsupported, nil) }
        guard ASCII.equals(method, "multicall") else { return .fault(.unknownMethod, nil) }
        guard params.count == 1, case .array(let calls) = params[0] else { return .fault(.incorrectParameters, nil) }
        var results: [XMLRPCValue] = []
        for entry in calls {
            guard case .string(let name)? = entry.member("methodName") else {
                results.append(XMLRPCFault.incorrectParameters.structure("No methodName"))
                continue
            }
            if ASCII.equals(name, "system.multicall") {
                results.append(XMLRPCFault.incorrectParameters.structure("Recursive system.multicall forbidden"))
                continue
            }
            var inner: [XMLRPCValue] = []
            if case .array(let given)? = entry.member("params") { inner = given }
            // Inside a multicall, starts and stops do not wait: each answer is immediate.
            switch rpcOutcome(XMLRPCCall(method: name, params: inner), at: now, &actions) {
            case .value(let value): results.append(.array([value]))
            case .fault(let fault, let detail): results.append(fault.structure(detail))
            case .waiting(let items, let single, let done):
                results.append(single ? .array([.boolean(true)]) : .array([.array(done + items.map { resultStruct($0.process, nil) })]))
            }
        }
        return .value(.array(results))
    }

    /// Answers the waiting calls that can be answered now.
    mutating func answerWaitingCalls(at now: Instant) -> [SupervisorAction] {
        var actions: [SupervisorAction] = []
        var index = 0
        while index < waitingCalls.count {
            var call = waitingCalls[index]
            var remaining: [WaitingCall.Item] = []
            for item in call.items {
                guard let verdict = verdict(item) else {
                    remaining.append(item)
                    continue
                }
                if call.single {
                    call.result = verdict.fault == .success ? nil : verdict
                } else {
                    call.results.append(resultStruct(item.process, verdict))
                }
            }
            call.items = remaining
            if remaining.isEmpty {
                waitingCalls.remove(at: index)
                if call.single {
                    actions.append(reply(call.client, call.result.map { .fault($0.fault, $0.detail) } ?? .value(.boolean(true))))
                } else {
                    actions.append(reply(call.client, .value(.array(call.results))))
                }
            } else {
                waitingCalls[index] = call
                index += 1
            }
        }
        return actions
    }

    /// Whether an item is done: nil while it waits; a fault, or `.success` when it succeeded.
    private func verdict(_ item: WaitingCall.Item) -> WaitingCall.CallVerdict? {
        let process = processes[item.process]
        let record = process.record
        switch item.goal {
        case .stopped:
            return record.isStoppedState ? WaitingCall.CallVerdict(fault: .success, detail: nil) : nil
        case .started(let wait):
            if process.state == .waiting { return nil }
            if record.spawnError != nil { return WaitingCall.CallVerdict(fault: .spawnError, detail: item.name) }
            if !wait || record.state == .running { return WaitingCall.CallVerdict(fault: .success, detail: nil) }
            if record.state != .starting { return WaitingCall.CallVerdict(fault: .abnormalTermination, detail: item.name) }
            return nil
        }
    }

    /// `{'name', 'group', 'status', 'description'}`, as supervisord reports each process of a
    /// group or of `all` (nil verdict: success).
    func resultStruct(_ index: Int, _ verdict: WaitingCall.CallVerdict?) -> XMLRPCValue {
        let fault = verdict?.fault ?? .success
        return .structure([
            XMLRPCMember(name: "name", value: .string(processes[index].spec.name)),
            XMLRPCMember(name: "group", value: .string(processes[index].spec.supervisord?.group ?? "")),
            XMLRPCMember(name: "status", value: .int(Int64(fault.rawValue))),
            XMLRPCMember(name: "description", value: .string(fault == .success ? "OK" : fault.text(verdict?.detail))),
        ])
    }
}

/// An XML-RPC call that waits for processes, and what it has gathered so far.
struct WaitingCall: Equatable {
    enum Goal: Equatable {
        /// RUNNING (`wait`), or merely spawned.
        case started(wait: Bool)
        case stopped
    }

    struct Item: Equatable {
        var process: Int
        var goal: Goal
        /// The name the call gave (its faults' detail).
        var name: String
    }

    /// How an item ended: `.success`, or the fault.
    struct CallVerdict: Equatable, Error {
        var fault: XMLRPCFault
        var detail: String?
    }

    let client: Int
    let single: Bool
    var items: [Item]
    /// A single process's fault (nil: success).
    var result: CallVerdict? = nil
    var results: [XMLRPCValue] = []

    init(client: Int, single: Bool, items: [Item]) {
        self.client = client
        self.single = single
        self.items = items
    }
}
