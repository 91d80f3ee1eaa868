import CLinux

/// runsv's decisions for one service, or for its log service, as runsv.c makes them, without
/// the processes: what to start and when, what to signal for each `RunitCommand`, and the
/// state its `supervise/` files show after each step (`status`). The caller performs the
/// actions and writes the status after every call.
///
/// runit's "customize control" runs `control/X` (for the letters runsv consults) before or
/// instead of a signal. runsv waits for it, reading no command meanwhile; here the caller
/// runs it (`.runOverride`), and reports its end (`overrideEnded`), and the commands that
/// came meanwhile wait in `queued`. Its result decides only for the signalling letters: for
/// `t` (within down, exit and term), `k`, `p`, `c`, `h`, `a`, `i`, `q`, `1` and `2`, success
/// (exit 0) replaces the signal; `d`, `x` (after the TERM) and `u` (before each start of
/// `./run`) run for their side effects only. A log service never has any.
///
/// Times are the caller's clock (`Instant`); `since` becomes the TAI64N label of the status
/// file when it is written.
struct RunsvService: Equatable {
    enum Action: Equatable {
        case signal(Int32)
        /// Start this argv in the service folder (the log service's in `log/`): `./run`, or
        /// `./finish CODE SIGNAL` after `./run` exited. Answer with `started` (or
        /// `exited(waitStatus: 111 << 8)` when it could not start, as runsv's child exits).
        case start([String])
        /// Run `control/X` with the pid (or nothing) as its argument; answer with
        /// `overrideEnded`.
        case runOverride(UInt8)
    }

    /// What follows the end of `control/X`.
    enum Continuation: Equatable {
        /// `control/u` ran: start `./run`.
        case startRun
        /// `./run` or `./finish` is being started: `started` or `exited` follows.
        case spawning
        /// `control/t` ran within a stop: TERM unless it succeeded, then CONT and `control/d`
        /// or `control/x` when the service wants down or exit.
        case stopAfterTerm
        /// `control/d` or `control/x` ran: nothing more.
        case done
        /// `control/X` of a signalling letter ran: its signal unless it succeeded.
        case signal(RunitCommand)
    }

    let isLog: Bool
    let hasFinish: Bool
    /// The letters of the executable `control/X` files (none for a log service).
    let overrides: [UInt8]
    var state = RunitStatus.RunState.down
    var want = RunitStatus.Wanted.up
    var paused = false
    /// TERM was sent and the process has not exited yet.
    var gotTerm = false
    /// Of `./run`, or of `./finish` while it runs; 0 when nothing runs.
    var pid: Int32 = 0
    /// When the state began; `./finish` keeps the time `./run` started.
    var since: Instant
    /// The wait status of `./run`'s last exit, for `./finish`'s arguments.
    var lastWaitStatus: Int32 = 0
    /// `./run` starts so far.
    var starts = 0
    /// A `control/X` runs; what follows its end.
    private(set) var awaiting: Continuation? = nil
    /// Commands that came while `control/X` ran, in order.
    private(set) var queued: [RunitCommand] = []
    /// runsv sleeps a second after a service that came down less than a second after it
    /// began: nothing starts before this.
    private(set) var holdUntil: Instant? = nil

    static let second: Int64 = 1_000_000_000

    /// As runsv begins: down, wanting up unless the folder has a `down` file.
    init(isLog: Bool, startsDown: Bool, hasFinish: Bool = false, overrides: [UInt8] = [], now: Instant) {
        self.isLog = isLog
        self.hasFinish = hasFinish && !isLog
        self.overrides = isLog ? [] : overrides
        want = startsDown ? .down : .up
        since = now
    }

    /// The status file's fields, at the TAI64N label `label` for `since`.
    func status(since label: TAI64N) -> RunitStatus {
        RunitStatus(since: label, pid: UInt32(bitPattern: pid), state: state, want: want, paused: paused, gotTerm: gotTerm)
    }

    /// A `control/X` runs, or a start is under way: commands wait, and the caller reads none
    /// meanwhile.
    var isBusy: Bool { awaiting != nil }

    /// When the one-second hold ends, if one is on.
    var deadline: Instant? { holdUntil }

    /// What to start when nothing runs: `./finish` after `./run` exited (whatever is wanted),
    /// else `./run` when it wants up (after `control/u`); nothing during the one-second hold
    /// or while `control/X` runs. Call `started` with its pid.
    mutating func nextStart(at now: Instant) -> [Action] {
        endHold(at: now)
        guard pid == 0, holdUntil == nil, awaiting == nil else { return [] }
        if state == .finish && !isLog {
            let (code, signal) = (lastWaitStatus >> 8 & 0xFF, lastWaitStatus & 0x7F)
            awaiting = .spawning
            return [.start(["./finish", signal != 0 ? "-1" : decimal(code), decimal(lastWaitStatus & 0xFF)])]
        }
        return want == .up ? run() : []
    }

    /// `./run`, after `control/u`. Commands that come before it started wait for it.
    /// `[.start(["./run"])]`, built at run time: Embedded Swift 6.3's optimiser makes that
    /// literal a constant array holding a constant array, which its code generator breaks on.
    private func startingRun() -> [Action] {
        var argv: [String] = []
        argv.append("./run")
        var actions: [Action] = []
        actions.append(.start(argv))
        return actions
    }

