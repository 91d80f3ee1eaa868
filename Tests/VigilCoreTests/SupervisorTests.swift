import Testing
@testable import VigilCore

@Suite struct SupervisorTests {
    @Test func forwardsToTheChildOrItsGroup() {
        var alone = Supervisor(policy: .init())
        alone.started(mainChild: 40)
        #expect(alone.received(10) == [.send(signal: 10, to: .process(40))])
        var group = Supervisor(policy: .init(forwardToGroup: true))
        group.started(mainChild: 40)
        #expect(group.received(15) == [.send(signal: 15, to: .processGroup(40))])
    }

    @Test func exitsWithTheMainChildsStatus() {
        var supervisor = Supervisor(policy: .init())
        supervisor.started(mainChild: 40)
        #expect(supervisor.reaped(41, .exited(code: 3)) == [])
        #expect(supervisor.reaped(40, .killed(signal: 15, coreDumped: false)) == [.exit(code: 143)])
        #expect(supervisor.mainChild == nil)
        #expect(supervisor.received(15) == [])
    }

    @Test func appliesTheExitMap() {
        var supervisor = Supervisor(policy: .init(exitMap: ExitMap([143])))
        supervisor.started(mainChild: 40)
        #expect(supervisor.reaped(40, .killed(signal: 15, coreDumped: false)) == [.exit(code: 0)])
    }

    @Test func ignoresStopsOfTheChild() {
        var supervisor = Supervisor(policy: .init())
        supervisor.started(mainChild: 40)
        #expect(supervisor.reaped(40, .stopped(signal: 19)) == [])
        #expect(supervisor.mainChild == 40)
    }
}
