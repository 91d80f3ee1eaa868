/// The keys of a recovery state that hold one number each. A choice is the number of its
/// place: `style` 0 named, 1 bracketed; `wording` 0 vigil, 1 tini; `main-exit` 0 stop the
/// rest, 1 exit at once, 2 forward TERM and exit; `phase` in `RecoveryState.Phase`'s order.
/// Flags are 0 or 1; durations and instants nanoseconds. `stop-exit` absent: 128 + the signal.
/// `my-init-step`: 0 not begun, 1 a pre-shutdown script, 2 the services, 3 a post-shutdown
/// script, 4 done.
enum StateKey: Int, CaseIterable {
    case log, style, wording, warnReap, forwardGroup, stop, mainStop, grace, killAfter, killWait, repeatKills,
         mainExit, continues, terminalStops, stopSelf, internalFailure, phase, main, mainStopRequested, mainKillAt,
         mainHurry, mainStopsVigil, mainStatus, deadline, exit, stopRequested, ending, exitOverride, group, terminal,
         stopExit, myInitCodes, supervisord, myInitTimeout, myInitStep

    static let names = [
        "log", "style", "wording", "warn-reap", "forward-group", "stop", "main-stop", "grace", "kill-after",
        "kill-wait", "repeat-kills", "main-exit", "continue", "terminal-stops", "stop-self", "internal", "phase",
        "main", "main-stop-requested", "main-kill-at", "main-hurry", "main-stops-vigil", "main-status", "deadline",
        "exit", "stop-requested", "ending", "exit-override", "group", "terminal", "stop-exit", "my-init-codes",
        "supervisord", "my-init-timeout", "my-init-step",
    ]

    var name: String { StateKey.names[rawValue] }

    var range: ClosedRange<Int64> {
        switch self {
        case .log: return 0...16
        case .style, .wording, .warnReap, .forwardGroup, .repeatKills, .continues, .terminalStops, .stopSelf,
             .mainStopRequested, .mainHurry, .mainStopsVigil, .stopRequested, .ending, .myInitCodes, .supervisord: return 0...1
        case .mainExit: return 0...2
        case .phase: return 0...6
        case .stop, .mainStop: return 1...64
        case .grace, .killAfter, .killWait, .myInitTimeout: return 0...Durations.maximum
        case .myInitStep: return 0...4
        case .mainKillAt: return 0...Instant.max / 4
        // Instant.max: none yet, while my_init's steps run (`RecoveryState.parse` allows no
        // other value above Instant.max / 4).
        case .deadline: return 0...Instant.max
        case .internalFailure, .exit, .exitOverride, .stopExit: return 0...255
        case .main, .group, .terminal: return 1...RecoveryState.maximumPID
        case .mainStatus: return 0...0xFFFF
        }
    }

    /// The phases (bit N: `Phase` number N) in which the key may appear, and in which it must.
    var phases: (allowed: UInt8, required: UInt8) {
        let running: UInt8 = 1 << 1
        let shutdown: UInt8 = 1 << 3 | 1 << 4 | 1 << 5
        switch self {
        case .phase: return (0x7F, 0x7F)
        case .main: return (running, running)
        case .mainStopRequested, .mainKillAt, .mainHurry, .mainStopsVigil: return (running, 0)
        case .deadline: return (shutdown, shutdown)
        case .stopRequested: return (shutdown, 0)
        case .exit: return (shutdown | 1 << 6, shutdown | 1 << 6)
        default: return (0x7F, 0)
        }
    }
}

