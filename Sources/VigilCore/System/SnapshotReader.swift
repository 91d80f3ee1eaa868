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

/// Takes a `ProcessSnapshot` in one pass over /proc: one directory listing, then for each
/// process its stat, status and (if asked) cmdline, all read through one handle on its
/// /proc/PID directory, so that a reused PID cannot mix two processes. Every file goes
/// through one reused buffer; what grows with the process count is the snapshot itself.
///
/// PID pressure comes from the pids cgroup of the reader (as `docker exec` and `kubectl exec`
/// place it) or, when that has no pids figures (entered with nsenter from the node), of the
/// namespace's PID 1; with a target, of the target. See `PidsReader.usage` for which level.
///
/// With a target (`vigil ps --target HOSTPID`), only the processes of the target's PID
/// namespace are kept, with the PIDs that namespace sees:
/// - A process belongs when the PID namespace it is in (/proc/PID/ns/pid: device and inode)
///   is the target's, or when a namespace nested below the target's holds it: a process
///   whose NSpid has more levels than the target's is followed up through its namespace's
///   parents (ioctl NS_GET_PARENT) to the target's level, and compared there. Such
///   processes are visible inside the target's namespace too, so they are listed.
/// - Its PID, process group and session in that namespace are the entries of NSpid, NSpgid
///   and NSsid at the target's level (the target's own NSpid has that many entries). A
///   parent outside the namespace is shown as 0, as the kernel does inside.
/// - Not covered: pid_max and uptime are the reader's (the node's), user names come from the
///   target's /etc/passwd (via /proc/HOSTPID/root) but ids are as the node sees them, so a
///   container in its own user namespace shows the node's ids.
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
