/// What a listener's `RESULT` body means (a pool's `result_handler`).
enum ListenerResultHandler: Equatable {
    /// supervisor's default: `OK` accepts, anything else rejects (the event is sent again).
    case standard
    /// `supervisor_stdout:event_handler`: the body is the event the listener got, its data to
    /// be printed on supervisord's stdout line by line as `PROCESS CHANNEL | line`.
    case printsLog
    /// Python code vigil cannot run: every result is taken as accepted.
    case acceptsAll
}

/// supervisor's event listener pools (`EventListenerPool`) as a plain value: each pool buffers
/// the events it subscribed to (at most `bufferSize`, the oldest dropped first), numbers them
/// (a serial for the whole of supervisord, one per pool), and sends the oldest to the first of
/// its listeners that is RUNNING and READY, one event at a time. A rejected event, or one whose
/// listener died while busy with it, goes back to the head of its pool's buffer.
struct ListenerPools {
    struct Pool {
        let name: String
        let subscriptions: [ListenerEventType]
        let bufferSize: Int
        let handler: ListenerResultHandler
        /// Its listeners' process indices, in supervisor's order.
        var members: [Int]
        var buffer: [Queued] = []
        var serial: Int64 = -1

        func subscribes(to type: ListenerEventType) -> Bool {
            subscriptions.contains { type.isDelivered(to: $0) }
        }
    }

    /// An event waiting in a pool, with its numbers.
    struct Queued: Equatable {
        var event: ListenerEvent
        var serial: Int64
        var poolSerial: Int64
    }

    /// One listener process: where its conversation stands, and the event it is busy with.
    struct PoolMember {
        let process: Int
        let pool: Int
        var conversation = ListenerProtocol()
        var busyWith: Queued? = nil
    }

    /// What a listener's output led to, for the log and vigil's stdout.
    enum PoolOutcome: Equatable {
        case rejected(process: Int)
        case unknown(process: Int)
        /// Lines to print on vigil's stdout (`supervisor_stdout:event_handler`).
        case print([UInt8])
    }

    private(set) var pools: [Pool] = []
    private(set) var listeners: [PoolMember] = []
    private var serial: Int64 = -1
    /// Events dropped because a buffer was full: (pool, serial), for the log.
    private(set) var overflows: [(pool: String, serial: Int64)] = []

    init() {}

    var isEmpty: Bool { pools.isEmpty }

    /// Adds listener process `process` to pool `name` (made on first use).
    mutating func add(process: Int, pool name: String, subscriptions: [ListenerEventType], bufferSize: Int, handler: ListenerResultHandler) {
        let index: Int
        if let found = pools.firstIndex(where: { PythonText.same($0.name, name) }) {
            index = found
        } else {
            pools.append(Pool(name: name, subscriptions: subscriptions, bufferSize: max(1, bufferSize), handler: handler, members: []))
            index = pools.count - 1
        }
        pools[index].members.append(process)
        listeners.append(PoolMember(process: process, pool: index))
    }

    /// Whether any pool takes events of `type` (so that they are worth making).
    func wants(_ type: ListenerEventType) -> Bool {
        pools.contains { $0.subscribes(to: type) }
    }

    /// An event happened: every pool that subscribed to its type buffers it.
    mutating func publish(_ event: ListenerEvent) {
        var numbered: Int64? = nil
        for index in pools.indices where pools[index].subscribes(to: event.type) {
            if numbered == nil {
                serial = serial == Int64.max ? 0 : serial + 1
                numbered = serial
            }
            pools[index].serial = pools[index].serial == Int64.max ? 0 : pools[index].serial + 1
            enqueue(Queued(event: event, serial: numbered ?? 0, poolSerial: pools[index].serial), in: index, atHead: false)
        }
    }

    private mutating func enqueue(_ queued: Queued, in pool: Int, atHead: Bool) {
        if pools[pool].buffer.count >= pools[pool].bufferSize, !pools[pool].buffer.isEmpty {
            let dropped = pools[pool].buffer.removeFirst()
            overflows.append((pools[pool].name, dropped.serial))
        }
        if atHead { pools[pool].buffer.insert(queued, at: 0) } else { pools[pool].buffer.append(queued) }
    }

    /// The buffer overflows since the last call.
    mutating func takeOverflows() -> [(pool: String, serial: Int64)] {
        defer { overflows = [] }
        return overflows
    }

