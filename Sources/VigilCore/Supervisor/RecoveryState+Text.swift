import CLinux

/// The recovery state as text, one argument of the re-execution: a version word, then
/// `key=value` words separated by single spaces. The numbers' keys and ranges are `StateKey`'s
/// (instants are CLOCK_MONOTONIC, which an exec keeps); `program` is a name, `exit-map` and
/// `rewrite` comma-separated lists, and `process` (`KIND:NAME:PID:STOP-SIGNAL:GRACE:REQUIRED:
/// STOP-DEADLINE:KILLED`, `-` for none) and `relay` (`NAME:READ-END:WRITE-END:SINK`) repeat, in
/// order. No value holds a space or `=`. `RecoveryState.parse` reads it back.
///
///     vigil-recovery-1 log=1 style=0 ... phase=1 main=7 ... program=vigil
///         process=sidecar:web:8:-:-:0:-:0 relay=web:5:6:1
extension RecoveryState {
    static let version = "vigil-recovery-1"

    /// The text, as published for the fault handler.
    func encoded() -> [UInt8] {
        var text = StateText()
        text.word(RecoveryState.version)
        var numbers = [Int64?](repeating: nil, count: StateKey.allCases.count)
        func set(_ key: StateKey, _ value: Int64?) { numbers[key.rawValue] = value }
        func set(_ key: StateKey, _ flag: Bool) { numbers[key.rawValue] = flag ? 1 : 0 }
        encodeRules(&numbers)
        set(.phase, Int64(RecoveryState.phases.firstIndex(of: phase) ?? 0))
        if let main {
            set(.main, Int64(main.pid))
            set(.mainStopRequested, main.stopRequested)
            set(.mainKillAt, main.killDeadline)
            set(.mainHurry, main.hurry)
            set(.mainStopsVigil, main.stopsVigilWhenStopped)
        }
        set(.mainStatus, mainStatus.map { Int64($0) })
        if let shutdown {
            set(.deadline, shutdown.deadline)
            set(.exit, Int64(shutdown.exitCode))
            set(.stopRequested, shutdown.stopRequested)
        } else {
            set(.exit, exitCode.map { Int64($0) })
        }
        set(.ending, ending)
        set(.exitOverride, exitOverride.map { Int64($0) })
        set(.group, childGroup.map { Int64($0) })
        set(.terminal, terminalGroup.map { Int64($0) })
        for key in StateKey.allCases {
            if let value = numbers[key.rawValue] { text.pair(key.name, decimal(value)) }
        }
        text.pair("program", programName)
        if !configuration.exitMap.isEmpty { text.pair("exit-map", configuration.exitMap.codes.map { decimal(Int($0)) }, separator: ",") }
        let chosen = (1...64).filter { configuration.rewrite.isChosen(Int32($0)) }
        if !chosen.isEmpty {
            text.pair("rewrite", chosen.map { decimal($0) + ":" + decimal(configuration.rewrite.apply(Int32($0)) ?? 0) }, separator: ",")
        }
        for process in processes {
            text.pair("process", [process.kind == .initTask ? "init" : "sidecar", process.name, decimal(process.pid),
                                  process.stopSignal.map { decimal($0) } ?? "-", process.grace.map { decimal($0) } ?? "-",
                                  process.required ? "1" : "0", process.stopping.map { decimal($0.deadline) } ?? "-",
                                  process.stopping?.killed == true ? "1" : "0"])
        }
        for pipe in relay {
            text.pair("relay", [pipe.name, decimal(pipe.readEnd), decimal(pipe.writeEnd), decimal(pipe.sink)])
        }
        return text.bytes
    }

    /// The phases in the order `phase` numbers them.
    static let phases: [Phase] = [.bringingUp, .running, .pausing, .stoppingProcesses, .draining, .killing, .exited]

    private func encodeRules(_ numbers: inout [Int64?]) {
        let rules = configuration
        func set(_ key: StateKey, _ value: Int64?) { numbers[key.rawValue] = value }
        func set(_ key: StateKey, _ flag: Bool) { numbers[key.rawValue] = flag ? 1 : 0 }
        set(.log, Int64(rules.verbosity))
        if case .bracketed = rules.logStyle { set(.style, true) } else { set(.style, false) }
        set(.wording, rules.wording == .tini)
        set(.warnReap, rules.warnOnReap)
        set(.forwardGroup, rules.forwardToGroup)
        set(.stop, Int64(rules.stopSignal))
        set(.mainStop, rules.main.stopSignal.map { Int64($0) })
        set(.grace, rules.grace)
        set(.killAfter, rules.killAfter)
        set(.killWait, rules.killWait)
        set(.repeatKills, rules.repeatedStopKills)
        switch rules.mainChildExit {
        case .stopTheRest: set(.mainExit, 0)
        case .exitAtOnce: set(.mainExit, 1)
        case .forwardTermAndExit: set(.mainExit, 2)
        }
        set(.continues, rules.continuesStoppedProcesses)
        // The one rewrite a mode sets by itself (session mode's terminal stop signals).
        set(.terminalStops, [SIGTSTP, SIGTTIN, SIGTTOU].contains { rules.rewrite.isSet($0) && !rules.rewrite.isChosen($0) })
        set(.stopSelf, rules.stopsWithTerminalStopSignals)
        set(.internalFailure, Int64(rules.exitCodes.internalFailure))
    }

    private var programName: String {
        switch configuration.logStyle {
        case .named(let program), .bracketed(let program): return program
        }
    }
}

/// The words of a recovery state, as they are written.
private struct StateText {
    var bytes: [UInt8] = []

    init() {
        bytes.reserveCapacity(512)
    }

    mutating func word(_ text: String) {
        if !bytes.isEmpty { bytes.append(0x20) }
        bytes.append(contentsOf: text.utf8)
    }

    mutating func pair(_ key: String, _ value: String) {
        word(key)
        bytes.append(UInt8(ascii: "="))
        bytes.append(contentsOf: value.utf8)
    }

    mutating func pair(_ key: String, _ fields: [String], separator: String = ":") {
        var value = ""
        for (index, field) in fields.enumerated() { value += (index == 0 ? "" : separator) + field }
        pair(key, value)
    }
}
