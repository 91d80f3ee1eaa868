// Fuzz target: vigil as `setuser USERNAME COMMAND`, `SetuserPersonality.plan` and
// `.environment`.
//
// Input: USERNAME, a NUL byte, then text read as /etc/passwd and /etc/group and, line by
// line, as the inherited environment. The primary group comes first and no group twice;
// each variable set appears once, and every other entry passes on, in order.
@testable import VigilCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSetuser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let split = input.firstIndex(of: 0) ?? input.count
    let name = Array(input[..<split])
    let rest = split < input.count ? Array(input[(split + 1)...]) : []
    let users = UserDatabase.parse(rest)
    let groups = GroupDatabase.parse(rest)
    guard let plan = try? SetuserPersonality.plan([Array("setuser".utf8), name, Array("true".utf8)], users: users, groups: groups) else {
        return 0
    }
    precondition(plan.groups.first == plan.gid, "primary group first")
    precondition(Set(plan.groups).count == plan.groups.count, "a group twice")
    let inherited = ByteFields.fields(rest[...], separator: 0x0A).map { Array($0) }
    let result = SetuserPersonality.environment(inherited, settings: plan.settings)
    for setting in plan.settings {
        precondition(result.filter { $0 == setting }.count >= 1, "a setting missing")
    }
    let names = plan.settings.map { Array($0[..<($0.firstIndex(of: UInt8(ascii: "=")) ?? $0.count)]) + [UInt8(ascii: "=")] }
    let others = inherited.filter { entry in !names.contains { entry.starts(with: $0) } }
    let kept = result.filter { entry in !names.contains { entry.starts(with: $0) } }
    precondition(others == kept, "other variables changed")
    precondition(result.count == others.count + plan.settings.count, "a variable set twice")
    return 0
}
