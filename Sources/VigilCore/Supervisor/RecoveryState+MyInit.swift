/// my_init's stop in the recovery state: `my-init-timeout` (each script's and service's time
/// to stop) says that the stop runs the shutdown scripts; `my-init-step` how far it had got
/// (`StateKey`); while a script runs, `my-init-script=INDEX:PID:DEADLINE:KILLED` names it
/// (`-` for a PID not yet known). The scripts themselves are listed again from their fixed
/// folders by the image that recovers.
extension RecoveryState {
    func encodeMyInitStop(_ numbers: inout [Int64?]) {
        guard let stop = myInitStop else { return }
        numbers[StateKey.myInitTimeout.rawValue] = stop.timeout
        let step: Int64
        switch stop.step {
        case .notBegun: step = 0
        case .script(let post, _, _, _, _): step = post ? 3 : 1
        case .services: step = 2
        case .done: step = 4
        }
        numbers[StateKey.myInitStep.rawValue] = step
    }

    /// `my-init-script`'s value, while a script runs.
    var myInitScriptText: String? {
        guard case .script(_, let index, let pid, let deadline, let killed) = myInitStop?.step else { return nil }
        return decimal(Int64(index)) + ":" + (pid.map { decimal(Int64($0)) } ?? "-") + ":" + decimal(deadline)
            + ":" + (killed ? "1" : "0")
    }

    /// Both keys or neither; a script's entry with a script's step, and only then; a step
    /// other than `notBegun` only once the stop has begun; a shutdown without a deadline
    /// (Instant.max) only while my_init's steps run.
    static func readMyInitStop(_ fields: StateFields, into state: inout RecoveryState) throws(UsageError) {
        let step = fields[.myInitStep]
        let scriptStep = step == 1 || step == 3
        if let deadline = state.shutdown?.deadline, deadline > Instant.max / 4 {
            guard deadline == Instant.max, step.map({ (1...3).contains($0) }) == true else {
                throw UsageError("recovery state: deadline \(deadline) without my_init's steps under way")
            }
        }
        guard let timeout = fields[.myInitTimeout], let step else {
            guard fields[.myInitTimeout] == nil, step == nil else {
                throw UsageError("recovery state: my-init-timeout and my-init-step go together")
            }
            guard fields.myInitScript == nil else { throw UsageError("recovery state: my-init-script without my-init-step") }
            return
        }
        guard step == 0 || [.stoppingProcesses, .draining, .killing, .exited].contains(state.phase) else {
            throw UsageError("recovery state: my-init-step \(step) before the stop")
        }
        guard scriptStep == (fields.myInitScript != nil) else {
            throw UsageError("recovery state: my-init-step \(step) " + (scriptStep ? "needs my-init-script" : "takes no my-init-script"))
        }
        var stop = MyInitStop(timeout: timeout, step: [.notBegun, .notBegun, .services(deadline: Instant.max, killed: false),
                                                        .notBegun, .done][Int(step)])
        if let text = fields.myInitScript {
            guard let script = readScript(text, post: step == 3) else { throw StateFields.problem("my-init-script", text) }
            stop.step = script
        }
        state.myInitStop = stop
    }

    /// `INDEX:PID:DEADLINE:KILLED`; only a started script can have been SIGKILLed.
    private static func readScript(_ text: ArraySlice<UInt8>, post: Bool) -> RunitServices.ShutdownStep? {
        let parts = ByteFields.fields(text, separator: UInt8(ascii: ":"))
        guard parts.count == 4, let index = StateFields.number(parts[0], 0...Int64(maximumEntries)),
              let deadline = StateFields.number(parts[2], 0...Instant.max / 4),
              let killed = StateFields.number(parts[3], 0...1) else { return nil }
        var pid: Int32? = nil
        if !ASCII.equals(parts[1], "-") {
            guard let number = StateFields.number(parts[1], 1...maximumPID) else { return nil }
            pid = Int32(truncatingIfNeeded: number)
        }
        guard killed == 0 || pid != nil else { return nil }
        return .script(post: post, index: Int(index), pid: pid, deadline: deadline, killed: killed == 1)
    }
}