    /// Sends each pool's oldest events to its listeners that are RUNNING (`isRunning`) and
    /// READY: what to write to which process's stdin.
    mutating func dispatch(identifier: String, isRunning: (Int) -> Bool) -> [(process: Int, bytes: [UInt8])] {
        var writes: [(process: Int, bytes: [UInt8])] = []
        for pool in pools.indices {
            while let next = pools[pool].buffer.first {
                guard let member = listeners.firstIndex(where: {
                    $0.pool == pool && $0.conversation.state == .ready && isRunning($0.process)
                }) else { break }
                pools[pool].buffer.removeFirst()
                listeners[member].conversation.eventSent()
                listeners[member].busyWith = next
                let bytes = next.event.envelope(identifier: identifier, serial: next.serial, pool: pools[pool].name, poolSerial: next.poolSerial)
                writes.append((listeners[member].process, bytes))
            }
        }
        return writes
    }

    /// Whether listener process `process` has events still to take or to finish: one it is
    /// busy with, or some in its pool's buffer while it can still take them (not UNKNOWN).
    func hasWork(process: Int) -> Bool {
        guard let member = listeners.first(where: { $0.process == process }) else { return false }
        if member.busyWith != nil { return true }
        return !pools[member.pool].buffer.isEmpty && member.conversation.state != .unknown
    }

    /// A listener process started: it begins ACKNOWLEDGED, waiting for its `READY`.
    mutating func started(process: Int) {
        guard let member = listeners.firstIndex(where: { $0.process == process }) else { return }
        listeners[member].conversation.reset()
        listeners[member].busyWith = nil
    }

    /// A listener process is gone: the event it was busy with goes back to its pool.
    mutating func exited(process: Int) {
        guard let member = listeners.firstIndex(where: { $0.process == process }) else { return }
        if let event = listeners[member].busyWith { enqueue(event, in: listeners[member].pool, atHead: true) }
        listeners[member].busyWith = nil
    }

    /// What a listener wrote on its stdout.
    mutating func received(_ bytes: [UInt8], from process: Int) -> [PoolOutcome] {
        guard let member = listeners.firstIndex(where: { $0.process == process }) else { return [] }
        var outcomes: [PoolOutcome] = []
        for reply in listeners[member].conversation.feed(bytes) {
            let event = listeners[member].busyWith
            switch reply {
            case .ready:
                break
            case .accepted:
                listeners[member].busyWith = nil
            case .rejected(let body):
                listeners[member].busyWith = nil
                outcomes += handle(body, event, member)
            case .badResultLine:
                listeners[member].busyWith = nil
                if let event { enqueue(event, in: listeners[member].pool, atHead: true) }
                outcomes.append(.unknown(process: process))
            case .violation:
                listeners[member].busyWith = nil
                outcomes.append(.unknown(process: process))
            }
        }
        return outcomes
    }

    /// A result other than `OK`, as the pool's handler takes it.
    private mutating func handle(_ body: [UInt8], _ event: Queued?, _ member: Int) -> [PoolOutcome] {
        let pool = listeners[member].pool
        let process = listeners[member].process
        switch pools[pool].handler {
        case .acceptsAll:
            return []
        case .standard:
            if let event { enqueue(event, in: pool, atHead: true) }
            return [.rejected(process: process)]
        case .printsLog:
            guard let lines = ListenerPools.prefixedLines(body) else {
                listeners[member].conversation.markUnknown()
                if let event { enqueue(event, in: pool, atHead: true) }
                return [.unknown(process: process)]
            }
            return [.print(lines)]
        }
    }

    /// `processname:web groupname:web pid:7 channel:stdout` and a line feed, then the data:
    /// each line of the data as `web stdout | line`.
    static func prefixedLines(_ body: [UInt8]) -> [UInt8]? {
        guard let newline = body.firstIndex(of: 0x0A) else { return nil }
        var process: ArraySlice<UInt8>? = nil
        var channel: ArraySlice<UInt8>? = nil
        for field in body[..<newline].split(separator: 0x20) {
            let parts = field.split(separator: UInt8(ascii: ":"), maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { return nil }
            if ASCII.equals(parts[0], "processname") { process = parts[1] }
            if ASCII.equals(parts[0], "channel") { channel = parts[1] }
        }
        guard let process, let channel else { return nil }
        var data = body[(newline + 1)...]
        if data.last == 0x0A { data = data.dropLast() }
        var out: [UInt8] = []
        for line in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
            out += process
            out.append(0x20)
            out += channel
            out += Array(" | ".utf8)
            out += line
            out.append(0x0A)
        }
        return out
    }
}
