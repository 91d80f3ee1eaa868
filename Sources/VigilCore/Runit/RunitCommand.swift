import CLinux

/// The one-letter commands `sv` writes into a service's `supervise/control` FIFO, and what each
/// asks of runsv (runsv.c's `ctrl`). `sv` writes several at once for some actions (`restart`
/// is `tcu`); runsv reads them one at a time, in order, and ignores any other byte.
enum RunitCommand: UInt8, Equatable {
    /// Want up; start it if it is down.
    case up = 0x75  // u
    /// Want down; stop it (TERM, then CONT) if it runs.
    case down = 0x64  // d
    /// Want down, but start it once now if it is down.
    case once = 0x6F  // o
    /// Want exit: stop it, and end runsv once it is down (ignored by a log service).
    case exit = 0x78  // x
    /// Stop it (TERM, then CONT when it wants down or exit) if it runs; it restarts if wanted up.
    case term = 0x74  // t
    /// KILL if it runs.
    case kill = 0x6B  // k
    /// STOP if it runs, and mark it paused.
    case pause = 0x70  // p
    /// CONT if it runs, and mark it not paused.
    case cont = 0x63  // c
    case hangup = 0x68  // h
    case alarm = 0x61  // a
    case interrupt = 0x69  // i
    case quit = 0x71  // q
    case user1 = 0x31  // 1
    case user2 = 0x32  // 2

    /// The commands in what was read from the FIFO, in order, other bytes skipped.
    static func commands(_ bytes: [UInt8]) -> [RunitCommand] {
        var commands: [RunitCommand] = []
        for byte in bytes {
            if let command = RunitCommand(rawValue: byte) { commands.append(command) }
        }
        return commands
    }

    /// The signal runsv sends the running process for this command, unless a `control/`
    /// script of the same letter exists, is executable, and exits 0 (runit's "customize
    /// control"). `down` and `exit` send TERM through `term` (and their own scripts run after,
    /// their result ignored); `up` and `once` send none (`control/u` runs before each start).
    var signal: Int32? {
        switch self {
        case .term: return SIGTERM
        case .kill: return SIGKILL
        case .pause: return SIGSTOP
        case .cont: return SIGCONT
        case .hangup: return SIGHUP
        case .alarm: return SIGALRM
        case .interrupt: return SIGINT
        case .quit: return SIGQUIT
        case .user1: return SIGUSR1
        case .user2: return SIGUSR2
        case .up, .down, .once, .exit: return nil
        }
    }
}
