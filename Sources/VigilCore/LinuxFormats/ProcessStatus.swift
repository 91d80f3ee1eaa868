/// The parts of /proc/PID/status that `vigil ps` needs and /proc/PID/stat lacks.
struct ProcessStatus: Equatable, Sendable {
    /// Uid: real, effective, saved, filesystem.
    var uids: (real: UInt32, effective: UInt32, saved: UInt32, filesystem: UInt32)?
    var gids: (real: UInt32, effective: UInt32, saved: UInt32, filesystem: UInt32)?
    /// NSpid: the PID in each PID namespace the process is in, from the namespace of the /proc
    /// that was read down to the process's own (its last entry). NSpgid and NSsid likewise;
    /// an entry is 0 where the group or session leader is not visible.
    var namespacePIDs: [Int32] = []
    var namespaceGroups: [Int32] = []
    var namespaceSessions: [Int32] = []
    /// VmRSS in KiB; nil for kernel threads and zombies, which have no memory of their own.
    var residentKiB: UInt64?
    var threads: Int64?

    init() {}

    static func == (left: ProcessStatus, right: ProcessStatus) -> Bool {
        func same(_ a: (UInt32, UInt32, UInt32, UInt32)?, _ b: (UInt32, UInt32, UInt32, UInt32)?) -> Bool {
            switch (a, b) {
            case (nil, nil): return true
            case let (x?, y?): return x == y
            default: return false
            }
        }
        return same(left.uids, right.uids) && same(left.gids, right.gids)
            && left.namespacePIDs == right.namespacePIDs && left.namespaceGroups == right.namespaceGroups
            && left.namespaceSessions == right.namespaceSessions && left.residentKiB == right.residentKiB
            && left.threads == right.threads
    }

    /// Parses the contents of /proc/PID/status. Lines it does not know, or cannot read, are
    /// skipped: a field missing from the result was absent or malformed.
    static func parse(_ bytes: [UInt8]) -> ProcessStatus { parse(bytes[...]) }

    static func parse(_ bytes: ArraySlice<UInt8>) -> ProcessStatus {
        var status = ProcessStatus()
        ByteFields.forEachLine(bytes) { line in
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return }
            let key = line[line.startIndex..<colon]
            let value = line[(colon + 1)...]
            switch key.count {
            case 3 where ASCII.equals(key, "Uid"): status.uids = identities(value)
            case 3 where ASCII.equals(key, "Gid"): status.gids = identities(value)
            case 5 where ASCII.equals(key, "NSpid"): status.namespacePIDs = pidList(value)
            case 5 where ASCII.equals(key, "NSsid"): status.namespaceSessions = pidList(value)
            case 5 where ASCII.equals(key, "VmRSS"): status.residentKiB = kibibytes(value)
            case 6 where ASCII.equals(key, "NSpgid"): status.namespaceGroups = pidList(value)
            case 7 where ASCII.equals(key, "Threads"):
                if let count = ByteFields.wholeUnsigned(value), count <= UInt64(Int64.max) { status.threads = Int64(count) }
            default: break
            }
        }
        return status
    }

    /// "\t0\t1000\t1000\t1000": exactly four ids.
    private static func identities(_ value: ArraySlice<UInt8>) -> (UInt32, UInt32, UInt32, UInt32)? {
        var ids: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
        var index = value.startIndex
        for slot in 0..<4 {
            ByteFields.skipBlanks(value, &index)
            guard let id = ByteFields.unsigned(value, &index), id <= UInt64(UInt32.max) else { return nil }
            switch slot {
            case 0: ids.0 = UInt32(id)
            case 1: ids.1 = UInt32(id)
            case 2: ids.2 = UInt32(id)
            default: ids.3 = UInt32(id)
            }
        }
        ByteFields.skipBlanks(value, &index)
        return index == value.endIndex ? ids : nil
    }

    /// "\t4242\t17\t1": one PID per namespace level; empty when malformed.
    private static func pidList(_ value: ArraySlice<UInt8>) -> [Int32] {
        var pids: [Int32] = []
        var index = value.startIndex
        while true {
            ByteFields.skipBlanks(value, &index)
            if index == value.endIndex { return pids }
            // A PID namespace can be nested at most 32 levels deep.
            guard pids.count < 33, let pid = ByteFields.unsigned(value, &index), pid <= UInt64(Int32.max),
                  index == value.endIndex || ByteFields.isBlank(value[index])
            else { return [] }
            pids.append(Int32(pid))
        }
    }

    /// "\t  1234 kB".
    private static func kibibytes(_ value: ArraySlice<UInt8>) -> UInt64? {
        var index = value.startIndex
        ByteFields.skipBlanks(value, &index)
        guard let amount = ByteFields.unsigned(value, &index) else { return nil }
        ByteFields.skipBlanks(value, &index)
        return ASCII.equals(value[index...], "kB") ? amount : nil
    }
}
