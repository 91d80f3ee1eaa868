/// phusion/baseimage's `/sbin/setuser USERNAME COMMAND [ARGS...]`: run COMMAND as USERNAME,
/// without sudo's terminal or su's shell. vigil installed (or linked) as `setuser` does what
/// baseimage's Python script does, by exec, supervising nothing:
/// - fewer than two arguments: its usage line, exit 1;
/// - USERNAME looked up in `/etc/passwd` (the image's, without NSS): unknown, exit 1;
/// - the groups of initgroups(USERNAME, its gid): its gid, then every group of `/etc/group`
///   that lists it; then setgid, then setuid;
/// - `USER`, `HOME` and `UID` set from its passwd line (in place when already set, else
///   added in that order, as Python's `os.environ` does); the rest of the environment as it
///   came, byte for byte. `LOGNAME` and `SHELL` are left as they are, as setuser leaves them;
/// - COMMAND found on PATH as `os.execvp` finds it; when it cannot run, exit 1.
enum SetuserPersonality {
    static let usageLine = "Usage: /sbin/setuser USERNAME COMMAND [args..]"

    /// What the command runs as.
    struct Plan: Equatable {
        var uid: UInt32
        var gid: UInt32
        /// The supplementary groups, the primary one first.
        var groups: [UInt32]
        /// `NAME=value` entries set over the environment.
        var settings: [[UInt8]]
    }

    enum Refusal: Error, Equatable {
        /// Too few arguments: the usage line.
        case usage
        case unknownUser([UInt8])

        /// The line setuser prints (without its newline).
        var text: String {
            switch self {
            case .usage: return SetuserPersonality.usageLine
            case .unknownUser(let name): return "setuser: user " + String(decoding: name, as: UTF8.self) + " not found"
            }
        }
    }

    /// The plan for `arguments` (argv, argv[0] included) from the image's account files.
    static func plan(_ arguments: [[UInt8]], users: UserDatabase, groups: GroupDatabase) throws(Refusal) -> Plan {
        guard arguments.count >= 3 else { throw .usage }
        let name = arguments[1]
        guard let account = users.user(named: name) else { throw .unknownUser(name) }
        var supplementary = [account.gid]
        for group in groups.groups(listing: name) where !supplementary.contains(group.gid) {
            supplementary.append(group.gid)
        }
        let settings = [Array("USER=".utf8) + name, Array("HOME=".utf8) + account.home,
                        Array("UID=".utf8) + Array(decimal(Int64(account.uid)).utf8)]
        return Plan(uid: account.uid, gid: account.gid, groups: supplementary, settings: settings)
    }

    /// `inherited` with each of `settings` in place of the entry of the same name (the first
    /// one; later ones of that name dropped), or added at the end.
    static func environment(_ inherited: [[UInt8]], settings: [[UInt8]]) -> [[UInt8]] {
        var result: [[UInt8]] = []
        var placed = [Bool](repeating: false, count: settings.count)
        for entry in inherited {
            guard let index = settings.firstIndex(where: { sameName($0, entry) }) else {
                result.append(entry)
                continue
            }
            if !placed[index] { result.append(settings[index]) }
            placed[index] = true
        }
        for (index, setting) in settings.enumerated() where !placed[index] { result.append(setting) }
        return result
    }

    private static func sameName(_ setting: [UInt8], _ entry: [UInt8]) -> Bool {
        guard let equals = setting.firstIndex(of: UInt8(ascii: "=")) else { return false }
        return entry.count > equals && entry[equals] == UInt8(ascii: "=") && entry[..<equals].elementsEqual(setting[..<equals])
    }
}
