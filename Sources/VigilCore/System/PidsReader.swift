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
