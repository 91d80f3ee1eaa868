extension ProcessSpec.Identity {
    /// `USER` or `USER:GROUP` (names or ids) resolved against the image's account files, as
    /// `docker run --user` does it: the user's primary group unless a group is given, plus the
    /// groups that list the user. A numeric user with no entry runs with group 0.
    static func resolve(_ text: String, users: UserDatabase, groups: GroupDatabase) throws(UsageError) -> ProcessSpec.Identity {
        let bytes = Array(text.utf8)
        let colon = bytes.firstIndex(of: UInt8(ascii: ":"))
        let userPart = bytes[..<(colon ?? bytes.endIndex)]
        let groupPart = colon.map { bytes[($0 + 1)...] }
        var uid: UInt32
        var gid: UInt32 = 0
        var supplementary: [UInt32] = []
        if let number = ASCII.parseInteger(userPart), number <= Int64(UInt32.max) {
            uid = UInt32(number)
            if let account = users.user(id: uid) {
                gid = account.gid
                supplementary = groups.groups(listing: account.name).map { $0.gid }
            }
        } else if let account = users.user(named: userPart) {
            uid = account.uid
            gid = account.gid
            supplementary = groups.groups(listing: account.name).map { $0.gid }
        } else {
            throw UsageError("unknown user '\(String(decoding: userPart, as: UTF8.self))' (not in /etc/passwd)")
        }
        if let groupPart {
            if let number = ASCII.parseInteger(groupPart), number <= Int64(UInt32.max) {
                gid = UInt32(number)
            } else if let group = groups.group(named: groupPart) {
                gid = group.gid
            } else {
                throw UsageError("unknown group '\(String(decoding: groupPart, as: UTF8.self))' (not in /etc/group)")
            }
            supplementary = []
        }
        if !supplementary.contains(gid) { supplementary.insert(gid, at: 0) }
        return ProcessSpec.Identity(uid: uid, gid: gid, groups: supplementary)
    }
}
