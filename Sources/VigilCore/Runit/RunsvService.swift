import CLinux

/// runsv's decisions for one service, or for its log service, as runsv.c makes them, without
/// the processes: what to start and when, what to signal for each `RunitCommand`, and the
/// `RunitStatus` its `supervise/` files show after each step. The caller performs the actions
/// and writes the status after every call.
///
/// runit's "customize control" runs `control/X` (for the letters runsv consults) before or
/// instead of a signal: `override` is asked to run it, and answers true when it exists, is
/// executable and exited 0 (runsv waits for it; a log service never has any). Its answer
/// decides only for the signalling letters: for `t` (within down, exit and term), `k`, `p`,
/// `c`, `h`, `a`, `i`, `q`, `1` and `2`, a true answer replaces the signal; `d`, `x` (after
/// the TERM) and `u` (before each start of `./run`) run for their side effects only.
struct RunsvService: Equatable {
    enum Action: Equatable {
        case signal(Int32)
        /// Start this argv in the service folder (the log service's in `log/`): `./run`, or
        /// `./finish CODE SIGNAL` after `./run` exited.
        case start([String])
    }

    var status: RunitStatus
    let isLog: Bool
    /// The wait status of `./run`'s last exit, for `./finish`'s arguments.
    var lastWaitStatus: Int32 = 0

    /// As runsv begins: down, wanting up unless the folder has a `down` file.
    init(isLog: Bool, startsDown: Bool, now: TAI64N) {
        self.isLog = isLog
        status = RunitStatus(since: now, want: startsDown ? .down : .up)
    }

    /// What to start when nothing runs: `./finish` after `./run` exited (whatever is wanted),
    /// else `./run` when it wants up; nil: nothing. Call `started` with its pid.
    mutating func nextStart(override: (UInt8) -> Bool) -> [String]? {
        guard status.pid == 0 else { return nil }
        if status.state == .finish && !isLog {
            let (code, signal) = (lastWaitStatus >> 8 & 0xFF, lastWaitStatus & 0x7F)
            return ["./finish", signal != 0 ? "-1" : decimal(code), decimal(lastWaitStatus & 0xFF)]
        }
        return status.want == .up ? run(override) : nil
    }

    /// `./run`, after `control/u`.
    private func run(_ override: (UInt8) -> Bool) -> [String] {
        if !isLog { _ = override(RunitCommand.up.rawValue) }
        return ["./run"]
    }

    /// What `nextStart` named now runs as `pid`: a start of `./run` begins the state `run` at
    /// `now`; `./finish` keeps the time `./run` started. Pause and TERM marks are cleared.
    mutating func started(pid: UInt32, now: TAI64N) {
        if status.state != .finish {
            status.since = now
            status.state = .run
        }
        status.pid = pid
        status.paused = false
        status.gotTerm = false
    }

    /// The process ended with `waitStatus`. True when the next start must wait one second
    /// (runsv sleeps a second when the service came down less than a second after it began).
    mutating func exited(waitStatus: Int32, hasFinish: Bool, now: TAI64N) -> Bool {
        status.pid = 0
        status.gotTerm = false
        if !isLog {
            lastWaitStatus = waitStatus
            if status.state != .finish && hasFinish {
                status.state = .finish
                return false
            }
        }
        status.state = .down
        let tooSoon = status.since.isLessThanASecond(before: now)
        status.since = now
        return tooSoon
    }

    /// The actions for one command read from `supervise/control`: `up` and `once` start
    /// `./run` when the service is down (`once` even though it then wants down).
    mutating func control(_ command: RunitCommand, override: (UInt8) -> Bool) -> [Action] {
        var actions: [Action] = []
        let running = status.state == .run
        switch command {
        case .down, .exit, .once, .up:
            if command == .exit && isLog { break }
            status.want = command == .up ? .up : command == .exit ? .exit : .down
            if running && (command == .down || command == .exit) { stop(&actions, override) }
            if status.state == .down && status.pid == 0 && (command == .up || command == .once) {
                actions.append(.start(run(override)))
            }
        case .term:
            if running { stop(&actions, override) }
        default:
            if running && !(!isLog && override(command.rawValue)), let signal = command.signal { actions.append(.signal(signal)) }
            if command == .kill { status.state = .down }  // as runsv does, running or not
            if command == .pause { status.paused = true }
            if command == .cont { status.paused = false }
        }
        return actions
    }

    /// runsv's `stopservice`: TERM (or `control/t`), then CONT and `control/d` or `control/x`.
    private mutating func stop(_ actions: inout [Action], _ override: (UInt8) -> Bool) {
        if status.pid != 0 && !(!isLog && override(RunitCommand.term.rawValue)) {
            actions.append(.signal(SIGTERM))
            status.gotTerm = true
        }
        guard status.want != .up else { return }
        if status.pid != 0 { actions.append(.signal(SIGCONT)) }
        if !isLog { _ = override(status.want == .down ? RunitCommand.down.rawValue : RunitCommand.exit.rawValue) }
    }
}
