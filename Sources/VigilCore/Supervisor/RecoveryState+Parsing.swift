import CLinux

/// Reading the recovery state back. It comes through argv, which anyone starting vigil can
/// write, so it is checked like any outside input: every key known, every value in its range,
/// the phase's own keys present and no others, no PID twice. Any problem is one `UsageError`.
extension RecoveryState {
    /// The most processes and relayed pipes a state may name (and my_init's scripts).
    static let maximumEntries = 1024
    /// The largest PID Linux hands out (PID_MAX_LIMIT).
    static let maximumPID: Int64 = 4_194_304

    static func parse(_ text: String) throws(UsageError) -> RecoveryState {
        let fields = try StateFields(Array(text.utf8))
        var state = RecoveryState()
        try readRules(fields, into: &state.rules)
        readSupervisor(fields, into: &state)
        try readMyInitStop(fields, into: &state)
        for entry in fields.processes {
            guard let process = readProcess(entry) else { throw StateFields.problem("process", entry) }
            state.processes.append(process)
        }
        for entry in fields.relays {
            guard let pipe = readRelay(entry) else { throw StateFields.problem("relay", entry) }
            state.relay.append(pipe)
        }
        for entry in fields.kept {
            guard let end = readKept(entry) else { throw StateFields.problem("keep", entry) }
            state.kept.append(end)
        }
        try checkPIDs(state)
        return state
    }

