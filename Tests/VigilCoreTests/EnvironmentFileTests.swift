import Testing
@testable import VigilCore

/// Docker's `--env-file` format, and the explained exit: the pure halves of items 7 and 8.
@Suite struct EnvironmentFileTests {
    func parse(_ text: String, _ vigils: [String: String] = [:]) throws(EnvironmentFile.LineProblem) -> [String] {
        try EnvironmentFile.parse(Array(text.utf8), lookup: { vigils[$0] })
    }

    @Test func linesAsDockerReadsThem() throws {
        let file = "\u{FEFF}# a comment\n\nA=1\n  B=two words \nC=\"quoted\"\r\nD=\nHOME\nMISSING\n\t# indented comment\nE=x=y"
        #expect(try parse(file, ["HOME": "/root"]) == ["A=1", "B=two words ", "C=\"quoted\"", "D=", "HOME=/root", "E=x=y"])
    }

    @Test func badLinesNameTheirNumber() {
        #expect(throws: EnvironmentFile.LineProblem(line: 2, message: "variable 'A B' contains whitespace")) {
            try parse("OK=1\nA B=1\n")
        }
        #expect(throws: EnvironmentFile.LineProblem(line: 1, message: "no variable name in '=1'")) { try parse("=1") }
        #expect(throws: EnvironmentFile.LineProblem(line: 3, message: "not valid UTF-8")) {
            try EnvironmentFile.parse([0x41, 0x0A, 0x0A, 0x42, 0x3D, 0xFF], lookup: { _ in nil })
        }
        #expect(throws: EnvironmentFile.LineProblem(line: 1, message: "a NUL byte cannot be passed in the environment")) {
            try EnvironmentFile.parse([0x41, 0x3D, 0x00], lookup: { _ in nil })
        }
    }

    @Test func theSettingTakesFilesForEveryKindOfProcess() throws {
        let invocation = try VigilCommandLine(realtime: RealtimeSignals(min: 34, max: 64)).parse(
            ["vigil", "--init", "i=true", "--env-file", "i=a.env", "--env-file", "main=b.env", "--env-file", "main=c.env", "app"],
            environment: { _ in nil })
        guard case .run(let configuration, _) = invocation else {
            Issue.record("not a run")
            return
        }
        #expect(configuration.processes[0].environmentFiles == [.init(path: "a.env", place: "--env-file")])
        #expect(configuration.main.environmentFiles.map(\.path) == ["b.env", "c.env"])
    }
}

@Suite struct ExitReportTests {
    @Test func oneLineSaysWhyAndWhatTheStopTook() {
        var report = ExitReport(code: 143, cause: .stopRequest(signal: 15), main: .killed(signal: 15, coreDumped: false))
        report.stopTook = 1_200 * Durations.millisecond
        #expect(report.line.string == "exiting with 143: stop request (SIGTERM); main killed by SIGTERM; the stop took 1.2s")
        #expect(!report.isWorthSaying)
        report.killed = ["metrics"]
        report.leftoversKilled = 2
        #expect(report.line.string.hasSuffix("; SIGKILL at the end of the grace: metrics and 2 other processes"))
        #expect(report.isWorthSaying)
        #expect(!ExitReport(code: 127, cause: .mainCouldNotStart(errno: 2)).isWorthSaying)
        #expect(ExitReport(code: 3, cause: .mainExited(.exited(code: 3)), main: .exited(code: 3)).line.string
            == "exiting with 3: main exited with code 3")
        #expect(ExitReport(code: 1, cause: .initFailed(name: "migrate", how: .exited(code: 1))).line.string
            == "exiting with 1: init task migrate exited with code 1")
        #expect(ExitReport(code: 7, cause: .requiredFailed(name: "db", how: .exited(code: 7)), main: .exited(code: 0)).line.string
            == "exiting with 7: required sidecar db exited with code 7 and stays down; main exited with code 0")
    }

    @Test func theTerminationMessageAddsTheRestartsAndIsBounded() {
        var report = ExitReport(code: 0, cause: .mainExited(.exited(code: 0)), main: .exited(code: 0))
        report.restarts = [.init(name: "log", count: 0), .init(name: "metrics", count: 2)]
        #expect(String(decoding: report.message(longest: 4096), as: UTF8.self)
            == "exiting with 0: main exited with code 0\nrestarts: log 0, metrics 2\n")
        #expect(report.message(longest: 10).count == 10)
    }

    @Test func theSupervisorKnowsWhatEndedIt() {
        var (supervisor, _) = bringUp([sidecar("db") { $0.restart = .never; $0.required = true }])
        supervisor.started(mainChild: 40, at: 0)
        _ = supervisor.reaped(100, .exited(code: 7), at: second)
        _ = supervisor.reaped(40, .killed(signal: 15, coreDumped: false), at: 2 * second)
        let report = supervisor.exitReport(code: 7, at: 2 * second, leftoversKilled: 0)
        #expect(report.line.string == "exiting with 7: required sidecar db exited with code 7 and stays down; main killed by SIGTERM; the stop took 1s")
        #expect(report.restarts == [.init(name: "db", count: 0)])
    }
}

@Suite struct StatusRecordExtensionTests {
    @Test func dependenciesAndLivenessTravelAtTheEnd() {
        var db = StatusRecord.Process(name: "db", kind: "sidecar", state: "ready", pid: 9)
        db.after = ["migrate:done", "log:ready"]
        db.live = "failing"
        db.liveFailures = 2
        var log = StatusRecord.Process(name: "log", kind: "sidecar", state: "running", pid: 8)
        log.after = []
        let record = StatusRecord(phase: "running", pid: 1, processes: [db, log])
        #expect(record.lines == ["phase running pid 1", "process db sidecar ready 9 0 - - migrate:done,log:ready failing 2",
                                 "process log sidecar running 8 0 - - , - 0"])
        #expect(StatusRecord(lines: record.lines) == record)
        // What an older client reads of it: the first eight fields, as before.
        let old = StatusRecord(lines: record.lines.map { line in line.split(separator: " ").prefix(8).joined(separator: " ") })
        #expect(old?.processes.map(\.after) == [nil, nil])
    }

    @Test func theTableAndTheJSONShowThem() {
        var db = StatusRecord.Process(name: "db", kind: "sidecar", state: "ready", pid: 9)
        db.after = ["migrate:done"]
        db.live = "failing"
        db.liveFailures = 2
        let record = StatusRecord(phase: "running", pid: 1, processes: [db])
        let table = StatusCommand.table(record.lines)
        #expect(table.split(separator: "\n")[1].split(separator: " ").map(String.init)
            == ["NAME", "KIND", "STATE", "PID", "RESTARTS", "LAST-EXIT", "UPTIME", "AFTER", "LIVE"])
        #expect(table.split(separator: "\n")[2].split(separator: " ").map(String.init)
            == ["db", "sidecar", "ready", "9", "0", "-", "-", "migrate:done", "failing:2"])
        #expect(String(decoding: StatusCommand.json(record), as: UTF8.self) == """
            {"version":1,"phase":"running","pid":1,"processes":[
            {"name":"db","kind":"sidecar","state":"ready","pid":9,"restarts":0,"last_exit":null,"uptime_ms":null,\
            "after":["migrate:done"],"live":"failing","live_failures":2}
            ]}

            """)
    }
}
