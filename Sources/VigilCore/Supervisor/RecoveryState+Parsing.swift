import CLinux

/// Reading the recovery state back. It comes through argv, which anyone starting vigil can
/// write, so it is checked like any outside input: every key known, every value in its range,
/// the phase's own keys present and no others, no PID twice. Any problem is one `UsageError`.
extension RecoveryState {
    /// The most processes and relayed pipes a state may name.
    static let maximumEntries = 1024
    /// The largest PID Linux hands out (PID_MAX_LIMIT).
    static let maximumPID: Int64 = 4_194_304

    static func parse(_ text: String) throws(UsageError) -> RecoveryState {
        let fields = try StateFields(Array(text.utf8))
        var state = RecoveryState()
        try readRules(fields, into: &state.configuration)
        readSupervisor(fields, into: &state)
        for entry in fields.processes { state.processes.append(try readProcess(entry)) }
        for entry in fields.relays { state.relay.append(try readRelay(entry)) }
        try checkPIDs(state)
        return state
    }

    private static func readRules(_ fields: StateFields, into rules: inout Configuration) throws(UsageError) {
        rules.verbosity = Int(fields[.log] ?? Int64(rules.verbosity))
        var program = "vigil"
        if let name = fields.program {
            guard ProcessName.isValid(name) else { throw StateFields.problem("program", name) }
            program = String(decoding: name, as: UTF8.self)
        }
        rules.logStyle = fields.flag(.style) ? .bracketed(program) : .named(program)
        rules.wording = fields.flag(.wording) ? .tini : .vigil
        rules.warnOnReap = fields.flag(.warnReap)
        rules.forwardToGroup = fields.flag(.forwardGroup)
        for code in try StateFields.list(fields.exitMap, "exit-map") {
            rules.exitMap.insert(UInt8(truncatingIfNeeded: try StateFields.number(code, 0...255, "exit-map")))
        }
        rules.stopSignal = fields[.stop].map { Int32(truncatingIfNeeded: $0) } ?? rules.stopSignal
        rules.main.stopSignal = fields[.mainStop].map { Int32(truncatingIfNeeded: $0) }
        rules.grace = fields[.grace] ?? rules.grace
        rules.killAfter = fields[.killAfter]
        rules.killWait = fields[.killWait] ?? rules.killWait
        rules.repeatedStopKills = fields.flag(.repeatKills)
        let exits: [Configuration.MainChildExit] = [.stopTheRest, .exitAtOnce, .forwardTermAndExit]
        rules.mainChildExit = exits[Int(fields[.mainExit] ?? 0)]
        rules.continuesStoppedProcesses = fields.flag(.continues)
        for pair in try StateFields.list(fields.rewrite, "rewrite") {
            let parts = ByteFields.fields(pair, separator: UInt8(ascii: ":"))
            guard parts.count == 2 else { throw StateFields.problem("rewrite", pair) }
            let from = Int32(truncatingIfNeeded: try StateFields.number(parts[0], 1...64, "rewrite"))
            guard from != SIGKILL && from != SIGSTOP && from != SIGCHLD else { throw StateFields.problem("rewrite", pair) }
            rules.rewrite.set(from, to: Int32(truncatingIfNeeded: try StateFields.number(parts[1], 0...64, "rewrite")))
        }
        if fields.flag(.terminalStops) { rules.rewrite.stopOnTerminalSignals() }
        rules.stopsWithTerminalStopSignals = fields.flag(.stopSelf)
        rules.exitCodes.internalFailure = fields[.internalFailure].map { Int32(truncatingIfNeeded: $0) }
            ?? rules.exitCodes.internalFailure
    }

