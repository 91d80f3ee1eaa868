// Fuzz target: the other files `vigil ps` reads, all line-based: /proc/PID/status
// (`ProcessStatus.parse`), /proc/PID/cgroup (`CgroupMembership`), /proc/self/mountinfo
// (`MountInfo.cgroupMounts`), pids.max (`PidsLimit`), pid_max and /proc/uptime
// (`KernelFigures`).
//
// Input: the file's contents, given to every parser.
@testable import VigilCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProcFiles(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let status = ProcessStatus.parse(input)
    precondition(status.namespacePIDs.count <= 33, "\(status.namespacePIDs.count) PID namespace levels")
    let entries = CgroupMembership.parse(input)
    for entry in entries { precondition(entry.path.first == UInt8(ascii: "/"), "relative cgroup path") }
    let mounts = MountInfo.cgroupMounts(input)
    if let cgroup = CgroupMembership.pidsCgroup(entries), let found = CgroupPaths.directory(of: cgroup, mounts: mounts) {
        precondition(found.directory.starts(with: found.mount.mountPoint), "directory outside its mount")
        var path: [UInt8]? = cgroup.path
        while let current = path {  // Walking up always ends.
            path = CgroupPaths.parent(of: current)
            if let parent = path { precondition(parent.count < current.count, "parent(of:) does not shorten the path") }
        }
    }
    if let limit = PidsLimit.parse(input) {
        // Any limit and count, however large, must format without trapping.
        var snapshot = ProcessSnapshot()
        for current in [0, 1, UInt64.max] {
            snapshot.pids = PidsUsage(current: current, limit: limit, cgroup: input, version: 2)
            _ = snapshot.pids?.headroom
            var out: [UInt8] = []
            PsFormatter.summary(snapshot, to: &out)
        }
    }
    _ = KernelFigures.parsePidMax(input)
    if let hundredths = KernelFigures.parseUptime(input) { precondition(hundredths < UInt64.max / 10, "uptime") }
    return 0
}
