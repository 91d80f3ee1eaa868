import Testing
@testable import VigilCore

/// The events of `Supervisor.handle`, by the names the tests read best. Every call goes
/// through `handle`, the one entry production uses.
extension Supervisor {
    mutating func start(at now: Instant) -> [SupervisorAction] { handle(.start, at: now) }

    /// The main command started (what the runtime reports after `.startMain`).
    mutating func started(mainChild pid: Int32, foreground: Bool = false, at now: Instant = 0) {
        #expect(handle(.mainStarted(pid: pid, foreground: foreground), at: now) == [])
    }

    mutating func mainCouldNotStart(errno: Int32, at now: Instant) -> [SupervisorAction] {
        handle(.mainCouldNotStart(errno: errno), at: now)
    }

    mutating func received(_ signal: Int32, at now: Instant) -> [SupervisorAction] { handle(.signal(signal), at: now) }

    mutating func reaped(_ pid: Int32, _ state: ChildState, at now: Instant) -> [SupervisorAction] {
        handle(.reaped(pid: pid, state), at: now)
    }

    mutating func timeReached(_ now: Instant) -> [SupervisorAction] { handle(.deadline, at: now) }

    mutating func nothingLeft() -> [SupervisorAction] { handle(.nothingLeft, at: 0) }

    mutating func waitFailed(at now: Instant) -> [SupervisorAction] { handle(.waitFailed, at: now) }

    mutating func spawned(_ index: Int, pid: Int32?, errno: Int32 = 0, at now: Instant) -> [SupervisorAction] {
        handle(.spawned(process: index, pid: pid, errno: errno), at: now)
    }

    mutating func checkSpawned(_ index: Int, pid: Int32?, at now: Instant) -> [SupervisorAction] {
        handle(.checkSpawned(process: index, pid: pid), at: now)
    }

    mutating func checkResult(_ index: Int, passed: Bool?, at now: Instant) -> [SupervisorAction] {
        handle(.checkResult(process: index, passed: passed), at: now)
    }

    mutating func notified(_ index: Int, sender: Int32, senderGroup: Int32, at now: Instant) -> [SupervisorAction] {
        handle(.notified(process: index, sender: sender, senderGroup: senderGroup), at: now)
    }

    /// A control request: its reply, and the actions after it.
    mutating func control(_ request: ControlProtocol.Request, at now: Instant, ownPID: Int32 = 1)
        -> (ControlProtocol.Reply, [SupervisorAction]) {
        var actions = handle(.control(request, ownPID: ownPID), at: now)
        guard case .reply(let reply) = actions.first else {
            Issue.record("a control request's first action is its reply: \(actions.count) actions")
            return (ControlProtocol.Reply(error: "no reply"), actions)
        }
        actions.removeFirst()
        return (reply, actions)
    }
}
