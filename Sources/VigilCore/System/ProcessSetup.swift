import CLinux

/// What vigil sets up about itself before and after starting the child.
enum ProcessSetup {
    /// Registers as child subreaper, so that orphans of the child's tree come to vigil.
    static func becomeSubreaper() -> SystemError? {
        clinux_set_child_subreaper() == 0 ? nil : .last("prctl(PR_SET_CHILD_SUBREAPER)")
    }

    /// Whether vigil already is a child subreaper: the bit survives exec, so a wrapper may have
    /// set it before running vigil.
    static var isSubreaper: Bool { clinux_is_child_subreaper() == 1 }

    /// Asks for `signal` when the parent dies. Returns true when the parent is already gone
    /// (it is no longer the one vigil started under): the kernel will then never send it.
    static func setParentDeathSignal(_ signal: Int32, parentAtStart: pid_t) -> Result<Bool, SystemError> {
        if clinux_set_parent_death_signal(signal) != 0 { return .failure(.last("prctl(PR_SET_PDEATHSIG)")) }
        return .success(getppid() != parentAtStart)
    }

    /// Stops vigil itself (the kernel ignores this for PID 1).
    static func stopSelf() {
        _ = kill(getpid(), SIGSTOP)
    }

    /// Sleeps for `nanoseconds` at most, or until `deadline`.
    static func sleep(_ nanoseconds: Int64, until deadline: Instant?) {
        var pause = EventWait.remaining(until: min(Clock.now() + nanoseconds, deadline ?? Int64.max))
        _ = nanosleep(&pause, nil)
    }
}
