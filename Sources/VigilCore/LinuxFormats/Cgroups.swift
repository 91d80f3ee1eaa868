/// One line of /proc/PID/cgroup: `hierarchy-ID:controller-list:path`.
/// cgroup v2 has a single line `0::/path`; v1 has one line per hierarchy (`8:pids:/path`,
/// `4:cpu,cpuacct:/path`, `1:name=systemd:/path`).
struct CgroupEntry: Equatable, Sendable {
    var hierarchy: UInt32
    var controllers: [[UInt8]]
    /// Relative to the root of the reader's cgroup namespace; may contain ':'.
    var path: [UInt8]

    init(hierarchy: UInt32, controllers: [[UInt8]], path: [UInt8]) {
        self.hierarchy = hierarchy
        self.controllers = controllers
        self.path = path
    }

    var isUnified: Bool { hierarchy == 0 && controllers.isEmpty }

    func has(controller name: String) -> Bool {
        controllers.contains { ASCII.equals($0, name) }
    }
}

/// Where a process's pids limit is accounted.
enum PidsCgroup: Equatable, Sendable {
    /// A v1 hierarchy with the pids controller.
    case v1(path: [UInt8])
    /// The unified v2 hierarchy (pids.max there, if the controller is enabled at that level).
    case v2(path: [UInt8])

    var path: [UInt8] {
        switch self {
        case .v1(let path), .v2(let path): return path
        }
    }

    var version: Int {
        switch self {
        case .v1: return 1
        case .v2: return 2
        }
    }
}

enum CgroupMembership {
    /// Parses /proc/PID/cgroup; malformed lines are skipped.
    static func parse(_ bytes: [UInt8]) -> [CgroupEntry] { parse(bytes[...]) }

    static func parse(_ bytes: ArraySlice<UInt8>) -> [CgroupEntry] {
        var entries: [CgroupEntry] = []
        ByteFields.forEachLine(bytes) { line in
            guard let first = line.firstIndex(of: UInt8(ascii: ":")),
                  let second = line[(first + 1)...].firstIndex(of: UInt8(ascii: ":"))
            else { return }
            var index = line.startIndex
            guard let hierarchy = ByteFields.unsigned(line, &index), index == first, hierarchy <= UInt64(UInt32.max)
            else { return }
            let path = line[(second + 1)...]
            guard path.first == UInt8(ascii: "/") else { return }
            var controllers: [[UInt8]] = []
            let list = line[(first + 1)..<second]
            if !list.isEmpty {
                for name in ByteFields.fields(list, separator: UInt8(ascii: ",")) where !name.isEmpty {
                    controllers.append(Array(name))
                }
            }
            entries.append(CgroupEntry(hierarchy: UInt32(hierarchy), controllers: controllers, path: Array(path)))
        }
        return entries
    }

    /// The cgroup whose pids files apply: the v1 pids hierarchy when there is one (a hybrid
    /// setup binds the controller there), else the unified hierarchy.
    static func pidsCgroup(_ entries: [CgroupEntry]) -> PidsCgroup? {
        if let v1 = entries.first(where: { !$0.isUnified && $0.has(controller: "pids") }) {
            return .v1(path: v1.path)
        }
        if let v2 = entries.first(where: { $0.isUnified }) { return .v2(path: v2.path) }
        return nil
    }
}

/// A cgroup file system mounted somewhere, from /proc/PID/mountinfo.
struct CgroupMount: Equatable, Sendable {
    /// The cgroup that appears at the mount point (field 4), "/" unless a sub-tree is mounted.
    var root: [UInt8]
    var mountPoint: [UInt8]
    var version: Int
    /// v1: the super options, which name the hierarchy's controllers ("rw", "pids").
    var options: [[UInt8]]

    init(root: [UInt8], mountPoint: [UInt8], version: Int, options: [[UInt8]] = []) {
        self.root = root
        self.mountPoint = mountPoint
        self.version = version
        self.options = options
    }
}

enum MountInfo {
    /// The cgroup and cgroup2 mounts listed in /proc/PID/mountinfo, in order.
    /// Line format (proc(5)): `ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE
    /// SOURCE SUPEROPTIONS`, with spaces, tabs, newlines and backslashes in paths written as
    /// octal escapes (`\040`).
    static func cgroupMounts(_ bytes: [UInt8]) -> [CgroupMount] { cgroupMounts(bytes[...]) }

    static func cgroupMounts(_ bytes: ArraySlice<UInt8>) -> [CgroupMount] {
        var mounts: [CgroupMount] = []
        ByteFields.forEachLine(bytes) { line in
            let words = ByteFields.fields(line, separator: 0x20)
            guard words.count >= 10, let dash = words.firstIndex(where: { ASCII.equals($0, "-") }),
                  dash >= 6, dash + 3 < words.count
            else { return }
            let type = words[dash + 1]
            let version: Int
            if ASCII.equals(type, "cgroup") {
                version = 1
            } else if ASCII.equals(type, "cgroup2") {
                version = 2
            } else {
                return
            }
            guard let root = unescape(words[3]), let point = unescape(words[4]) else { return }
            var options: [[UInt8]] = []
            if version == 1 {
                for option in ByteFields.fields(words[dash + 3], separator: UInt8(ascii: ",")) where !option.isEmpty {
                    options.append(Array(option))
                }
            }
            mounts.append(CgroupMount(root: root, mountPoint: point, version: version, options: options))
        }
        return mounts
    }

