import Testing
@testable import VigilCore

/// `vigil --procfile`: the command line, the processes it adds, and how they end.
@Suite struct ProcfileRunTests {
    let parser = VigilCommandLine(realtime: RealtimeSignals(min: 34, max: 64))
    let files = [
        "Procfile": "# app\nweb: puma -p $PORT\nworker: sidekiq\nclock: clockwork\n",
        "other/Procfile": "api: serve\n",
        ".env": "RAILS_ENV=production\n",
        "prod.env": "RAILS_ENV=prod\nPORT=7000\n",
        "bad.Procfile": "web: a\n  worker: b\n",
    ]

    func invocation(_ words: [String], environment: [String: String] = [:]) throws(UsageError) -> Invocation {
        try parser.parse(["vigil"] + words, environment: { environment[$0] },
                         readFile: { files[$0].map { .success(Array($0.utf8)) } ?? .failure(Errno(rawValue: 2)) })
    }

    func processes(_ words: [String], environment: [String: String] = [:]) throws(UsageError) -> [ProcessSpec] {
        guard case .pause(let configuration) = try invocation(words, environment: environment) else { return [] }
        #expect(configuration.stopExitWithoutMain == nil)
        return configuration.processes
    }

    func names(_ words: [String]) throws(UsageError) -> [String] { try processes(words).map { $0.name } }

    func error(_ words: [String]) -> String? {
        do {
            _ = try invocation(words)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func theFileAndTheTypesFromTheOperands() throws {
        #expect(try names(["--procfile"]) == ["web.1", "worker.1", "clock.1"])
        #expect(try names(["--procfile", "Procfile"]) == ["web.1", "worker.1", "clock.1"])
        #expect(try names(["--procfile", "Procfile", "clock", "web"]) == ["clock.1", "web.1"])
        #expect(try names(["--procfile=Procfile", "worker,web"]) == ["worker.1", "web.1"])
        #expect(try names(["--procfile", "other/Procfile"]) == ["api.1"])
        #expect(try processes([], environment: ["VIGIL_PROCFILE": "other/Procfile"]).map { $0.name } == ["api.1"])
        #expect(try processes(["web"], environment: ["VIGIL_PROCFILE": ""]).map { $0.name } == ["web.1"])
    }

    @Test func eachProcessIsASidecarThatEndsEverything() throws {
        let web = try processes(["--procfile"])[0]
        #expect(web.kind == .sidecar && web.restart == .never && web.required)
        #expect(web.command == ["/bin/sh", "-c", "puma -p $PORT"])
        #expect(web.prefixOutput && web.outputPrefix == "web.1    | ")
        #expect(web.environment == ["HONCHO_PROCESS_NAME=web.1", "RAILS_ENV=production", "PORT=5000"])
        // Started and stopped all at once, as honcho does: no start order between them.
        #expect(web.after == [])
    }

    @Test func environmentFiles() throws {
        let web = try processes(["--env-file", "prod.env", "--procfile"])[0]
        #expect(web.environment == ["HONCHO_PROCESS_NAME=web.1", "RAILS_ENV=prod", "PORT=7000"])
        // NAME=FILE stays a process's own file.
        let named = try processes(["--procfile", "--env-file", "web.1=prod.env"])[0]
        #expect(named.environmentFiles.map { $0.path } == ["prod.env"])
        #expect(named.environment == ["HONCHO_PROCESS_NAME=web.1", "RAILS_ENV=production", "PORT=5000"])
        #expect(ProcfileRun.isProcfileEnvironment(".env") && ProcfileRun.isProcfileEnvironment("./a=b.env"))
        #expect(!ProcfileRun.isProcfileEnvironment("web.1=x.env"))
    }

    @Test func settingsByTypeApplyToEachOfItsProcesses() throws {
        let specs = try processes(["--procfile", "--restart", "worker=always", "--grace", "web.1=9s"])
        #expect(specs.map { $0.restart } == [.never, .always, .never])
        #expect(specs[0].grace == 9 * Durations.second)
        #expect(error(["--procfile", "--restart", "nope=always"]) == "--restart: no process named 'nope'")
    }

    @Test func theDryRunShowsThePlan() throws {
        guard case .show(let text) = try invocation(["--procfile", "--dry-run", "Procfile", "web"]) else {
            Issue.record("no dry run")
            return
        }
        #expect(text == """
            vigil --procfile --dry-run: nothing runs
            procfile: Procfile; environment: .env (when it exists)
            web.1 5000 "web.1  | " "puma -p $PORT"
              env "HONCHO_PROCESS_NAME=web.1"
              env "RAILS_ENV=production"
              env "PORT=5000"
            the first process to end stops the rest; vigil exits with its status

            """)
    }

    @Test func errors() {
        #expect(error(["--procfile", "bad.Procfile"])?.hasPrefix("bad.Procfile:2: ") == true)
        #expect(error(["--procfile", "missing"]) == "missing: cannot be read: No such file or directory")
        #expect(error(["--procfile", "--env-file", "missing.env"]) == "missing.env: cannot be read: No such file or directory")
        #expect(error(["--procfile", "Procfile", "nope"]) == "no process type 'nope' in the Procfile")
        #expect(error(["--dry-run", "true"]) == "--dry-run goes with --procfile")
        #expect(error(["--procfile", "Procfile", "--dry-run"])
            == "'--dry-run' comes after the Procfile's operands; options go before them: vigil [OPTIONS] --procfile [FILE] [TYPE...]")
        #expect(error(["--env-file", "x.env", "true"]) == "--env-file: expected NAME=FILE (a FILE alone goes with --procfile), got 'x.env'")
        #expect(error(["--procfile", "--sidecar", "web.1=x"]) == "two processes are named 'web.1'; name them apart with NAME=CMD")
    }

    @Test func theFirstEndStopsTheRestAtOnceWithItsStatus() throws {
        let specs = try processes(["--procfile"])
        var (supervisor, actions) = bringUp(specs, policy: policy { $0.stopExitWithoutMain = nil }, hasMain: false)
        #expect(started(actions) == ["web.1", "worker.1", "clock.1"])
        let stops = supervisor.reaped(102, .exited(code: 0), at: 1)
        #expect(stops.contains(.send(signal: 15, to: .processGroup(100))))
        #expect(stops.contains(.send(signal: 15, to: .processGroup(101))))
        _ = supervisor.reaped(100, .killed(signal: 15, coreDumped: false), at: 2)
        _ = supervisor.reaped(101, .exited(code: 0), at: 2)
        #expect(supervisor.nothingLeft() == [.exit(code: 0)])
    }

    @Test func aStopRequestExits128PlusN() throws {
        let specs = try processes(["--procfile"])
        var (supervisor, _) = bringUp(specs, policy: policy { $0.stopExitWithoutMain = nil }, hasMain: false)
        _ = supervisor.received(15, at: 1)
        for pid: Int32 in [100, 101, 102] { _ = supervisor.reaped(pid, .killed(signal: 15, coreDumped: false), at: 2) }
        #expect(supervisor.nothingLeft() == [.exit(code: 143)])
    }
}
