import Testing
@testable import VigilCore

/// Scheduled tasks as the command line, the configuration file and crontab files declare them.
@Suite struct TaskOptionTests {
    let parser = VigilCommandLine(realtime: RealtimeSignals(min: 34, max: 64))

    func parse(_ words: [String], files: [String: String] = [:]) throws(UsageError) -> Configuration {
        let invocation = try parser.parse(["vigil"] + words, environment: { _ in nil },
                                          readFile: { files[$0].map { .success(Array($0.utf8)) } ?? .failure(Errno(rawValue: 2)) })
        switch invocation {
        case .run(let configuration, _), .pause(let configuration): return configuration
        case .show: return Configuration()
        }
    }

    func error(_ words: [String], files: [String: String] = [:]) -> String? {
        do {
            _ = try parse(words, files: files)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func flagsDeclareATaskAndItsSettings() throws {
        let configuration = try parse(["--task", "backup=backup --all", "--schedule", "backup=0 30 2 * * *",
                                       "--tz", "backup=Europe/Berlin", "--concurrency", "backup=2",
                                       "--time-limit", "backup=90s", "--required", "backup", "--", "app"])
        let spec = try #require(configuration.processes.first)
        #expect(spec.kind == .task)
        #expect(spec.command == ["backup", "--all"])
        #expect(spec.task.schedule?.expression == (try CronExpression.parse("0 30 2 * * *")))
        #expect(spec.task.zoneName == "Europe/Berlin")
        #expect(spec.task.concurrency == 2)
        #expect(spec.task.timeLimit == 90 * second)
        #expect(spec.required)
    }

    @Test func tasksComeAfterSidecarsAndWithoutACommandVigilPauses() throws {
        let configuration = try parse(["--task", "t=true", "--schedule", "t=@hourly", "--sidecar", "log=log"])
        #expect(configuration.processes.map { $0.name } == ["log", "t"])
    }

    @Test func mistakesAreOneLineErrors() {
        #expect(error(["--task", "t=true", "--", "app"]) == "task t has no schedule: give it with --schedule t=EXPR")
        #expect(error(["--task", "t=true", "--schedule", "t=*/0 * * * *", "--", "app"])
            == "--schedule: minute field: a step of 0 is not allowed (column 3)")
        #expect(error(["--sidecar", "s=s", "--schedule", "s=@daily", "--", "app"]) == "--schedule: only scheduled tasks take 'schedule'")
        #expect(error(["--task", "t=true", "--schedule", "t=@daily", "--ready", "t=notify", "--", "app"])
            == "--ready: only sidecars take 'ready'")
        #expect(error(["--task", "t=true", "--schedule", "t=@daily", "--concurrency", "t=0", "--", "app"])
            == "--concurrency: expected a number of runs from 1 to 100, got '0'")
    }

    @Test func nothingMayWaitForATask() {
        let processes = [sidecar("s") { $0.after = [ProcessSpec.Dependency(name: "t", condition: nil)] }, task("t", "@daily")]
        #expect(throws: UsageError("--after: s waits for t, a scheduled task, which nothing can wait for")) {
            try DependencyGraph.check(processes: processes, main: ProcessSpec(name: "main", kind: .main, command: []))
        }
    }

    @Test func aCrontabBecomesTasksNamedAfterTheirPrograms() throws {
        let crontab = """
            CRON_TZ=Europe/Berlin
            MAILTO=""
            */5 * * * * /usr/local/bin/report.sh --daily
            0 3 * * * report.sh --weekly
            @every 30s echo hi
            """
        let configuration = try parse(["--crontab", "/etc/crontab", "--", "app"], files: ["/etc/crontab": crontab])
        #expect(configuration.processes.map { $0.name } == ["report.sh", "report.sh-4", "echo"])
        let first = configuration.processes[0]
        #expect(first.command == ["/bin/sh", "-c", "/usr/local/bin/report.sh --daily"])
        #expect(first.environment == ["CRON_TZ=Europe/Berlin", "MAILTO="])
        #expect(first.task.zoneName == "Europe/Berlin")
        #expect(error(["--crontab", "/none", "--", "app"]) == "--crontab: /none: cannot be read: No such file or directory")
        #expect(error(["--crontab", "/c", "--", "app"], files: ["/c": "61 * * * * x"]) == "/c:1: minute field: 61 is out of range 0-59 (column 1)")
    }

    @Test func theFileDeclaresTasksInTaskTables() throws {
        let file = """
            [task.backup]
            command = "backup --all"
            schedule = "@daily"
            time-limit = "1h"
            """
        let configuration = try parse(["--config", "/v.toml", "--", "app"], files: ["/v.toml": file])
        #expect(configuration.processes.first?.kind == .task)
        #expect(configuration.processes.first?.task.timeLimit == 3600 * second)
    }
}
