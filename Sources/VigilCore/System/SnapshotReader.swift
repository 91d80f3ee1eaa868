import CLinux

/// What to read into a `ProcessSnapshot`.
struct SnapshotRequest: Equatable, Sendable {
    /// Show the PID namespace of this process (a PID of the /proc read) instead of /proc's own.
    var target: Int32?
    /// Read /proc/PID/cmdline (a health check needs only states and parents).
    var commandLines = true
    /// Read the passwd file for user names.
    var users = true
    /// Bytes of each command line kept; the rest is dropped and the record marked truncated.
    var commandLineLimit = 4096

    init(target: Int32? = nil, commandLines: Bool = true, users: Bool = true) {
        self.target = target
        self.commandLines = commandLines
        self.users = users
    }
}

/// Takes a `ProcessSnapshot` in one pass over /proc (`ProcDirectory`): each process's stat,
/// status and (if asked) cmdline through one reused buffer; what grows with the process count
/// is the snapshot itself. PID pressure comes from the reader's pids cgroup, or, entered with
/// nsenter from the node, from the namespace's PID 1 (`PidsReader`). With a target (`vigil ps
/// --target HOSTPID`), only the target's PID namespace, with the PIDs it sees (`TargetView`;
/// what that does and does not cover is in the README, "From the node").
enum SnapshotReader {
    static func read(_ request: SnapshotRequest) throws(InspectError) -> ProcessSnapshot {
        var snapshot = ProcessSnapshot()
        let ticks = clinux_clock_ticks()
        snapshot.clockTicks = ticks > 0 ? UInt64(ticks) : 100
        let proc: ProcDirectory
        switch ProcDirectory.open() {
        case .success(let opened): proc = opened
        case .failure(let error): throw InspectError("cannot list", "/proc", errno: error.errno, " (is /proc mounted?)")
        }
        defer { proc.close() }
        var buffer = ReadBuffer(capacity: max(16384, request.commandLineLimit + 1))
        guard let count = buffer.read(proc.fd, "uptime"), let uptime = KernelFigures.parseUptime(buffer[count]) else {
            throw InspectError("cannot read /proc/uptime (is /proc mounted?)")
        }
        snapshot.uptimeHundredths = uptime
        if let count = buffer.read(proc.fd, "sys/kernel/pid_max") { snapshot.pidMax = KernelFigures.parsePidMax(buffer[count]) }

        var target: TargetView? = nil
        if let hostPID = request.target {
            let view = try TargetView.open(hostPID, procfd: proc.fd, buffer: &buffer)
            target = view
            snapshot.target = TargetNamespace(hostPID: hostPID, inode: view.inode)
        }
        let pageKiB = UInt64(max(sysconf(Int32(_SC_PAGESIZE)), 1024) / 1024)
        proc.forEachProcess { _, directory in
            readProcess(directory, request, target, pageKiB, &buffer, into: &snapshot)
        }
        if target != nil { translateParents(&snapshot) }
        snapshot.sortByPID()

        if request.users {
            let passwd = request.target.map { InspectError.proc($0, "root/etc/passwd") } ?? "/etc/passwd"
            if let bytes = Processes.readFile(passwd) { snapshot.users = UserDatabase.parse(bytes) }
        }
        if let hostPID = request.target {
            snapshot.pids = PidsReader.usage(cgroupFile: InspectError.proc(hostPID, "cgroup"))
        } else {
            // Our own cgroup is the container's when run by `docker exec` or `kubectl exec`;
            // entered with nsenter we stay in the node's, so then the namespace's PID 1 tells.
            snapshot.pids = PidsReader.usage(cgroupFile: "/proc/self/cgroup") ?? PidsReader.usage(cgroupFile: "/proc/1/cgroup")
        }
        return snapshot
    }

    /// Adds the process whose /proc/PID directory is open as `directory`. A process that exits
    /// meanwhile leaves files that fail to read: it is skipped.
    private static func readProcess(
        _ directory: Int32, _ request: SnapshotRequest, _ target: TargetView?, _ pageKiB: UInt64,
        _ buffer: inout ReadBuffer, into snapshot: inout ProcessSnapshot
    ) {
        guard let count = buffer.read(directory, "stat"), let stat = ProcessStat.parse(buffer[count]) else { return }
        let status = buffer.read(directory, "status").map { ProcessStatus.parse(buffer[$0]) } ?? ProcessStatus()
        var record = ProcessRecord(
            pid: stat.pid, parent: stat.parent, processGroup: stat.processGroup, session: stat.session,
            state: stat.state, uid: status.uids?.effective, gid: status.gids?.effective,
            residentKiB: status.residentKiB ?? UInt64(max(stat.residentPages, 0)) &* pageKiB,
            cpuTicks: stat.userTicks &+ stat.systemTicks, startTicks: stat.startTicks, threads: stat.threads)
        if let target {
            guard target.contains(directory, status) else { return }
            let level = target.level
            record.pid = status.namespacePIDs[level]
            record.processGroup = level < status.namespaceGroups.count ? status.namespaceGroups[level] : 0
            record.session = level < status.namespaceSessions.count ? status.namespaceSessions[level] : 0
        }
        var commandLine = 0
        var truncated = false
        if request.commandLines, let count = buffer.read(directory, "cmdline", limit: request.commandLineLimit + 1) {
            truncated = count > request.commandLineLimit
            commandLine = min(count, request.commandLineLimit)
        }
        snapshot.append(record, name: stat.comm, commandLine: buffer[commandLine], truncated: truncated)
    }

    /// Parents are read as host PIDs; inside the target's namespace they are that namespace's
    /// PIDs, or 0 for a parent outside it.
    private static func translateParents(_ snapshot: inout ProcessSnapshot) {
        var byHost = snapshot.processes.indices.map { KeySort.key(snapshot.processes[$0].hostPID, $0) }
        KeySort.sort(&byHost)
        let pids = snapshot.processes.map { $0.pid }
        for index in snapshot.processes.indices {
            let found = KeySort.first(major: snapshot.processes[index].parent, in: byHost)
            snapshot.processes[index].parent = found.map { pids[KeySort.minor(byHost[$0])] } ?? 0
        }
    }
}