    private mutating func run() -> [Action] {
        if overrides.contains(RunitCommand.up.rawValue) {
            awaiting = .startRun
            return [.runOverride(RunitCommand.up.rawValue)]
        }
        awaiting = .spawning
        return startingRun()
    }

    /// What `nextStart` named now runs as `pid`: a start of `./run` begins the state `run` at
    /// `now`; `./finish` keeps the time `./run` started. Pause and TERM marks are cleared.
    mutating func started(pid: Int32, at now: Instant) {
        if awaiting == .spawning { awaiting = nil }
        if state != .finish {
            since = now
            state = .run
            starts += 1
        }
        self.pid = pid
        paused = false
        gotTerm = false
    }

    /// The process ended with `waitStatus`: `./finish` is next when there is one, else the
    /// service is down, and held a second when it came down less than a second after it began.
    mutating func exited(waitStatus: Int32, at now: Instant) {
        if awaiting == .spawning { awaiting = nil }
        pid = 0
        gotTerm = false
        if !isLog {
            lastWaitStatus = waitStatus
            if state != .finish && hasFinish {
                state = .finish
                return
            }
        }
        state = .down
        if now - since < RunsvService.second { holdUntil = now + RunsvService.second }
        since = now
    }

    /// The actions for one command read from `supervise/control`: `up` and `once` start
    /// `./run` when the service is down (`once` even though it then wants down). While
    /// `control/X` runs, the command waits its turn.
    mutating func control(_ command: RunitCommand) -> [Action] {
        if awaiting != nil {
            queued.append(command)
            return []
        }
        return apply(command)
    }

    private mutating func apply(_ command: RunitCommand) -> [Action] {
        let running = state == .run
        switch command {
        case .down, .exit, .once, .up:
            if command == .exit && isLog { return [] }
            want = command == .up ? .up : command == .exit ? .exit : .down
            if running && (command == .down || command == .exit) { return stop() }
            // During the hold the start waits for its end (`nextStart`).
            if state == .down && pid == 0 && holdUntil == nil && (command == .up || command == .once) { return run() }
            return []
        case .term:
            return running ? stop() : []
        default:
            if running && overrides.contains(command.rawValue) {
                awaiting = .signal(command)
                return [.runOverride(command.rawValue)]
            }
            return signal(command, sent: running)
        }
    }

    /// A signalling letter's signal (unless `control/X` replaced it) and its marks.
    private mutating func signal(_ command: RunitCommand, sent: Bool) -> [Action] {
        var actions: [Action] = []
        if sent, let number = command.signal { actions.append(.signal(number)) }
        if command == .kill { state = .down }  // as runsv does, running or not
        if command == .pause { paused = true }
        if command == .cont { paused = false }
        return actions
    }

    /// runsv's `stopservice`: TERM (or `control/t`), then CONT and `control/d` or `control/x`.
    private mutating func stop() -> [Action] {
        if pid != 0 && overrides.contains(RunitCommand.term.rawValue) {
            awaiting = .stopAfterTerm
            return [.runOverride(RunitCommand.term.rawValue)]
        }
        return afterTerm(replaced: false)
    }

    private mutating func afterTerm(replaced: Bool) -> [Action] {
        var actions: [Action] = []
        if pid != 0 && !replaced {
            actions.append(.signal(SIGTERM))
            gotTerm = true
        }
        guard want != .up else { return actions }
        if pid != 0 { actions.append(.signal(SIGCONT)) }
        let letter = want == .down ? RunitCommand.down.rawValue : RunitCommand.exit.rawValue
        if overrides.contains(letter) {
            awaiting = .done
            actions.append(.runOverride(letter))
        }
        return actions
    }

    /// `control/X` ended: exit 0 is `succeeded`. What follows it, then the commands that
    /// came meanwhile, in order, until one runs another `control/X`.
    mutating func overrideEnded(succeeded: Bool) -> [Action] {
        guard let continuation = awaiting else { return [] }
        awaiting = nil
        switch continuation {
        case .startRun:
            awaiting = .spawning
            return startingRun()
        case .spawning: return []
        case .stopAfterTerm: return afterTerm(replaced: succeeded) + resume()
        case .done: return resume()
        case .signal(let command): return signal(command, sent: !succeeded && state == .run) + resume()
        }
    }

    /// The commands that came while `control/X` ran or a start was under way, in order, until
    /// one runs another `control/X`. The caller asks after `started` and `exited`.
    mutating func resume() -> [Action] {
        var actions: [Action] = []
        while awaiting == nil && !queued.isEmpty {
            actions += apply(queued.removeFirst())
        }
        return actions
    }

    /// The one-second hold ends at its time even when nothing is to start.
    mutating func endHold(at now: Instant) {
        if let until = holdUntil, now >= until { holdUntil = nil }
    }

    /// The log service of a service that wants exit and is down: runsv marks it so and closes
    /// its end of the pipe, so that the logger reads to the end and exits.
    mutating func logShouldExit() {
        want = .exit
    }
}