    /// Decodes the kernel's `\ooo` escapes; nil on a malformed one.
    static func unescape(_ field: ArraySlice<UInt8>) -> [UInt8]? {
        var result: [UInt8] = []
        result.reserveCapacity(field.count)
        var index = field.startIndex
        while index < field.endIndex {
            let byte = field[index]
            if byte != UInt8(ascii: "\\") {
                result.append(byte)
                index += 1
                continue
            }
            guard field.endIndex - index >= 4 else { return nil }
            var value: UInt32 = 0
            for offset in 1...3 {
                let digit = field[index + offset]
                guard digit >= 0x30, digit <= 0x37 else { return nil }
                value = value * 8 + UInt32(digit - 0x30)
            }
            guard value <= 0xFF else { return nil }
            result.append(UInt8(value))
            index += 4
        }
        return result
    }
}

/// How to find a cgroup's files, and which of its levels limit it.
enum CgroupPaths {
    /// The directory of `cgroup` under the mount that holds it: the mount's root must be the
    /// cgroup path itself or one of its ancestors. nil when no mount shows that cgroup (for
    /// example a path outside the reader's cgroup namespace, which starts with "/..").
    static func directory(of cgroup: PidsCgroup, mounts: [CgroupMount]) -> (mount: CgroupMount, directory: [UInt8])? {
        let path = cgroup.path
        for mount in mounts {
            switch cgroup {
            case .v1: guard mount.version == 1, mount.options.contains(where: { ASCII.equals($0, "pids") }) else { continue }
            case .v2: guard mount.version == 2 else { continue }
            }
            guard let rest = relative(path, to: mount.root) else { continue }
            var directory = mount.mountPoint
            if !rest.isEmpty {
                if directory.last != UInt8(ascii: "/") { directory.append(UInt8(ascii: "/")) }
                directory.append(contentsOf: rest)
            }
            return (mount, directory)
        }
        return nil
    }

    /// `path` below `root`, without a leading '/'; "" when equal; nil when not below it or
    /// when it steps upward ("..").
    static func relative(_ path: [UInt8], to root: [UInt8]) -> [UInt8]? {
        let components = ByteFields.fields(path[...], separator: UInt8(ascii: "/")).filter { !$0.isEmpty }
        let rootComponents = ByteFields.fields(root[...], separator: UInt8(ascii: "/")).filter { !$0.isEmpty }
        if components.contains(where: { ASCII.equals($0, "..") || ASCII.equals($0, ".") }) { return nil }
        guard components.count >= rootComponents.count else { return nil }
        for (index, component) in rootComponents.enumerated() where !components[index].elementsEqual(component) {
            return nil
        }
        var rest: [UInt8] = []
        for component in components[rootComponents.count...] {
            if !rest.isEmpty { rest.append(UInt8(ascii: "/")) }
            rest.append(contentsOf: component)
        }
        return rest
    }

    /// The cgroup path with its last component removed; nil at "/".
    static func parent(of path: [UInt8]) -> [UInt8]? {
        var end = path.count
        while end > 0, path[end - 1] == UInt8(ascii: "/") { end -= 1 }
        guard end > 0 else { return nil }
        guard let slash = path[..<end].lastIndex(of: UInt8(ascii: "/")) else { return nil }
        return slash == 0 ? [UInt8(ascii: "/")] : Array(path[..<slash])
    }
}

/// The limit in a pids.max file.
enum PidsLimit: Equatable, Sendable {
    case unlimited
    case limit(UInt64)

    /// "max" (no limit) or a number, with the trailing newline the kernel writes.
    static func parse(_ bytes: [UInt8]) -> PidsLimit? { parse(bytes[...]) }

    static func parse(_ bytes: ArraySlice<UInt8>) -> PidsLimit? {
        let value = ByteFields.trim(bytes)
        if ASCII.equals(value, "max") { return .unlimited }
        return ByteFields.wholeUnsigned(value).map { .limit($0) }
    }
}

/// One level of a cgroup's pids figures.
struct PidsUsage: Equatable, Sendable {
    var current: UInt64
    var limit: PidsLimit
    var cgroup: [UInt8]
    var version: Int

    init(current: UInt64, limit: PidsLimit, cgroup: [UInt8], version: Int) {
        self.current = current
        self.limit = limit
        self.cgroup = cgroup
        self.version = version
    }

    /// How many more PIDs fit before fork fails; nil when unlimited.
    var headroom: UInt64? {
        guard case .limit(let max) = limit else { return nil }
        return max > current ? max - current : 0
    }

    /// Forks fail when any level reaches its limit, so the level with the least headroom is
    /// the one to report; with no limit anywhere, the first (innermost) level.
    static func tightest(_ levels: [PidsUsage]) -> PidsUsage? {
        var best: PidsUsage? = nil
        for level in levels {
            guard let room = level.headroom else { continue }
            if let current = best?.headroom, current <= room { continue }
            best = level
        }
        return best ?? levels.first
    }
}