    private static func readRules(_ fields: StateFields, into rules: inout Rules) throws(UsageError) {
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
        if let text = fields.exitMap {
            guard let codes = readExitMap(text) else { throw StateFields.problem("exit-map", text) }
            for code in codes { rules.exitMap.insert(code) }
        }
        rules.stopSignal = fields[.stop].map { Int32(truncatingIfNeeded: $0) } ?? rules.stopSignal
        rules.mainStopSignal = fields[.mainStop].map { Int32(truncatingIfNeeded: $0) }
        rules.grace = fields[.grace] ?? rules.grace
        rules.killAfter = fields[.killAfter]
        rules.killWait = fields[.killWait] ?? rules.killWait
        rules.repeatedStopKills = fields.flag(.repeatKills)
        let exits: [Configuration.MainChildExit] = [.stopTheRest, .exitAtOnce, .forwardTermAndExit]
        rules.mainChildExit = exits[Int(fields[.mainExit] ?? 0)]
        rules.continuesStoppedProcesses = fields.flag(.continues)
        if let text = fields.rewrite {
            guard let pairs = readRewrite(text) else { throw StateFields.problem("rewrite", text) }
            for (from, to) in pairs { rules.rewrite.set(from, to: to) }
        }
        if fields.flag(.terminalStops) { rules.rewrite.stopOnTerminalSignals() }
        rules.stopsWithTerminalStopSignals = fields.flag(.stopSelf)
        rules.internalFailure = fields[.internalFailure].map { Int32(truncatingIfNeeded: $0) } ?? rules.internalFailure
        rules.stopExitWithoutMain = fields[.stopExit].map { Int32(truncatingIfNeeded: $0) }
        rules.myInitExitCodes = fields.flag(.myInitCodes)
        rules.followedSupervisord = fields.flag(.supervisord)
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

    /// `CODE,CODE...`: exit codes.
    private static func readExitMap(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        var codes: [UInt8] = []
        for item in ByteFields.fields(text, separator: UInt8(ascii: ",")) {
            guard codes.count < 256, let code = StateFields.number(item, 0...255) else { return nil }
            codes.append(UInt8(truncatingIfNeeded: code))
        }
        return codes
    }

    /// `FROM:TO,FROM:TO...`: signal numbers, TO 0 to drop; never KILL, STOP or CHLD.
    private static func readRewrite(_ text: ArraySlice<UInt8>) -> [(Int32, Int32)]? {
        var pairs: [(Int32, Int32)] = []
        for item in ByteFields.fields(text, separator: UInt8(ascii: ",")) {
            let parts = ByteFields.fields(item, separator: UInt8(ascii: ":"))
            guard pairs.count < 64, parts.count == 2, let from = StateFields.number(parts[0], 1...64),
                  let to = StateFields.number(parts[1], 0...64),
                  from != Int64(SIGKILL), from != Int64(SIGSTOP), from != Int64(SIGCHLD) else { return nil }
            pairs.append((Int32(truncatingIfNeeded: from), Int32(truncatingIfNeeded: to)))
        }
        return pairs
    }

    /// `KIND:NAME:PID:STOP-SIGNAL:GRACE:REQUIRED:STOP-DEADLINE:KILLED[:STOP-TO-GROUP:KILL-TO-GROUP]`,
    /// `-` for none; without the last two (an older vigil's state), both signals go to the group.
    private static func readProcess(_ entry: ArraySlice<UInt8>) -> Process? {
        let parts = ByteFields.fields(entry, separator: UInt8(ascii: ":"))
        guard parts.count == 8 || parts.count == 10, ProcessName.isValid(parts[1]),
              ASCII.equals(parts[0], "init") || ASCII.equals(parts[0], "sidecar"),
              let values = numbers(parts[2...], [1...maximumPID, 1...64, 0...Durations.maximum, 0...1,
                                                 0...Instant.max / 4, 0...1, 0...1, 0...1],
                                   optional: [false, true, true, false, true, false, false, false]),
              let pid = values[0], values[5] == 0 || values[4] != nil else { return nil }
        var process = Process(name: String(decoding: parts[1], as: UTF8.self),
                              kind: ASCII.equals(parts[0], "init") ? .initTask : .sidecar, pid: Int32(truncatingIfNeeded: pid))
        process.stopSignal = values[1].map { Int32(truncatingIfNeeded: $0) }
        process.grace = values[2]
        process.required = values[3] == 1
        if let deadline = values[4] { process.stopping = Stopping(deadline: deadline, killed: values[5] == 1) }
        if values.count == 8 {
            process.stopsGroup = values[6] == 1
            process.killsGroup = values[7] == 1
        }
        return process
    }

    /// `NAME:READ-END:WRITE-END:SINK:PREFIXED`.
    private static func readRelay(_ entry: ArraySlice<UInt8>) -> RelayPipe? {
        let parts = ByteFields.fields(entry, separator: UInt8(ascii: ":"))
        guard parts.count == 5, ProcessName.isValid(parts[0]),
              let values = numbers(parts[1...], [3...1_048_576, 3...1_048_576, 1...2, 0...1], optional: [false, false, false, false]),
              let read = values[0], let write = values[1], let sink = values[2], read != write else { return nil }
        return RelayPipe(name: String(decoding: parts[0], as: UTF8.self), readEnd: Int32(truncatingIfNeeded: read),
                         writeEnd: Int32(truncatingIfNeeded: write), sink: Int32(truncatingIfNeeded: sink),
                         prefixed: values[3] == 1)
    }

    /// `FD:WRITABLE`.
    private static func readKept(_ entry: ArraySlice<UInt8>) -> KeptEnd? {
        let parts = ByteFields.fields(entry, separator: UInt8(ascii: ":"))
        guard parts.count == 2, let values = numbers(parts[...], [3...1_048_576, 0...1], optional: [false, false]),
              let fd = values[0] else { return nil }
        return KeptEnd(fd: Int32(truncatingIfNeeded: fd), writable: values[1] == 1)
    }

    /// `parts` as numbers within `ranges`, `-` standing for none where `optional`; nil when one
    /// is not.
    private static func numbers(_ parts: ArraySlice<ArraySlice<UInt8>>, _ ranges: [ClosedRange<Int64>],
                                optional: [Bool]) -> [Int64?]? {
        var values: [Int64?] = []
        for (index, part) in parts.enumerated() {
            if optional[index] && ASCII.equals(part, "-") {
                values.append(nil)
            } else {
                guard let value = StateFields.number(part, ranges[index]) else { return nil }
                values.append(value)
            }
        }
        return values
    }

    /// Each PID names one process: the main child or one init task or sidecar.
    private static func checkPIDs(_ state: RecoveryState) throws(UsageError) {
        var pids = state.processes.map { KeySort.key($0.pid, 0) }
        if let main = state.main { pids.append(KeySort.key(main.pid, 0)) }
        if case .script(_, _, let pid?, _, _) = state.myInitStop?.step { pids.append(KeySort.key(pid, 0)) }
        KeySort.sort(&pids)
        for index in pids.indices.dropFirst() where pids[index] == pids[index - 1] {
            throw UsageError("recovery state: pid \(KeySort.major(pids[index])) named twice")
        }
    }
}
