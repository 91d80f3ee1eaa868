/// One process as /proc/PID/stat describes it (proc(5) numbers the fields from 1).
///
/// The shape follows what `ProcessTable.entry` needs (pid, parent, state, name) plus what
/// `vigil ps` shows. PIDs are as the /proc that was read sees them.
struct ProcessStat: Equatable, Sendable {
    /// Field 1.
    var pid: Int32
    /// Field 2: the command name, up to 15 bytes for user processes. Any bytes at all: spaces,
    /// parentheses, newlines.
    var comm: [UInt8]
    /// Field 3: R, S, D, Z, T, t, X, I, ...
    var state: UInt8
    /// Field 4 (PPID); 0 when the parent is outside the PID namespace of the /proc read.
    var parent: Int32
    /// Fields 5 to 8.
    var processGroup: Int32
    var session: Int32
    var terminal: Int32
    var foregroundGroup: Int32
    /// Fields 14 and 15: CPU time in user and kernel mode, in clock ticks.
    var userTicks: UInt64
    var systemTicks: UInt64
    /// Field 20.
    var threads: Int64
    /// Field 22: start time in clock ticks after boot.
    var startTicks: UInt64
    /// Field 24: resident set size in pages.
    var residentPages: Int64

    init(
        pid: Int32, comm: [UInt8], state: UInt8, parent: Int32, processGroup: Int32 = 0,
        session: Int32 = 0, terminal: Int32 = 0, foregroundGroup: Int32 = -1, userTicks: UInt64 = 0,
        systemTicks: UInt64 = 0, threads: Int64 = 1, startTicks: UInt64 = 0, residentPages: Int64 = 0
    ) {
        self.pid = pid
        self.comm = comm
        self.state = state
        self.parent = parent
        self.processGroup = processGroup
        self.session = session
        self.terminal = terminal
        self.foregroundGroup = foregroundGroup
        self.userTicks = userTicks
        self.systemTicks = systemTicks
        self.threads = threads
        self.startTicks = startTicks
        self.residentPages = residentPages
    }

    var isZombie: Bool { ProcessState.isZombie(state) }

    /// Parses the contents of /proc/PID/stat; nil when it is not that format.
    ///
    /// The name is everything between the first '(' and the last ')': the kernel does not
    /// escape it, and no field after it can hold a ')'.
    static func parse(_ bytes: [UInt8]) -> ProcessStat? { parse(bytes[...]) }

    static func parse(_ bytes: ArraySlice<UInt8>) -> ProcessStat? {
        guard let open = bytes.firstIndex(of: UInt8(ascii: "(")),
              let close = bytes.lastIndex(of: UInt8(ascii: ")")),
              open < close
        else { return nil }
        var index = bytes.startIndex
        guard let pid = ByteFields.signed(bytes, &index), pid > 0, pid <= Int64(Int32.max) else { return nil }
        ByteFields.skipBlanks(bytes, &index)
        guard index == open else { return nil }
        // After ") ": the state, then numbers separated by single spaces.
        index = close + 1
        guard index + 1 < bytes.endIndex, bytes[index] == 0x20 else { return nil }
        let state = bytes[index + 1]
        guard state > 0x20, state < 0x7F else { return nil }
        index += 2
        // Fields 4 to 24, each after one space; the ones ps needs are kept. Later fields
        // (some unsigned values above Int64.max) are not read.
        var kept = (parent: Int64(0), group: Int64(0), session: Int64(0), terminal: Int64(0), foreground: Int64(0),
                    user: Int64(0), system: Int64(0), threads: Int64(0), start: Int64(0), rss: Int64(0))
        for field in 4...24 {
            guard index < bytes.endIndex, bytes[index] == 0x20 else { return nil }
            index += 1
            guard let value = ByteFields.signed(bytes, &index) else { return nil }
            switch field {
            case 4: kept.parent = value
            case 5: kept.group = value
            case 6: kept.session = value
            case 7: kept.terminal = value
            case 8: kept.foreground = value
            case 14: kept.user = value
            case 15: kept.system = value
            case 20: kept.threads = value
            case 22: kept.start = value
            case 24: kept.rss = value
            default: break
            }
        }
        func pidField(_ value: Int64) -> Int32? {
            value >= Int64(Int32.min) && value <= Int64(Int32.max) ? Int32(value) : nil
        }
        func ticks(_ value: Int64) -> UInt64 { value < 0 ? 0 : UInt64(value) }
        guard let parent = pidField(kept.parent), let group = pidField(kept.group),
              let session = pidField(kept.session), let terminal = pidField(kept.terminal),
              let foreground = pidField(kept.foreground)
        else { return nil }
        return ProcessStat(
            pid: Int32(pid), comm: Array(bytes[(open + 1)..<close]), state: state, parent: parent,
            processGroup: group, session: session, terminal: terminal, foregroundGroup: foreground,
            userTicks: ticks(kept.user), systemTicks: ticks(kept.system), threads: kept.threads,
            startTicks: ticks(kept.start), residentPages: kept.rss)
    }
}

/// What the state letter of /proc/PID/stat says.
enum ProcessState {
    /// Exited and not yet reaped (Z), or being torn down (X).
    static func isZombie(_ state: UInt8) -> Bool { state == UInt8(ascii: "Z") || state == UInt8(ascii: "X") }

    /// Stopped (SIGSTOP, T) or stopped under a tracer (t).
    static func isStopped(_ state: UInt8) -> Bool { state == UInt8(ascii: "T") || state == UInt8(ascii: "t") }
}
