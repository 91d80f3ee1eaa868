import CLinux

/// One process as /proc/PID/stat describes it.
struct ProcessEntry: Equatable {
    var pid: pid_t
    var parent: pid_t
    var state: UInt8
    var name: String
    /// When it started, in clock ticks after boot: with the PID, it names one process for good
    /// (a recycled PID starts later).
    var startTicks: UInt64 = 0

    init(_ pid: pid_t, _ stat: ProcessStat) {
        self.init(pid: pid, parent: stat.parent, state: stat.state, name: String(decoding: stat.comm, as: UTF8.self),
                  startTicks: stat.startTicks)
    }

    init(pid: pid_t, parent: pid_t, state: UInt8, name: String, startTicks: UInt64 = 0) {
        self.pid = pid
        self.parent = parent
        self.state = state
        self.name = name
        self.startTicks = startTicks
    }

    /// Exited and waiting to be reaped: already gone as far as stopping is concerned.
    var isZombie: Bool { ProcessState.isZombie(state) }
    /// Stopped (SIGSTOP) or stopped under a tracer.
    var isStopped: Bool { ProcessState.isStopped(state) }
}

/// A snapshot of the processes visible in vigil's /proc.
struct ProcessTable {
    /// Whether /proc shows this PID namespace: `/proc/self` names vigil's own PID. A /proc
    /// mounted for another namespace (`unshare --pid --fork` without `--mount-proc`) shows
    /// other processes under other numbers; vigil must never act on those.
    static func describesOwnNamespace(ownPID: pid_t) -> Bool {
        var buffer = [CChar](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBufferPointer { readlink("/proc/self", $0.baseAddress!, $0.count - 1) }
        guard count > 0 else { return false }
        return ASCII.parseInteger(buffer[0..<count].map { UInt8(bitPattern: $0) }) == Int64(ownPID)
    }

    var entries: [ProcessEntry]
    /// False when /proc could not be listed (not mounted in this root, for example).
    var isComplete: Bool

    static func read() -> ProcessTable {
        guard case .success(let proc) = ProcDirectory.open() else { return ProcessTable(entries: [], isComplete: false) }
        defer { proc.close() }
        var entries: [ProcessEntry] = []
        var buffer = ReadBuffer(capacity: 1024)
        // Only stat is read: it is read relative to /proc, without opening each directory.
        proc.forEachPID { pid in
            guard let count = buffer.read(proc.fd, decimal(pid) + "/stat"), let stat = ProcessStat.parse(buffer[count]) else {
                return
            }
            entries.append(ProcessEntry(pid, stat))
        }
        return ProcessTable(entries: entries, isComplete: true)
    }

    /// Reads /proc/PID/stat; nil when the process is gone.
    static func entry(_ pid: pid_t) -> ProcessEntry? {
        guard let bytes = Processes.readProcFile(pid, "stat"), let stat = ProcessStat.parse(bytes) else { return nil }
        return ProcessEntry(pid, stat)
    }

    /// Every live descendant of `ancestor`, parents before their children.
    func descendants(of ancestor: pid_t) -> [ProcessEntry] {
        var result: [ProcessEntry] = []
        var frontier: [pid_t] = [ancestor]
        while let parent = frontier.popLast() {
            for entry in entries where entry.parent == parent && entry.pid != ancestor {
                frontier.append(entry.pid)
                if !entry.isZombie { result.append(entry) }
            }
        }
        return result
    }
}