/// The words of a recovery state, split and checked: the version first, then `key=value`
/// words with known keys, each single key at most once, each number in its key's range.
struct StateFields {
    private var numbers: [Int64?] = Array(repeating: nil, count: StateKey.allCases.count)
    /// The keys whose values are not numbers, and their values.
    static let textKeys = ["program", "exit-map", "rewrite", "my-init-script"]
    private var texts = [ArraySlice<UInt8>?](repeating: nil, count: StateFields.textKeys.count)
    var program: ArraySlice<UInt8>? { texts[0] }
    var exitMap: ArraySlice<UInt8>? { texts[1] }
    var rewrite: ArraySlice<UInt8>? { texts[2] }
    var myInitScript: ArraySlice<UInt8>? { texts[3] }
    /// The repeated keys' values, in order.
    private(set) var processes: [ArraySlice<UInt8>] = []
    private(set) var relays: [ArraySlice<UInt8>] = []
    private(set) var kept: [ArraySlice<UInt8>] = []

    init(_ bytes: [UInt8]) throws(UsageError) {
        let words = ByteFields.fields(bytes[...], separator: 0x20)
        guard ASCII.equals(words[0], RecoveryState.version) else {
            throw UsageError("recovery state: it does not start with '\(RecoveryState.version)'")
        }
        guard words.count <= 3 * RecoveryState.maximumEntries + StateKey.allCases.count + StateFields.textKeys.count + 1 else {
            throw UsageError("recovery state: more than \(RecoveryState.maximumEntries) processes, pipes or kept ends")
        }
        for word in words.dropFirst() { try take(word) }
        guard let phase = numbers[StateKey.phase.rawValue] else { throw UsageError("recovery state: no phase") }
        for key in StateKey.allCases {
            let bit: UInt8 = 1 << phase
            let present = numbers[key.rawValue] != nil
            if present && key.phases.allowed & bit == 0 {
                throw UsageError("recovery state: \(key.name) does not belong to phase \(phase)")
            }
            if !present && key.phases.required & bit != 0 {
                throw UsageError("recovery state: phase \(phase) needs \(key.name)")
            }
        }
    }

    private mutating func take(_ word: ArraySlice<UInt8>) throws(UsageError) {
        guard let equals = word.firstIndex(of: UInt8(ascii: "=")) else {
            throw UsageError("recovery state: '\(String(decoding: word, as: UTF8.self))' is not KEY=VALUE")
        }
        let key = word[..<equals]
        let value = word[(equals + 1)...]
        if ASCII.equals(key, "process") {
            processes.append(value)
        } else if ASCII.equals(key, "relay") {
            relays.append(value)
        } else if ASCII.equals(key, "keep") {
            kept.append(value)
        } else if let index = StateFields.textKeys.firstIndex(where: { ASCII.equals(key, $0) }) {
            guard texts[index] == nil else { throw StateFields.twice(key) }
            texts[index] = value
        } else if let index = StateKey.names.firstIndex(where: { ASCII.equals(key, $0) }) {
            guard numbers[index] == nil else { throw StateFields.twice(key) }
            let stateKey = StateKey.allCases[index]
            guard let number = StateFields.number(value, stateKey.range) else { throw StateFields.problem(stateKey.name, value) }
            numbers[index] = number
        } else {
            throw UsageError("recovery state: unknown key '\(String(decoding: key, as: UTF8.self))'")
        }
    }

    subscript(key: StateKey) -> Int64? { numbers[key.rawValue] }

    func flag(_ key: StateKey) -> Bool { self[key] == 1 }

    /// A decimal within `range`: digits only, with a leading `-` where the range allows it.
    static func number(_ text: ArraySlice<UInt8>, _ range: ClosedRange<Int64>) -> Int64? {
        var index = text.startIndex
        guard let value = ByteFields.signed(text, &index), index == text.endIndex, range.contains(value),
              text.first != UInt8(ascii: "-") || range.lowerBound < 0 else { return nil }
        return value
    }

    static func problem(_ key: String, _ text: ArraySlice<UInt8>) -> UsageError {
        UsageError("recovery state: bad \(key) '\(String(decoding: text, as: UTF8.self))'")
    }

    private static func twice(_ key: ArraySlice<UInt8>) -> UsageError {
        UsageError("recovery state: '\(String(decoding: key, as: UTF8.self))' given twice")
    }
}
