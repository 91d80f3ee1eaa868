/// One process of a snapshot, as plain values.
struct ProcessRecord: Equatable, Sendable {
    /// As the namespace shown sees it (with `--target`, from NSpid; else as /proc lists it).
    var pid: Int32
    /// As the /proc that was read lists it.
    var hostPID: Int32
    /// 0 when the parent is outside the namespace shown. Process group and session likewise.
    var parent: Int32
    var processGroup: Int32
    var session: Int32
    var state: UInt8
    /// Effective ids; nil when /proc/PID/status could not be read.
    var uid: UInt32?
    var gid: UInt32?
    var residentKiB: UInt64
    /// User plus system time, in clock ticks.
    var cpuTicks: UInt64
    /// Clock ticks after boot.
    var startTicks: UInt64
    var threads: Int64
    /// The command name and the NUL-separated command line, as ranges of `ProcessSnapshot.text`.
    var name: Range<Int>
    var commandLine: Range<Int>
    /// The command line was longer than what was read.
    var commandLineTruncated: Bool

    init(
        pid: Int32, hostPID: Int32? = nil, parent: Int32, processGroup: Int32 = 0, session: Int32 = 0,
        state: UInt8 = UInt8(ascii: "S"), uid: UInt32? = 0, gid: UInt32? = 0, residentKiB: UInt64 = 0,
        cpuTicks: UInt64 = 0, startTicks: UInt64 = 0, threads: Int64 = 1
    ) {
        self.pid = pid
        self.hostPID = hostPID ?? pid
        self.parent = parent
        self.processGroup = processGroup
        self.session = session
        self.state = state
        self.uid = uid
        self.gid = gid
        self.residentKiB = residentKiB
        self.cpuTicks = cpuTicks
        self.startTicks = startTicks
        self.threads = threads
        self.name = 0..<0
        self.commandLine = 0..<0
        self.commandLineTruncated = false
    }

    var isZombie: Bool { ProcessState.isZombie(state) }
}

/// Which namespace a `--target` snapshot shows.
struct TargetNamespace: Equatable, Sendable {
    var hostPID: Int32
    /// The inode of /proc/HOSTPID/ns/pid (what `readlink` shows as `pid:[INODE]`).
    var inode: UInt64

    init(hostPID: Int32, inode: UInt64) {
        self.hostPID = hostPID
        self.inode = inode
    }
}

/// Everything `vigil ps` shows, read in one pass over /proc. Names and command lines of all
/// processes live in one byte buffer, so a snapshot costs a few allocations however many
/// processes there are.
struct ProcessSnapshot: Equatable, Sendable {
    /// Sorted by `pid`.
    var processes: [ProcessRecord] = []
    var text: [UInt8] = []
    var users = UserDatabase()
    /// The pids cgroup level with the least headroom; nil when there is no pids cgroup.
    var pids: PidsUsage?
    var pidMax: UInt64?
    var uptimeHundredths: UInt64 = 0
    var clockTicks: UInt64 = 100
    var target: TargetNamespace?

    init() {}

    /// Adds a process, copying its name and command line into `text`.
    mutating func append(
        _ record: ProcessRecord, name: some Collection<UInt8>, commandLine: some Collection<UInt8>,
        truncated: Bool = false
    ) {
        var record = record
        let nameStart = text.count
        text.append(contentsOf: name)
        record.name = nameStart..<text.count
        let lineStart = text.count
        text.append(contentsOf: commandLine)
        // The kernel ends every argument with a NUL; a command line shown joined needs none at the end.
        while text.count > lineStart, text[text.count - 1] == 0 { text.removeLast() }
        record.commandLine = lineStart..<text.count
        record.commandLineTruncated = truncated
        processes.append(record)
    }

    mutating func sortByPID() {
        var keys = processes.indices.map { KeySort.key(processes[$0].pid, $0) }
        KeySort.sort(&keys)
        let unsorted = processes
        for (position, key) in keys.enumerated() { processes[position] = unsorted[KeySort.minor(key)] }
    }

    func name(of record: ProcessRecord) -> ArraySlice<UInt8> { text[record.name] }
    func commandLine(of record: ProcessRecord) -> ArraySlice<UInt8> { text[record.commandLine] }

    /// The arguments of the command line (split at NUL bytes).
    func arguments(of record: ProcessRecord) -> [ArraySlice<UInt8>] {
        let line = commandLine(of: record)
        return line.isEmpty ? [] : ByteFields.fields(line, separator: 0)
    }

    /// Binary search in `processes` (sorted by pid).
    func index(of pid: Int32) -> Int? {
        let low = KeySort.firstIndex(count: processes.count) { processes[$0].pid >= pid }
        return low < processes.count && processes[low].pid == pid ? low : nil
    }

    var zombieCount: Int { processes.reduce(0) { $0 + ($1.isZombie ? 1 : 0) } }

    /// Whether the process was most likely re-parented (adopted by its parent after its
    /// original parent died). A heuristic, since the kernel keeps no record of it: the process
    /// is in a process group that is neither its own nor its parent's, so it was started by
    /// someone else. Pipelines under an interactive job-control shell look the same (all but
    /// the first stage are in the first stage's group), and a process that made its own group
    /// or session before its parent died does not show as re-parented.
    func isReparented(_ record: ProcessRecord) -> Bool {
        guard record.processGroup > 0, record.processGroup != record.pid,
              let parentIndex = index(of: record.parent)
        else { return false }
        return record.processGroup != processes[parentIndex].processGroup
    }

    /// CPU time in hundredths of a second.
    func cpuHundredths(_ record: ProcessRecord) -> UInt64 {
        clockTicks == 0 ? 0 : record.cpuTicks.multipliedReportingOverflow(by: 100).partialValue / clockTicks
    }

    /// Time since the process started, in hundredths of a second.
    func ageHundredths(_ record: ProcessRecord) -> UInt64 {
        guard clockTicks > 0 else { return 0 }
        let started = record.startTicks.multipliedReportingOverflow(by: 100).partialValue / clockTicks
        return uptimeHundredths > started ? uptimeHundredths - started : 0
    }

    /// The user name for an id, or nil when the passwd file read has none.
    func userName(_ uid: UInt32) -> [UInt8]? { users.user(id: uid)?.name }
}
