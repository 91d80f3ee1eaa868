import CLinux

/// The controlling terminal on stdin, and handing it to the child.
enum Terminal {
    /// stdin is a terminal whose foreground group is vigil's: the child can be given it.
    static var isOursInForeground: Bool { isatty(0) == 1 && tcgetpgrp(0) == getpgrp() }

    /// Session mode: vigil gives up stdin's terminal so that the child can make it its own.
    /// When vigil led the session, the kernel then sends SIGHUP and SIGCONT to the terminal's
    /// foreground group, vigil included; those two are discarded here, before any child
    /// exists, instead of being forwarded to it. Other pending signals stay queued. Returns the
    /// discarded signals, for the log.
    static func giveUp(_ signals: SignalChannel, ownPID: pid_t) -> Result<[Int32], SystemError> {
        guard isatty(0) == 1 else { return .success([]) }
        let wasLeader = getsid(0) == ownPID
        if let error = systemCallError("TIOCNOTTY", { clinux_detach_terminal(0) }) { return .failure(error) }
        guard wasLeader else { return .success([]) }
        return .success(signals.discardPending([SIGHUP, SIGCONT]))
    }

    /// After a ^Z, the shell that resumes vigil (`fg`) makes vigil's group the foreground
    /// again; the child's `group` needs it back before it continues.
    static func giveBack(to group: pid_t) -> SystemError? {
        guard tcgetpgrp(0) == getpgrp() else { return nil }
        return systemCallError("tcsetpgrp") { tcsetpgrp(0, group) }
    }
}
