import CLinux

/// vigil as `setuser USERNAME COMMAND...`: the plan from the image's `/etc/passwd` and
/// `/etc/group` (`SetuserPersonality`), the identity taken, then exec. Returns only when the
/// command could not run, with setuser's exit code 1.
enum SetuserCommand {
    static func run(_ arguments: [String], argv: UnsafePointer<UnsafeMutablePointer<CChar>?>,
                    environment: UnsafePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
        let raw = (0..<arguments.count).map { bytes(argv[$0]) }
        let plan: SetuserPersonality.Plan
        do {
            plan = try SetuserPersonality.plan(raw, users: UserDatabase.parse(Processes.readFile("/etc/passwd") ?? []),
                                               groups: GroupDatabase.parse(Processes.readFile("/etc/group") ?? []))
        } catch {
            return fail(error.text)
        }
        if let error = ProcessIdentity.become(uid: plan.uid, gid: plan.gid, groups: plan.groups) {
            return fail("setuser: " + error.description)
        }
        var inherited: [[UInt8]] = []
        var index = 0
        while let entry = environment[index] {
            inherited.append(bytes(entry))
            index += 1
        }
        let entries = SetuserPersonality.environment(inherited, settings: plan.settings)
        let errno = ProcessIdentity.exec(argv + 2, environment: entries)
        return fail("setuser: cannot execute " + arguments[2] + ": " + SystemError.reason(errno))
    }

    private static func bytes(_ pointer: UnsafeMutablePointer<CChar>?) -> [UInt8] {
        guard let pointer else { return [] }
        return Array(UnsafeBufferPointer(start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: strlen(pointer)))
    }

    private static func fail(_ line: String) -> Int32 {
        Output.write(line + "\n", to: 2)
        return 1
    }
}
