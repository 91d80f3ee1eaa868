import Testing
@testable import VigilCore

private func info(_ group: String, _ name: String, state: Int64, _ statename: String, _ description: String, pid: Int64 = 0) -> XMLRPCValue {
    .structure([XMLRPCMember(name: "group", value: .string(group)), XMLRPCMember(name: "name", value: .string(name)),
                XMLRPCMember(name: "state", value: .int(state)), XMLRPCMember(name: "statename", value: .string(statename)),
                XMLRPCMember(name: "description", value: .string(description)), XMLRPCMember(name: "pid", value: .int(pid))])
}

private var processes: XMLRPCValue { .array([
    info("web", "web", state: 20, "RUNNING", "pid 7, uptime 0:01:00", pid: 7),
    info("workers", "worker_00", state: 200, "FATAL", "Exited too quickly (process log may have details)"),
]) }

/// A session against made-up replies; `calls` records what it asked.
private func session(_ words: [String], replies: [String: XMLRPCReply] = [:], down: SupervisorctlSession.Unanswered? = nil)
    -> (SupervisorctlSession, [String]) {
    final class Log { var calls: [String] = [] }
    let log = Log()
    var all = replies
    all["supervisor.getVersion"] = all["supervisor.getVersion"] ?? .value(.string("3.0"))
    all["supervisor.getAllProcessInfo"] = all["supervisor.getAllProcessInfo"] ?? .value(processes)
    var session = SupervisorctlSession(serverURL: "unix:///run/s.sock") { method, params in
        log.calls.append(method + (params.isEmpty ? "" : " " + params.compactMap { SupervisorctlSession.text($0) }.joined(separator: " ")))
        if let down { return .failure(down) }
        return .success(all[method] ?? .value(.boolean(true)))
    }
    session.run(words)
    return (session, log.calls)
}

@Suite struct SupervisorctlSessionTests {
    @Test func statusAsSupervisorctlPrintsIt() {
        let (all, _) = session(["status"])
        #expect(all.lines == ["web" + String(repeating: " ", count: 30) + "RUNNING   pid 7, uptime 0:01:00",
                              "workers:worker_00" + String(repeating: " ", count: 16) + "FATAL     Exited too quickly (process log may have details)"])
        #expect(all.status == 3)
        let (one, _) = session(["status", "web"])
        #expect(one.lines.count == 1 && one.status == 0)
        let (group, _) = session(["status", "workers:*", "nosuch"])
        #expect(group.lines == ["nosuch: ERROR (no such process)", "workers:worker_00" + String(repeating: " ", count: 16) + "FATAL     Exited too quickly (process log may have details)"])
        #expect(group.status == 3)
    }

    @Test func theServerUnreachable() {
        let (refused, _) = session(["status"], down: .refused)
        #expect(refused.lines == ["unix:///run/s.sock refused connection"] && refused.status == 4)
        let (gone, _) = session(["shutdown"], down: .noSocketFile)
        #expect(gone.lines == ["ERROR: unix:///run/s.sock no such file (already shut down?)"] && gone.status == 1)
        let (old, _) = session(["status"], replies: ["supervisor.getVersion": .value(.string("2.0"))])
        #expect(old.status == 4 && old.lines[0].hasPrefix("Sorry, this version of supervisorctl expects"))
        // A refused password is an error of the call, not "unknown": exit 1 for status too.
        let (refusedPassword, _) = session(["status"], down: .unauthorized)
        #expect(refusedPassword.lines == ["Server requires authentication"] && refusedPassword.status == 1)
    }

    @Test func startStopAndSignalResults() {
        let (started, calls) = session(["start", "web", "workers:*"], replies: [
            "supervisor.startProcessGroup": .value(.array([.structure([
                XMLRPCMember(name: "group", value: .string("workers")), XMLRPCMember(name: "name", value: .string("worker_00")),
                XMLRPCMember(name: "status", value: .int(60)), XMLRPCMember(name: "description", value: .string("OK"))])])),
        ])
        #expect(started.lines == ["web: started", "workers:worker_00: ERROR (already started)"] && started.status == 0)
        #expect(calls == ["supervisor.getVersion", "supervisor.startProcess web", "supervisor.startProcessGroup workers"])
        let (stopped, _) = session(["stop", "web"], replies: ["supervisor.stopProcess": .fault(code: 70, text: "NOT_RUNNING: web")])
        #expect(stopped.lines == ["web: ERROR (not running)"] && stopped.status == 0)
        let (unknown, _) = session(["signal", "HUP", "x"], replies: ["supervisor.signalProcess": .fault(code: 10, text: "BAD_NAME: x")])
        #expect(unknown.lines == ["x: ERROR (no such process)"] && unknown.status == 1)
        let (empty, _) = session(["restart"])
        #expect(empty.status == 1 && empty.lines.first == "Error: restart requires a process name")
        let (bogus, _) = session(["frobnicate", "now"])
        #expect(bogus.lines == ["*** Unknown syntax: frobnicate now"] && bogus.status == 1)
    }

    @Test func serverURLs() throws {
        #expect(try SupervisorctlServer.parse("unix:///run/s.sock") == .socketFile("/run/s.sock"))
        #expect(try SupervisorctlServer.parse("http://localhost:9001") == .tcp(.loopback, 9001))
        #expect(try SupervisorctlServer.parse("http://10.0.0.2:80/RPC2") == .tcp(.v4(0x0A00_0002), 80))
        #expect(throws: UsageError.self) { try SupervisorctlServer.parse("http://example.com:9001") }
        #expect(SupervisorctlCommand.words(["status", "a b", " c"]) == ["status", "a", "b", "c"])
    }
}
