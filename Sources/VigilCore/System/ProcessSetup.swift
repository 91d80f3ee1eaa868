import CLinux

/// What vigil sets up about itself before and after starting the child.
enum ProcessSetup {
    /// Registers as child subreaper, so that orphans of the child's tree come to vigil.
    static func becomeSubreaper() -> SystemError? {
        systemCallError("prctl(PR_SET_CHILD_SUBREAPER)") { clinux_set_child_subreaper() }
    }

    /// Whether vigil already is a child subreaper: the bit survives exec, so a wrapper may have
    /// set it before running vigil.
    static var isSubreaper: Bool { clinux_is_child_subreaper() == 1 }

    /// Asks for `signal` when the parent dies. Returns true when the parent is already gone
    /// (it is no longer the one vigil started under): the kernel will then never send it.
    static func setParentDeathSignal(_ signal: Int32, parentAtStart: pid_t) -> Result<Bool, SystemError> {
        if let error = systemCallError("prctl(PR_SET_PDEATHSIG)", { clinux_set_parent_death_signal(signal) }) {
            return .failure(error)
        }
        return .success(getppid() != parentAtStart)
    }

    /// Stops vigil itself (the kernel ignores this for PID 1).
    static func stopSelf() {
        _ = valueOrErrno { kill(getpid(), SIGSTOP) }
    }

    /// Sleeps for `nanoseconds` at most, or until `deadline` (a signal may end it sooner).
    static func sleep(_ nanoseconds: Int64, until deadline: Instant?) {
        var pause = EventWait.remaining(until: min(Clock.now() + nanoseconds, deadline ?? Int64.max))
        _ = valueOrErrno(retryOnInterrupt: false) { nanosleep(&pause, nil) }
    }

    /// vigil's working directory, when it has a path (not deleted, not outside a chroot).
    static func workingDirectory() -> Result<String, SystemError> {
        var buffer = [CChar](repeating: 0, count: 4097)
        let result = buffer.withUnsafeMutableBufferPointer { raw in
            valueOrErrno { getcwd(raw.baseAddress, raw.count) == nil ? Int32(-1) : 0 }
        }
        if case .failure(let errno) = result { return .failure(SystemError("getcwd", errno)) }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        guard bytes.first == UInt8(ascii: "/") else { return .failure(SystemError("getcwd", errno: ENOENT)) }
        return .success(String(decoding: bytes, as: UTF8.self))
    }

    static func changeDirectory(_ path: String) -> SystemError? {
        systemCallError("chdir " + path) { chdir(path) }
    }

    /// An environment variable of vigil's own.
    static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }
}
