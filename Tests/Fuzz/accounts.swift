// Fuzz target: /etc/passwd and /etc/group without NSS, `UserDatabase` and `GroupDatabase`
// (user names in `vigil ps`; later, switching users).
//
// Input: the file's contents, read both ways. Every entry has a name without ':' or newline,
// and looking an entry up by its name or id finds the first entry with it.
@testable import VigilCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAccounts(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let users = UserDatabase.parse(input)
    for account in users.accounts {
        precondition(!account.name.isEmpty && !account.name.contains(UInt8(ascii: ":")) && !account.name.contains(0x0A),
                     "bad user name")
        precondition(account.uid != UInt32.max, "uid -1")
        precondition(users.user(named: account.name)?.name == account.name, "lookup by name")
        precondition(users.user(id: account.uid)?.uid == account.uid, "lookup by id")
    }
    let groups = GroupDatabase.parse(input)
    for group in groups.groups {
        precondition(!group.name.isEmpty && !group.name.contains(UInt8(ascii: ":")), "bad group name")
        precondition(group.members.allSatisfy { !$0.isEmpty && !$0.contains(UInt8(ascii: ",")) }, "bad member")
        precondition(groups.group(id: group.gid)?.gid == group.gid, "lookup by id")
        for member in group.members {
            precondition(groups.groups(listing: member).contains { $0.gid == group.gid }, "membership")
        }
    }
    return 0
}
