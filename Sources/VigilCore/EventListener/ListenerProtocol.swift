/// What an event listener writes on its stdout, read as supervisor's `PEventListenerDispatcher`
/// reads it. A listener starts ACKNOWLEDGED and says `READY\n`; supervisor sends it an event
/// (BUSY) and waits for `RESULT N\n` followed by N bytes, `OK` to accept the event and anything
/// else (`FAIL`) to reject it (supervisor sends it again later); then the listener says `READY\n`
/// again. Anything out of turn puts the listener in UNKNOWN for good: it gets no more events.
struct ListenerProtocol: Equatable {
    enum ListenerState: Equatable {
        case acknowledged, ready, busy, unknown

        /// supervisor's names, for log lines.
        var name: String {
            switch self {
            case .acknowledged: return "ACKNOWLEDGED"
            case .ready: return "READY"
            case .busy: return "BUSY"
            case .unknown: return "UNKNOWN"
            }
        }
    }

    enum ReplyOutcome: Equatable {
        /// The listener can take an event.
        case ready
        /// The event it had was accepted (`OK`).
        case accepted
        /// The event it had was rejected: supervisor buffers it again, at the head.
        case rejected(body: [UInt8])
        /// The result line was not `RESULT N` (the event is rejected, the listener UNKNOWN).
        case badResultLine([UInt8])
        /// Output out of turn: the listener is UNKNOWN from now on.
        case violation
    }

    /// The longest result body taken; a longer one is a protocol violation (supervisor has no
    /// limit, and would buffer it all).
    static let maximumResult = 1 << 20

    private(set) var state = ListenerState.acknowledged
    private var buffer: [UInt8] = []
    private var resultLength: Int? = nil
    private var result: [UInt8] = []

    init() {}

    /// supervisor sent the listener an event: READY becomes BUSY.
    mutating func eventSent() {
        if state == .ready { state = .busy }
    }

    /// The listener's process went away: a new one starts ACKNOWLEDGED.
    mutating func reset() { self = ListenerProtocol() }

    /// Its result could not be handled (supervisor: "event caused an error"): UNKNOWN for good.
    mutating func markUnknown() { _ = violate() }

    /// Bytes the listener wrote; what they mean, in order.
    mutating func feed(_ data: [UInt8]) -> [ReplyOutcome] {
        guard state != .unknown else { return [] }
        buffer += data
        var outcomes: [ReplyOutcome] = []
        while !buffer.isEmpty, let outcome = step() {
            outcomes.append(outcome)
            if state == .unknown { buffer = [] }
        }
        return outcomes
    }

    /// One decision on the buffer, nil when it needs more bytes (or only consumed some).
    private mutating func step() -> ReplyOutcome? {
        switch state {
        case .unknown:
            buffer = []
            return nil
        case .acknowledged:
            guard buffer.count >= 6 else { return nil }
            guard buffer.starts(with: Array("READY\n".utf8)) else { return violate() }
            buffer.removeFirst(6)
            state = .ready
            return .ready
        case .ready:
            return violate()
        case .busy:
            guard let length = resultLength else {
                guard let newline = buffer.firstIndex(of: 0x0A) else { return buffer.count > 1024 ? violate() : nil }
                let line = Array(buffer[..<newline])
                buffer.removeFirst(newline + 1)
                // supervisor takes whatever follows the first seven bytes as the length.
                guard line.count > 7, case .value(let number) = PythonInt.parse(line[7...]), number >= 0,
                      number <= Int64(Self.maximumResult), Self.isASCII(line[7...]) else {
                    state = .unknown
                    return .badResultLine(line)
                }
                resultLength = Int(number)
                return buffer.isEmpty ? nil : step()
            }
            let needed = length - result.count
            let taken = min(needed, buffer.count)
            result += buffer[..<taken]
            buffer.removeFirst(taken)
            guard result.count == length else { return nil }
            let body = result
            result = []
            resultLength = nil
            state = .acknowledged
            return ASCII.equals(body, "OK") ? .accepted : .rejected(body: body)
        }
    }

    private mutating func violate() -> ReplyOutcome {
        state = .unknown
        buffer = []
        return .violation
    }

    /// Python's `int()` of bytes takes only ASCII digits and spaces.
    private static func isASCII(_ bytes: ArraySlice<UInt8>) -> Bool { bytes.allSatisfy { $0 < 0x80 } }
}
