import Testing
@testable import VigilCore

/// Whether a listener still has events to send, which holds its stop at the container's stop.
@Suite struct ListenerPoolsWorkTests {
    @Test func bufferedOrBusyIsWorkUntilAccepted() {
        var pools = ListenerPools()
        pools.add(process: 3, pool: "l", subscriptions: [.supervisorStateChange], bufferSize: 10, handler: .standard)
        #expect(!pools.hasWork(process: 3))
        pools.publish(ListenerEvent.supervisorState(running: false))
        #expect(pools.hasWork(process: 3))  // buffered, the listener not READY yet
        _ = pools.received(Array("READY\n".utf8), from: 3)
        #expect(pools.dispatch(identifier: "supervisor", isRunning: { _ in true }).count == 1)
        #expect(pools.hasWork(process: 3))  // busy with it
        _ = pools.received(Array("RESULT 2\nOK".utf8), from: 3)
        #expect(!pools.hasWork(process: 3))
        #expect(!pools.hasWork(process: 4))
    }

    @Test func anUnknownListenerHasNoWorkLeft() {
        var pools = ListenerPools()
        pools.add(process: 0, pool: "l", subscriptions: [.supervisorStateChange], bufferSize: 10, handler: .standard)
        _ = pools.received(Array("nonsense\n".utf8), from: 0)
        pools.publish(ListenerEvent.supervisorState(running: false))
        #expect(!pools.hasWork(process: 0))
    }
}
