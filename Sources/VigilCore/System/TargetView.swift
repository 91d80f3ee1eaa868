import CLinux

/// The namespace a `--target` snapshot shows. A process belongs when its PID namespace
/// (device and inode of /proc/PID/ns/pid) is the target's, or is nested below it: one whose
/// NSpid has more levels is followed up through its namespace's parents (NS_GET_PARENT) to
/// the target's level and compared there. Its PID, group and session there are NSpid's,
/// NSpgid's and NSsid's entries at that level.
struct TargetView {
    /// Index into NSpid (and NSpgid, NSsid) of the target's namespace.
    let level: Int
    let device: UInt64
    let inode: UInt64

    static func open(_ hostPID: Int32, procfd: Int32, buffer: inout ReadBuffer) throws(InspectError) -> TargetView {
        let directory: Int32
        switch valueOrErrno({ clinux_open_pid_directory(procfd, hostPID) }) {
        case .success(let opened): directory = opened
        case .failure(let errno): throw InspectError("--target: cannot open", InspectError.proc(hostPID), errno: errno.rawValue)
        }
        defer { closeDescriptor(directory) }
        guard let count = buffer.read(directory, "status") else {
            throw InspectError("--target: cannot read", InspectError.proc(hostPID, "status"), errno: buffer.lastError)
        }
        let status = ProcessStatus.parse(buffer[count])
        guard !status.namespacePIDs.isEmpty else {
            throw InspectError(InspectError.proc(hostPID, "status") + " has no NSpid line (Linux 4.1 or later is needed)")
        }
        let identity = namespaceIdentity(directory)
        guard case .success(let (device, inode)) = identity else {
            if case .failure(let errno) = identity {
                throw InspectError("--target: cannot read", InspectError.proc(hostPID, "ns/pid"), errno: errno.rawValue)
            }
            throw InspectError("--target: cannot read " + InspectError.proc(hostPID, "ns/pid"))
        }
        return TargetView(level: status.namespacePIDs.count - 1, device: device, inode: inode)
    }

    /// Device and inode of the PID namespace a process is in.
    static func namespaceIdentity(_ directory: Int32) -> Result<(UInt64, UInt64), Errno> {
        var info = stat()
        if case .failure(let errno) = valueOrErrno({ fstatat(directory, "ns/pid", &info, 0) }) { return .failure(errno) }
        return .success((UInt64(info.st_dev), UInt64(info.st_ino)))
    }

    func contains(_ directory: Int32, _ status: ProcessStatus) -> Bool {
        let depth = status.namespacePIDs.count
        guard depth > level else { return false }
        guard case .success(let (device, inode)) = TargetView.namespaceIdentity(directory) else { return false }
        if device == self.device && inode == self.inode { return true }
        guard depth > level + 1 else { return false }
        // In a namespace nested below: walk up to the target's level and compare there.
        guard case .success(var namespace) = valueOrErrno({ clinux_openat_read(directory, "ns/pid") }) else { return false }
        for _ in 0..<(depth - 1 - level) {
            let parent = valueOrErrno { clinux_ns_get_parent(namespace) }
            closeDescriptor(namespace)
            guard case .success(let next) = parent else { return false }
            namespace = next
        }
        defer { closeDescriptor(namespace) }
        var info = stat()
        guard case .success = valueOrErrno({ fstat(namespace, &info) }) else { return false }
        return UInt64(info.st_dev) == self.device && UInt64(info.st_ino) == self.inode
    }
}