    /// The keys' presence per phase was checked by `StateFields`.
    private static func readSupervisor(_ fields: StateFields, into state: inout RecoveryState) {
        state.phase = RecoveryState.phases[Int(fields[.phase] ?? 1)]
        func int32(_ key: StateKey) -> Int32? { fields[key].map { Int32(truncatingIfNeeded: $0) } }
        if let main = int32(.main) {
            state.main = Supervisor.MainChild(pid: main, stopRequested: fields.flag(.mainStopRequested),
                                              killDeadline: fields[.mainKillAt], hurry: fields.flag(.mainHurry),
                                              stopsVigilWhenStopped: fields.flag(.mainStopsVigil))
        }
        state.mainStatus = int32(.mainStatus)
        let exit = int32(.exit)
        if let deadline = fields[.deadline], let exit {
            state.shutdown = Supervisor.Shutdown(deadline: deadline, exitCode: exit, stopRequested: fields.flag(.stopRequested))
        }
        if state.phase == .exited { state.exitCode = exit }
        state.ending = fields.flag(.ending)
        state.exitOverride = int32(.exitOverride)
        state.childGroup = int32(.group)
        state.terminalGroup = int32(.terminal)
    }

    /// `KIND:NAME:PID:STOP-SIGNAL:GRACE:REQUIRED:STOP-DEADLINE:KILLED`, `-` for none.
    private static func readProcess(_ entry: ArraySlice<UInt8>) throws(UsageError) -> Process {
        let parts = ByteFields.fields(entry, separator: UInt8(ascii: ":"))
        guard parts.count == 8, ProcessName.isValid(parts[1]) else { throw StateFields.problem("process", entry) }
        let kind: ProcessSpec.Kind
        if ASCII.equals(parts[0], "init") {
            kind = .initTask
        } else if ASCII.equals(parts[0], "sidecar") {
            kind = .sidecar
        } else {
            throw StateFields.problem("process", entry)
        }
        var process = Process(name: String(decoding: parts[1], as: UTF8.self), kind: kind,
                              pid: Int32(truncatingIfNeeded: try StateFields.number(parts[2], 1...maximumPID, "process")))
        process.stopSignal = try optional(parts[3], 1...64).map { Int32(truncatingIfNeeded: $0) }
        process.grace = try optional(parts[4], 0...Durations.maximum)
        process.required = try StateFields.flag(parts[5], "process")
        let killed = try StateFields.flag(parts[7], "process")
        if let deadline = try optional(parts[6], 0...Instant.max / 4) {
            process.stopping = Stopping(deadline: deadline, killed: killed)
        } else if killed {
            throw StateFields.problem("process", entry)
        }
        return process
    }

    /// `NAME:READ-END:WRITE-END:SINK`.
    private static func readRelay(_ entry: ArraySlice<UInt8>) throws(UsageError) -> RelayPipe {
        let parts = ByteFields.fields(entry, separator: UInt8(ascii: ":"))
        guard parts.count == 4, ProcessName.isValid(parts[0]) else { throw StateFields.problem("relay", entry) }
        let read = Int32(truncatingIfNeeded: try StateFields.number(parts[1], 3...1_048_576, "relay"))
        let write = Int32(truncatingIfNeeded: try StateFields.number(parts[2], 3...1_048_576, "relay"))
        guard read != write else { throw StateFields.problem("relay", entry) }
        return RelayPipe(name: String(decoding: parts[0], as: UTF8.self), readEnd: read, writeEnd: write,
                         sink: Int32(truncatingIfNeeded: try StateFields.number(parts[3], 1...2, "relay")))
    }

    private static func optional(_ field: ArraySlice<UInt8>, _ range: ClosedRange<Int64>) throws(UsageError) -> Int64? {
        ASCII.equals(field, "-") ? nil : try StateFields.number(field, range, "process")
    }

    /// Each PID names one process: the main child or one init task or sidecar.
    private static func checkPIDs(_ state: RecoveryState) throws(UsageError) {
        guard state.processes.count <= maximumEntries, state.relay.count <= maximumEntries else {
            throw UsageError("recovery state: more than \(maximumEntries) processes or pipes")
        }
        var pids = state.processes.map { KeySort.key($0.pid, 0) }
        if let main = state.main { pids.append(KeySort.key(main.pid, 0)) }
        KeySort.sort(&pids)
        for index in pids.indices.dropFirst() where pids[index] == pids[index - 1] {
            throw UsageError("recovery state: pid \(KeySort.major(pids[index])) named twice")
        }
    }
}
