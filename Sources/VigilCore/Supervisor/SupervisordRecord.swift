import CLinux

/// supervisord's account of one of its processes, kept by `Supervised`'s transitions: the
/// state supervisorctl and the listeners see, the tries of its backoff, its last start and
/// stop, its exit status and spawn error (`getProcessInfo`), and the state changes not yet
/// published as events.
struct SupervisordRecord: Equatable {
    var state = SupervisordProcessState.stopped
    /// supervisord's `backoff`: failed starts in a row; reset once a start lasts.
    var backoff: Int64 = 0
    var lastStart: Instant? = nil
    var lastStop: Instant? = nil
    /// The last exit's code, -1 for a death by signal (nil: none since the last start).
    var exitStatus: Int32? = nil
    var spawnError: String? = nil
    /// Changes the supervisor has not yet turned into events.
    var changes: [SupervisordStateChange] = []

    /// Enters `new`, noting the change (nothing when it is the same state, as supervisord).
    mutating func change(to new: SupervisordProcessState, pid: Int32, expected: Bool = true) {
        guard new != state else { return }
        changes.append(SupervisordStateChange(from: state, to: new, pid: pid, tries: backoff, expected: expected))
        state = new
    }

    /// Whether supervisorctl counts it as running (`start` refuses, `stop` acts).
    var isRunningState: Bool { state == .running || state == .backoff || state == .starting }
    /// Whether a signal can be sent to it.
    var isSignallable: Bool { state == .running || state == .starting || state == .stopping }
    /// supervisord's STOPPED_STATES.
    var isStoppedState: Bool { state == .stopped || state == .exited || state == .fatal || state == .unknown }
}

/// One state change, with what its event carries.
struct SupervisordStateChange: Equatable {
    var from: SupervisordProcessState
    var to: SupervisordProcessState
    var pid: Int32
    var tries: Int64
    var expected: Bool
}

/// What supervisord says when a program cannot be started (its spawn error).
enum SupervisordSpawnError {
    static func text(errno: Int32, program: String) -> String {
        let shown = SupervisordValues.repr(program)
        switch errno {
        case ENOENT: return "can't find command " + shown
        case EACCES, EPERM: return "no permission to run command " + shown
        case EISDIR: return "command at " + shown + " is a directory"
        case ENOEXEC: return "command at " + shown + " is not executable"
        default: return "couldn't exec " + program + ": " + SystemErrorName.of(errno)
        }
    }
}

/// Python's `errno.errorcode` names for what a spawn reports.
enum SystemErrorName {
    static func of(_ errno: Int32) -> String {
        let names: [(Int32, String)] = [
            (ENOENT, "ENOENT"), (EACCES, "EACCES"), (EPERM, "EPERM"), (ENOTDIR, "ENOTDIR"), (ENOEXEC, "ENOEXEC"),
            (ENOMEM, "ENOMEM"), (EAGAIN, "EAGAIN"), (EMFILE, "EMFILE"), (ENFILE, "ENFILE"), (E2BIG, "E2BIG"),
            (ELOOP, "ELOOP"), (ENAMETOOLONG, "ENAMETOOLONG"), (ETXTBSY, "ETXTBSY"), (EINVAL, "EINVAL"),
        ]
        for (number, name) in names where number == errno { return name }
        return decimal(Int64(errno))
    }
}
