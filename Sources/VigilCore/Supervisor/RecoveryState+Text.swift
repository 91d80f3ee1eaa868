import CLinux

/// The recovery state as text, one argument of the re-execution: a version word, then
/// `key=value` words separated by single spaces. The numbers' keys and ranges are `StateKey`'s
/// (instants are CLOCK_MONOTONIC, which an exec keeps); `program` is a name, `exit-map` and
/// `rewrite` comma-separated lists, and `process` (`KIND:NAME:PID:STOP-SIGNAL:GRACE:REQUIRED:
/// STOP-DEADLINE:KILLED:STOP-TO-GROUP:KILL-TO-GROUP`, `-` for none; the last two may be left
/// out, both then 1) and `relay` (`NAME:READ-END:WRITE-END:SINK:PREFIXED`) repeat, in
/// order, as does `keep` (`FD:WRITABLE`); `my-init-script` is `INDEX:PID:DEADLINE:KILLED`.
/// No value holds a space or `=`. `RecoveryState.parse` reads it back.
///
///     vigil-recovery-1 log=1 style=0 ... phase=1 main=7 ... program=vigil
///         process=sidecar:web:8:-:-:0:-:0:1:1 relay=web:5:6:1:1
extension RecoveryState {
    static let version = "vigil-recovery-1"

    /// The text, as published for the fault handler.
    func encoded() -> [UInt8] {
        var text = StateText()
        text.word(RecoveryState.version)
        var numbers = [Int64?](repeating: nil, count: StateKey.allCases.count)
        encodeRules(&numbers)
        encodeSupervisor(&numbers)
        encodeMyInitStop(&numbers)
        for key in StateKey.allCases {
            guard let value = numbers[key.rawValue] else { continue }
            text.key(key.name)
            text.number(value)
        }
        encodeLists(&text)
        if let script = myInitScriptText { text.key("my-init-script"); text.text(script) }
        for process in processes {
            text.key("process")
            text.text(process.kind == .initTask ? "init" : "sidecar")
            text.field(process.name)
            text.field(Int64(process.pid))
            text.field(process.stopSignal.map { Int64($0) })
            text.field(process.grace)
            text.field(process.required ? 1 : 0)
            text.field(process.stopping?.deadline)
            text.field(process.stopping?.killed == true ? 1 : 0)
            text.field(process.stopsGroup ? 1 : 0)
            text.field(process.killsGroup ? 1 : 0)
        }
        for pipe in relay {
            text.key("relay")
            text.text(pipe.name)
            text.field(Int64(pipe.readEnd))
            text.field(Int64(pipe.writeEnd))
            text.field(Int64(pipe.sink))
            text.field(pipe.prefixed ? 1 : 0)
        }
        for end in kept {
            text.key("keep")
            text.number(Int64(end.fd))
            text.field(end.writable ? 1 : 0)
        }
        return text.bytes
    }

    private func encodeSupervisor(_ numbers: inout [Int64?]) {
        func set(_ key: StateKey, _ value: Int64?) { numbers[key.rawValue] = value }
        func set(_ key: StateKey, _ flag: Bool) { numbers[key.rawValue] = flag ? 1 : 0 }
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
    }

    /// The keys whose values are not numbers: the program name, the exit map, the rewrites.
    private func encodeLists(_ text: inout StateText) {
        text.key("program")
        text.text(programName)
        if !rules.exitMap.isEmpty {
            text.key("exit-map")
            for (index, code) in rules.exitMap.codes.enumerated() {
                if index > 0 { text.byte(UInt8(ascii: ",")) }
                text.number(Int64(code))
            }
        }
        var separator: UInt8? = nil
        for signal: Int32 in 1...64 where rules.rewrite.isChosen(signal) {
            if let separator { text.byte(separator) } else { text.key("rewrite") }
            separator = UInt8(ascii: ",")
            text.number(Int64(signal))
            text.byte(UInt8(ascii: ":"))
            text.number(Int64(rules.rewrite.apply(signal) ?? 0))
        }
    }

    /// The phases in the order `phase` numbers them.
    static let phases: [Phase] = [.bringingUp, .running, .pausing, .stoppingProcesses, .draining, .killing, .exited]

    private func encodeRules(_ numbers: inout [Int64?]) {
        func set(_ key: StateKey, _ value: Int64?) { numbers[key.rawValue] = value }
        func set(_ key: StateKey, _ flag: Bool) { numbers[key.rawValue] = flag ? 1 : 0 }
        set(.log, Int64(rules.verbosity))
        if case .bracketed = rules.logStyle { set(.style, true) } else { set(.style, false) }
        set(.wording, rules.wording == .tini)
        set(.warnReap, rules.warnOnReap)
        set(.forwardGroup, rules.forwardToGroup)
        set(.stop, Int64(rules.stopSignal))
        set(.mainStop, rules.mainStopSignal.map { Int64($0) })
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
        set(.internalFailure, Int64(rules.internalFailure))
        set(.stopExit, rules.stopExitWithoutMain.map { Int64($0) })
        set(.myInitCodes, rules.myInitExitCodes)
        set(.supervisord, rules.followedSupervisord)
    }

    private var programName: String {
        switch rules.logStyle {
        case .named(let program), .bracketed(let program): return program
        }
    }
}

/// The words of a recovery state, as they are written: bytes appended out of line, without
/// String's generic machinery.
private struct StateText {
    var bytes: [UInt8] = []

    init() {
        bytes.reserveCapacity(512)
    }

    mutating func word(_ text: String) {
        if !bytes.isEmpty { bytes.append(0x20) }
        bytes.append(contentsOf: text.utf8)
    }

    /// A new `key=` word.
    @inline(never)
    mutating func key(_ name: String) {
        word(name)
        bytes.append(UInt8(ascii: "="))
    }

    @inline(never)
    mutating func text(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    mutating func byte(_ byte: UInt8) {
        bytes.append(byte)
    }

    @inline(never)
    mutating func number(_ value: Int64) {
        bytes.append(contentsOf: decimal(value).utf8)
    }

    /// `:` and the text.
    mutating func field(_ text: String) {
        bytes.append(UInt8(ascii: ":"))
        self.text(text)
    }

    /// `:` and the number, or `-` for none.
    @inline(never)
    mutating func field(_ value: Int64?) {
        bytes.append(UInt8(ascii: ":"))
        if let value { number(value) } else { bytes.append(UInt8(ascii: "-")) }
    }
}
