import CLinux
import Testing
@testable import VigilCore


/// A supervisord configuration's supervisor: listener `l` (index 0, priority -1, started first
/// and stopped last) and program `talker` (index 1), both RUNNING, `l` READY.
private func running() throws -> Supervisor {
    let text = "[supervisord]\n[program:talker]\ncommand=/bin/true\nstdout_events_enabled=true\n"
        + "[eventlistener:l]\ncommand=/bin/cat\nevents=PROCESS_LOG\nstopwaitsecs=5\n"
    var host = SupervisordHost()
    host.currentDirectory = "/work"
    host.isDirectory = { path in ["/", "/work", "/tmp"].contains { $0.utf8.elementsEqual(path.utf8) } }
    host.exists = { path in path.utf8.elementsEqual("/work/s.conf".utf8) || host.isDirectory(path) }
    host.readFile = { path in path.utf8.elementsEqual("/work/s.conf".utf8) ? Array(text.utf8) : nil }
    guard case .pause(let configuration) = try SupervisordPersonality.parse(
        ["supervisord", "-c", "/work/s.conf"], host: host, realtime: RealtimeSignals(min: 34, max: 64)) else {
        Issue.record("not a run")
        return Supervisor(policy: Policy(Configuration()))
    }
    #expect(configuration.processes.map { $0.name } == ["l", "talker"])
    var supervisor = Supervisor(policy: Policy(configuration), processes: configuration.processes, hasMain: false)
    _ = supervisor.start(at: 0)
    _ = supervisor.spawned(0, pid: 10, at: 0)
    _ = supervisor.spawned(1, pid: 11, at: 0)
    _ = supervisor.timeReached(2 * second)
    _ = supervisor.handle(.supervisord(.listenerOutput(process: 0, Array("READY\n".utf8))), at: 2 * second)
    return supervisor
}

private func terminates(_ actions: [SupervisorAction], _ pid: Int32) -> Bool {
    actions.contains { action in
        if case .send(let signal, let target) = action, signal == SIGTERM, target == .process(pid) || target == .processGroup(pid) { return true }
        return false
    }
}

@Suite struct SupervisordListenerStopTests {
    /// What a program writes as it stops reaches the listener before the listener is stopped.
    @Test func aListenerSendsItsEventsBeforeItStops() throws {
        var supervisor = try running()
        #expect(terminates(supervisor.received(SIGTERM, at: 3 * second), 11))
        let sent = supervisor.handle(.supervisord(.output(process: 1, stderr: false, Array("bye\n".utf8))), at: 3 * second)
        #expect(sent.contains { if case .supervisord(.writeInput(process: 0, _)) = $0 { return true } else { return false } })
        #expect(!terminates(supervisor.reaped(11, .exited(code: 0), at: 3 * second), 10))
        #expect(supervisor.deadline == 8 * second)  // the listener's stopwaitsecs, at most
        #expect(terminates(supervisor.handle(.supervisord(.listenerOutput(process: 0, Array("RESULT 2\nOK".utf8))), at: 4 * second), 10))
    }

    @Test func aListenerThatNeverAnswersIsStoppedAfterItsStopwaitsecs() throws {
        var supervisor = try running()
        _ = supervisor.received(SIGTERM, at: 3 * second)
        _ = supervisor.handle(.supervisord(.output(process: 1, stderr: false, Array("bye\n".utf8))), at: 3 * second)
        #expect(!terminates(supervisor.reaped(11, .exited(code: 0), at: 3 * second), 10))
        #expect(!terminates(supervisor.timeReached(7 * second), 10))
        #expect(terminates(supervisor.timeReached(8 * second), 10))
    }

    @Test func anIdleListenerIsStoppedAtOnce() throws {
        var supervisor = try running()
        _ = supervisor.received(SIGTERM, at: 3 * second)
        #expect(terminates(supervisor.reaped(11, .exited(code: 0), at: 3 * second), 10))
    }
}
