import Testing
@testable import VigilCore

private func decoded(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

@Suite struct EventListenerTests {
    @Test func envelopesAndPayloadsAsSupervisorWritesThem() {
        let running = ListenerEvent.processState(to: .running, process: "web", group: "web", from: .starting, pid: 42, tries: 0, expected: true)
        #expect(decoded(running.envelope(identifier: "supervisor", serial: 21, pool: "listener", poolSerial: 10))
            == "ver:3.0 server:supervisor serial:21 pool:listener poolserial:10 eventname:PROCESS_STATE_RUNNING len:56\nprocessname:web groupname:web from_state:STARTING pid:42")
        #expect(decoded(ListenerEvent.processState(to: .backoff, process: "a", group: "g", from: .starting, pid: 0, tries: 2, expected: true).payload)
            == "processname:a groupname:g from_state:STARTING tries:2")
        #expect(decoded(ListenerEvent.processState(to: .exited, process: "a", group: "g", from: .running, pid: 7, tries: 0, expected: false).payload)
            == "processname:a groupname:g from_state:RUNNING expected:0 pid:7")
        #expect(decoded(ListenerEvent.processState(to: .fatal, process: "a", group: "g", from: .backoff, pid: 0, tries: 3, expected: true).payload)
            == "processname:a groupname:g from_state:BACKOFF")
        #expect(decoded(ListenerEvent.processLog(process: "a", group: "g", pid: 9, stderr: true, data: Array("oops\n".utf8)).payload)
            == "processname:a groupname:g pid:9 channel:stderr\noops\n")
        #expect(decoded(ListenerEvent.processLog(process: "a", group: "g", pid: 9, stderr: false, data: [0xFF, 0x0A]).payload)
            == "processname:a groupname:g pid:9 channel:stdout\nUndecodable: b'\\xff\\n'")
        #expect(ListenerEvent.supervisorState(running: false).payload.isEmpty)
        #expect(decoded(ListenerEvent.tick(period: 60, now: 1_700_000_059)!.payload) == "when:1700000040")
        // len counts characters, as Python does.
        let accented = ListenerEvent.processLog(process: "a", group: "g", pid: 1, stderr: false, data: Array("é".utf8))
        #expect(decoded(accented.envelope(identifier: "s", serial: 0, pool: "p", poolSerial: 0)).hasSuffix("len:48\nprocessname:a groupname:g pid:1 channel:stdout\né"))
    }

    @Test func subscriptionsMatchFamilies() {
        #expect(ListenerEventType.processStateFatal.isDelivered(to: .processState))
        #expect(ListenerEventType.processStateFatal.isDelivered(to: .event))
        #expect(!ListenerEventType.processStateFatal.isDelivered(to: .processStateExited))
        #expect(ListenerEventType.tick60.isDelivered(to: .tick) && !ListenerEventType.tick60.isDelivered(to: .processLog))
        #expect(ListenerEventType(name: "PROCESS_LOG_STDERR") == .processLogStderr && ListenerEventType(name: "process_log") == nil)
        #expect(ListenerEventType.allCases.count == 27)
    }

    @Test func aListenersConversation() {
        var listener = ListenerProtocol()
        #expect(listener.feed(Array("REA".utf8)).isEmpty && listener.state == .acknowledged)
        #expect(listener.feed(Array("DY\n".utf8)) == [.ready] && listener.state == .ready)
        listener.eventSent()
        #expect(listener.state == .busy)
        #expect(listener.feed(Array("RESULT 2\nO".utf8)).isEmpty)
        #expect(listener.feed(Array("KREADY\n".utf8)) == [.accepted, .ready])
        listener.eventSent()
        #expect(listener.feed(Array("RESULT 4\nFAILREADY\n".utf8)) == [.rejected(body: Array("FAIL".utf8)), .ready])
    }

    @Test func protocolViolationsMakeTheListenerUnknown() {
        var early = ListenerProtocol()
        #expect(early.feed(Array("hello world\n".utf8)) == [.violation] && early.state == .unknown)
        #expect(early.feed(Array("READY\n".utf8)).isEmpty)
        var chatty = ListenerProtocol()
        _ = chatty.feed(Array("READY\n".utf8))
        #expect(chatty.feed(Array("x".utf8)) == [.violation])
        var bad = ListenerProtocol()
        _ = bad.feed(Array("READY\n".utf8))
        bad.eventSent()
        #expect(bad.feed(Array("RESULT two\n".utf8)) == [.badResultLine(Array("RESULT two".utf8))] && bad.state == .unknown)
        var loose = ListenerProtocol()
        _ = loose.feed(Array("READY\n".utf8))
        loose.eventSent()
        // supervisor reads whatever follows the first seven bytes as the length.
        #expect(loose.feed(Array("XXXXXXX 2\nOK".utf8)) == [.accepted])
        var empty = ListenerProtocol()
        _ = empty.feed(Array("READY\n".utf8))
        empty.eventSent()
        // A zero-length result is decided when more output comes, as in supervisor.
        #expect(empty.feed(Array("RESULT 0\n".utf8)).isEmpty)
        #expect(empty.feed(Array("READY\n".utf8)) == [.rejected(body: []), .ready])
    }
}
