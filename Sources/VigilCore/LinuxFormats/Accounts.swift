/// /etc/passwd and /etc/group, read without NSS: a static binary in a minimal image has no
/// NSS modules, and a container's files describe its own users. The rules follow glibc's
/// "files" backend: leading blanks are skipped, lines starting with '#' are comments, an id
/// must be decimal digits, and the first entry for a name or id wins. Lines of the old NIS
/// compatibility syntax ('+' and '-') are skipped.

/// One line of /etc/passwd: `name:password:uid:gid:gecos:home:shell`.
struct UserAccount: Equatable, Sendable {
    var name: [UInt8]
    var uid: UInt32
    var gid: UInt32
    var gecos: [UInt8]
    var home: [UInt8]
    var shell: [UInt8]

    init(name: [UInt8], uid: UInt32, gid: UInt32, gecos: [UInt8] = [], home: [UInt8] = [], shell: [UInt8] = []) {
        self.name = name
        self.uid = uid
        self.gid = gid
        self.gecos = gecos
        self.home = home
        self.shell = shell
    }

    /// One line, without its newline; nil for comments, blank and malformed lines. The shell
    /// is the rest of the line, colons included, as glibc reads it.
    static func parse(line: ArraySlice<UInt8>) -> UserAccount? {
        guard let line = AccountLine.content(line) else { return nil }
        let parts = AccountLine.split(line, count: 7)
        guard parts.count == 7, let uid = AccountLine.id(parts[2]), let gid = AccountLine.id(parts[3]) else {
            return nil
        }
        return UserAccount(
            name: Array(parts[0]), uid: uid, gid: gid, gecos: Array(parts[4]), home: Array(parts[5]),
            shell: Array(parts[6]))
    }
}

/// One line of /etc/group: `name:password:gid:member,member`.
struct GroupAccount: Equatable, Sendable {
    var name: [UInt8]
    var gid: UInt32
    var members: [[UInt8]]

    init(name: [UInt8], gid: UInt32, members: [[UInt8]] = []) {
        self.name = name
        self.gid = gid
        self.members = members
    }

    /// One line, without its newline; nil for comments, blank and malformed lines. Empty
    /// member names (",," or a trailing comma) are dropped.
    static func parse(line: ArraySlice<UInt8>) -> GroupAccount? {
        guard let line = AccountLine.content(line) else { return nil }
        let parts = AccountLine.split(line, count: 4)
        guard parts.count == 4, let gid = AccountLine.id(parts[2]) else { return nil }
        var members: [[UInt8]] = []
        for member in ByteFields.fields(parts[3], separator: UInt8(ascii: ",")) where !member.isEmpty {
            members.append(Array(member))
        }
        return GroupAccount(name: Array(parts[0]), gid: gid, members: members)
    }
}

/// The users of one passwd file.
struct UserDatabase: Equatable, Sendable {
    var accounts: [UserAccount]

    init(accounts: [UserAccount] = []) { self.accounts = accounts }

    static func parse(_ bytes: [UInt8]) -> UserDatabase { parse(bytes[...]) }

    static func parse(_ bytes: ArraySlice<UInt8>) -> UserDatabase {
        var accounts: [UserAccount] = []
        ByteFields.forEachLine(bytes) { line in
            if let account = UserAccount.parse(line: line) { accounts.append(account) }
        }
        return UserDatabase(accounts: accounts)
    }

    func user(id: UInt32) -> UserAccount? { accounts.first { $0.uid == id } }

    func user(named name: some Collection<UInt8>) -> UserAccount? {
        accounts.first { $0.name.elementsEqual(name) }
    }
}

/// The groups of one group file.
struct GroupDatabase: Equatable, Sendable {
    var groups: [GroupAccount]

    init(groups: [GroupAccount] = []) { self.groups = groups }

    static func parse(_ bytes: [UInt8]) -> GroupDatabase { parse(bytes[...]) }

    static func parse(_ bytes: ArraySlice<UInt8>) -> GroupDatabase {
        var groups: [GroupAccount] = []
        ByteFields.forEachLine(bytes) { line in
            if let group = GroupAccount.parse(line: line) { groups.append(group) }
        }
        return GroupDatabase(groups: groups)
    }

    func group(id: UInt32) -> GroupAccount? { groups.first { $0.gid == id } }

    func group(named name: some Collection<UInt8>) -> GroupAccount? {
        groups.first { $0.name.elementsEqual(name) }
    }

    /// The groups that list `user` as a member (what initgroups(3) adds besides the primary group).
    func groups(listing user: some Collection<UInt8>) -> [GroupAccount] {
        groups.filter { group in group.members.contains { $0.elementsEqual(user) } }
    }
}

enum AccountLine {
    /// The line without leading blanks; nil for blank lines, comments, NIS lines and lines
    /// holding a NUL byte.
    static func content(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        var index = line.startIndex
        ByteFields.skipBlanks(line, &index)
        guard index < line.endIndex else { return nil }
        let first = line[index]
        if first == UInt8(ascii: "#") || first == UInt8(ascii: "+") || first == UInt8(ascii: "-")
            || first == UInt8(ascii: ":") || line.contains(0)
        {
            return nil
        }
        return line[index...]
    }

    /// At most `count` fields: the last one holds the rest of the line.
    static func split(_ line: ArraySlice<UInt8>, count: Int) -> [ArraySlice<UInt8>] {
        var parts: [ArraySlice<UInt8>] = []
        var start = line.startIndex
        var index = start
        while index < line.endIndex, parts.count < count - 1 {
            if line[index] == UInt8(ascii: ":") {
                parts.append(line[start..<index])
                start = index + 1
            }
            index += 1
        }
        parts.append(line[start..<line.endIndex])
        return parts
    }

    /// A decimal id below 2^32 - 1 ((uid_t)-1 means "no id" to the kernel).
    static func id(_ field: ArraySlice<UInt8>) -> UInt32? {
        var index = field.startIndex
        guard let value = ByteFields.unsigned(field, &index), index == field.endIndex,
              value < UInt64(UInt32.max)
        else { return nil }
        return UInt32(value)
    }
}
