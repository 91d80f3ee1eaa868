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

/// Why a snapshot could not be taken, as one line for the user.
struct InspectError: Error, Equatable {
    let message: String
    init(_ message: String) { self.message = message }

    /// "cannot read /proc/PID/status: No such file or directory". Out of line, like `proc`:
    /// inlined string building costs about a kilobyte per message in the Embedded binary.
    @inline(never)
    init(_ action: String, _ path: String, errno: Int32, _ hint: String = "") {
        message = action + " " + path + ": " + SystemError.reason(errno) + hint
    }

    /// "/proc/PID/NAME", or "/proc/PID" when `name` is empty.
    @inline(never)
    static func proc(_ pid: Int32, _ name: String = "") -> String {
        var path = "/proc/"
        path += String(pid)
        if !name.isEmpty { path += "/" + name }
        return path
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
        guard let listing = opendir("/proc") else {
            throw InspectError("cannot list", "/proc", errno: clinux_errno(), " (is /proc mounted?)")
        }
        defer { closedir(listing) }
        let procfd = dirfd(listing)
        var buffer = ReadBuffer(capacity: max(16384, request.commandLineLimit + 1))
        guard let count = buffer.read(procfd, "uptime"), let uptime = KernelFigures.parseUptime(buffer[count]) else {
            throw InspectError("cannot read /proc/uptime (is /proc mounted?)")
        }
        snapshot.uptimeHundredths = uptime
        if let count = buffer.read(procfd, "sys/kernel/pid_max") { snapshot.pidMax = KernelFigures.parsePidMax(buffer[count]) }

        var target: TargetView? = nil
        if let hostPID = request.target {
            let view = try TargetView.open(hostPID, procfd: procfd, buffer: &buffer)
            target = view
            snapshot.target = TargetNamespace(hostPID: hostPID, inode: view.inode)
        }
        let pageKiB = UInt64(max(sysconf(Int32(_SC_PAGESIZE)), 1024) / 1024)

        while true {
            let pid = clinux_next_pid_entry(listing)
            if pid == 0 { break }
            let directory = clinux_open_pid_directory(procfd, pid)
            guard directory >= 0 else { continue }
            defer { close(directory) }
            // A process that exits meanwhile leaves files that fail to read: it is skipped.
            guard let count = buffer.read(directory, "stat"), let stat = ProcessStat.parse(buffer[count]) else { continue }
            let status = buffer.read(directory, "status").map { ProcessStatus.parse(buffer[$0]) } ?? ProcessStatus()
            var record = ProcessRecord(
                pid: stat.pid, parent: stat.parent, processGroup: stat.processGroup, session: stat.session,
                state: stat.state, uid: status.uids?.effective, gid: status.gids?.effective,
                residentKiB: status.residentKiB ?? UInt64(max(stat.residentPages, 0)) &* pageKiB,
                cpuTicks: stat.userTicks &+ stat.systemTicks, startTicks: stat.startTicks, threads: stat.threads)
            if let target {
                guard target.contains(directory, status) else { continue }
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

    /// Parents are read as host PIDs; inside the target's namespace they are that namespace's
    /// PIDs, or 0 for a parent outside it.
    private static func translateParents(_ snapshot: inout ProcessSnapshot) {
        var byHost = snapshot.processes.indices.map { KeySort.key(snapshot.processes[$0].hostPID, $0) }
        KeySort.sort(&byHost)
        let pids = snapshot.processes.map { $0.pid }
        for index in snapshot.processes.indices {
            let parent = snapshot.processes[index].parent
            var low = 0
            var high = byHost.count
            while low < high {
                let middle = (low + high) / 2
                if KeySort.major(byHost[middle]) < parent { low = middle + 1 } else { high = middle }
            }
            let found = low < byHost.count && KeySort.major(byHost[low]) == parent
            snapshot.processes[index].parent = found ? pids[KeySort.minor(byHost[low])] : 0
        }
    }
}

/// The namespace a `--target` snapshot shows.
struct TargetView {
    /// Index into NSpid (and NSpgid, NSsid) of the target's namespace.
    let level: Int
    let device: UInt64
    let inode: UInt64

    static func open(_ hostPID: Int32, procfd: Int32, buffer: inout ReadBuffer) throws(InspectError) -> TargetView {
        let directory = clinux_open_pid_directory(procfd, hostPID)
        guard directory >= 0 else {
            throw InspectError("--target: cannot open", InspectError.proc(hostPID), errno: clinux_errno())
        }
        defer { close(directory) }
        guard let count = buffer.read(directory, "status") else {
            throw InspectError("--target: cannot read", InspectError.proc(hostPID, "status"), errno: clinux_errno())
        }
        let status = ProcessStatus.parse(buffer[count])
        guard !status.namespacePIDs.isEmpty else {
            throw InspectError(InspectError.proc(hostPID, "status") + " has no NSpid line (Linux 4.1 or later is needed)")
        }
        guard let (device, inode) = namespaceIdentity(directory) else {
            throw InspectError("--target: cannot read", InspectError.proc(hostPID, "ns/pid"), errno: clinux_errno())
        }
        return TargetView(level: status.namespacePIDs.count - 1, device: device, inode: inode)
    }

    /// Device and inode of the PID namespace a process is in.
    static func namespaceIdentity(_ directory: Int32) -> (UInt64, UInt64)? {
        var info = stat()
        guard fstatat(directory, "ns/pid", &info, 0) == 0 else { return nil }
        return (UInt64(info.st_dev), UInt64(info.st_ino))
    }

    func contains(_ directory: Int32, _ status: ProcessStatus) -> Bool {
        let depth = status.namespacePIDs.count
        guard depth > level else { return false }
        guard let (device, inode) = TargetView.namespaceIdentity(directory) else { return false }
        if device == self.device && inode == self.inode { return true }
        guard depth > level + 1 else { return false }
        // In a namespace nested below: walk up to the target's level and compare there.
        var namespace = clinux_openat_read(directory, "ns/pid")
        guard namespace >= 0 else { return false }
        for _ in 0..<(depth - 1 - level) {
            let parent = clinux_ns_get_parent(namespace)
            close(namespace)
            guard parent >= 0 else { return false }
            namespace = parent
        }
        defer { close(namespace) }
        var info = stat()
        guard fstat(namespace, &info) == 0 else { return false }
        return UInt64(info.st_dev) == self.device && UInt64(info.st_ino) == self.inode
    }
}

/// Reads the pids cgroup figures of a process.
enum PidsReader {
    /// The level of the process's pids cgroup, or of one of its ancestors up to the mount's
    /// root, with the least headroom (see `PidsUsage.tightest`); nil when none has both
    /// pids.current and pids.max (no pids hierarchy, or the root cgroup).
    static func usage(cgroupFile: String) -> PidsUsage? {
        guard let membership = Processes.readFile(cgroupFile),
              let cgroup = CgroupMembership.pidsCgroup(CgroupMembership.parse(membership)),
              let mountinfo = Processes.readFile("/proc/self/mountinfo")
        else { return nil }
        let mounts = MountInfo.cgroupMounts(mountinfo)
        var levels: [PidsUsage] = []
        var path: [UInt8]? = cgroup.path
        while let current = path, levels.count < 64 {
            let level: PidsCgroup = cgroup.version == 1 ? .v1(path: current) : .v2(path: current)
            guard let (_, directory) = CgroupPaths.directory(of: level, mounts: mounts) else { break }
            let base = String(decoding: directory, as: UTF8.self)
            if let count = Processes.readFile(base + "/pids.current").flatMap(KernelFigures.parseCount),
               let limit = Processes.readFile(base + "/pids.max").flatMap(PidsLimit.parse)
            {
                levels.append(PidsUsage(current: count, limit: limit, cgroup: current, version: cgroup.version))
            }
            path = CgroupPaths.parent(of: current)
        }
        return PidsUsage.tightest(levels)
    }
}

/// One buffer for every small file a snapshot reads.
struct ReadBuffer {
    private var storage: [UInt8]
    /// A file read whole may grow the buffer up to this size: /proc/PID/status puts the
    /// Groups line, as long as the process's supplementary groups, before NSpid.
    static let maximum = 1 << 20

    init(capacity: Int) {
        storage = [UInt8](repeating: 0, count: capacity)
    }

    /// Reads `name` under `directory`, whole (up to `maximum`) or up to `limit` bytes; nil
    /// when it cannot be opened or read. The bytes are then `self[count]`, until the next read.
    @inline(never)
    mutating func read(_ directory: Int32, _ name: String, limit: Int? = nil) -> Int? {
        let fd = name.withCString { clinux_openat_read(directory, $0) }
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var filled = 0
        while true {
            if filled == storage.count {
                guard limit == nil, storage.count < ReadBuffer.maximum else { break }
                storage.append(contentsOf: repeatElement(0, count: storage.count))
            }
            let wanted = min(limit ?? storage.count, storage.count) - filled
            if wanted <= 0 { break }
            let result = storage.withUnsafeMutableBytes { raw in
                valueOrErrno { CLinux.read(fd, raw.baseAddress! + filled, wanted) }
            }
            guard case .success(let count) = result else { return nil }
            if count == 0 { break }
            filled += count
        }
        return filled
    }

    /// The first `count` bytes. Use the slice within one statement: holding it across the next
    /// `read` would make that read copy the buffer.
    subscript(count: Int) -> ArraySlice<UInt8> { storage[0..<count] }
}
