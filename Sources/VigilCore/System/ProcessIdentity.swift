import CLinux

/// vigil itself becoming another user, then another program (`setuser`): no fork, so no
/// async-signal-safety rule applies; the order is initgroups', then setgid, then setuid.
enum ProcessIdentity {
    /// Supplementary groups, group, then user; the first failure is returned.
    static func become(uid: UInt32, gid: UInt32, groups: [UInt32]) -> SystemError? {
        let list = groups.map { gid_t($0) }
        if let error = list.withUnsafeBufferPointer({ buffer in
            systemCallError("setgroups") { setgroups(buffer.count, buffer.baseAddress) }
        }) { return error }
        if let error = systemCallError("setgid", { setgid(gid_t(gid)) }) { return error }
        return systemCallError("setuid", { setuid(uid_t(uid)) })
    }

    /// Replaces vigil with `argv` (NULL-terminated; argv[0] found on PATH) and `environment`.
    /// Returns the errno when nothing could run.
    static func exec(_ argv: UnsafePointer<UnsafeMutablePointer<CChar>?>, environment: [[UInt8]]) -> Int32 {
        var copies: [UnsafeMutablePointer<CChar>?] = []
        for entry in environment {
            let copy = UnsafeMutablePointer<CChar>.allocate(capacity: entry.count + 1)
            for (index, byte) in entry.enumerated() { copy[index] = CChar(bitPattern: byte) }
            copy[entry.count] = 0
            copies.append(copy)
        }
        copies.append(nil)
        defer { for copy in copies { copy?.deallocate() } }
        _ = copies.withUnsafeBufferPointer { clinux_exec_path(argv, $0.baseAddress) }
        return clinux_errno()
    }
}
