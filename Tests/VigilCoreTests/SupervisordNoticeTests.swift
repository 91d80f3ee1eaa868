import Testing
@testable import VigilCore

/// The notices vigil logs once at the start of a supervisord configuration.
private func notices(_ text: String) throws -> [String] {
    var host = SupervisordHost()
    host.currentDirectory = "/work"
    host.isDirectory = { path in ["/", "/work", "/tmp", "/dev"].contains { $0.utf8.elementsEqual(path.utf8) } }
    host.exists = { path in path.utf8.elementsEqual("/work/s.conf".utf8) || host.isDirectory(path) }
    host.readFile = { path in path.utf8.elementsEqual("/work/s.conf".utf8) ? Array(text.utf8) : nil }
    let invocation = try SupervisordPersonality.parse(["supervisord", "-c", "/work/s.conf"], host: host,
                                                      realtime: RealtimeSignals(min: 34, max: 64))
    guard case .pause(let configuration) = invocation else { return [] }
    return configuration.supervisord?.notices.map { ($0.level == .warning ? "warning: " : "") + $0.text } ?? []
}

@Suite struct SupervisordNoticeTests {
    @Test func supervisordsOwnLogAndUnsentEvents() throws {
        let lines = try notices("[supervisord]\nnodaemon=true\nlogfile=/tmp/s.log\n[eventlistener:l]\ncommand=/bin/cat\nevents=TICK_5,PROCESS_COMMUNICATION,REMOTE_COMMUNICATION\n")
        #expect(lines == ["logfile /tmp/s.log is not written: vigil's own lines go to its stderr",
                          "warning: [eventlistener:l] PROCESS_COMMUNICATION events are never sent by vigil",
                          "warning: [eventlistener:l] REMOTE_COMMUNICATION events are never sent by vigil"])
        #expect(try notices("[supervisord]\nnodaemon=true\nlogfile=/dev/stdout\n[program:a]\ncommand=/bin/true\n").isEmpty)
    }
}
