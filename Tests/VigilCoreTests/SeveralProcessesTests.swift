import Testing
@testable import VigilCore

func sidecar(_ name: String, ready: ProcessSpec.Readiness? = nil, _ change: (inout ProcessSpec) -> Void = { _ in }) -> ProcessSpec {
    var spec = ProcessSpec(name: name, kind: .sidecar, command: [name])
    spec.readiness = ready
    change(&spec)
    return spec
}

func initTask(_ name: String) -> ProcessSpec {
    ProcessSpec(name: name, kind: .initTask, command: [name])
}

/// Starts a supervisor over `specs` and reports each start as a spawn with PID 100 + index.
func bringUp(_ specs: [ProcessSpec], policy: Policy = policy(), hasMain: Bool = true) -> (Supervisor, [SupervisorAction]) {
    var supervisor = Supervisor(policy: policy, processes: specs, hasMain: hasMain)
    var log: [SupervisorAction] = []
    var pending = supervisor.start(at: 0)
    while let action = pending.first {
        pending.removeFirst()
        log.append(action)
        if case .start(let index, _) = action {
            pending += supervisor.spawned(index, pid: Int32(100 + index), at: 0)
        }
    }
    return (supervisor, log)
}

func started(_ actions: [SupervisorAction]) -> [String] {
    actions.compactMap { if case .start(_, let spec) = $0 { return spec.name }; if case .startMain = $0 { return "main" }; return nil }
}

@Suite struct StartOrderTests {
    @Test func initsThenSidecarsThenMain() {
        let (supervisor, actions) = bringUp([initTask("migrate"), sidecar("log"), sidecar("metrics")])
        // The init task runs until it exits: nothing else starts before.
        #expect(started(actions) == ["migrate"])
        var next = supervisor
        let after = next.reaped(100, .exited(code: 0), at: 1)
        #expect(started(after) == ["log"])
        let log = next.spawned(1, pid: 101, at: 1)
        #expect(started(log) == ["metrics"])
        #expect(started(next.spawned(2, pid: 102, at: 1)) == ["main"])
    }

    @Test func aFailingInitStopsTheStartUpWithItsStatus() {
        var (supervisor, _) = bringUp([initTask("migrate"), sidecar("log")])
        let actions = supervisor.reaped(100, .exited(code: 3), at: 1)
        #expect(started(actions).isEmpty)
        #expect(actions.contains(.note(.initFailed(name: "migrate", how: .exited(code: 3)))))
        #expect(supervisor.nothingLeft() == [.exit(code: 3)])
        var killed = bringUp([initTask("migrate")]).0
        _ = killed.reaped(100, .killed(signal: 9, coreDumped: false), at: 1)
        #expect(killed.nothingLeft() == [.exit(code: 137)])
    }

    @Test func aSidecarWithACheckIsReadyBeforeTheNextStarts() {
        let (supervisor, actions) = bringUp([sidecar("db", ready: .tcp(address: 0x7F00_0001, port: 5432)), sidecar("app")])
        #expect(started(actions) == ["db"])
        #expect(actions.contains(.check(process: 0, .tcp(address: 0x7F00_0001, port: 5432))))
        var next = supervisor
        #expect(next.checkResult(0, passed: false, at: 1) == [])
        #expect(next.deadline == 1 + Policy().checkInterval)
        #expect(next.timeReached(1 + Policy().checkInterval) == [.check(process: 0, .tcp(address: 0x7F00_0001, port: 5432))])
        let ready = next.checkResult(0, passed: true, at: 2)
        #expect(ready.contains(.note(.ready(name: "db"))))
        #expect(started(ready) == ["app"])
    }

    @Test func aCheckThatNeverPassesIsAFailedStart() {
        let spec = sidecar("db", ready: .notify) { $0.startTimeout = 10; $0.backoff = 0 }
        var (supervisor, actions) = bringUp([spec])
        #expect(started(actions) == ["db"])
        let timedOut = supervisor.timeReached(10)
        #expect(timedOut.contains(.send(signal: 9, to: .processGroup(100))))
        // Its death is an exit like any other: restarted at once (backoff 0).
        #expect(started(supervisor.reaped(100, .killed(signal: 9, coreDumped: false), at: 11)) == ["db"])
    }

    @Test func aCheckStillRunningGoesWithItsStart() {
        let spec = sidecar("db", ready: .exec(["probe"])) { $0.startTimeout = 10; $0.backoff = 0 }
        var (supervisor, actions) = bringUp([spec])
        #expect(actions.contains(.check(process: 0, .exec(["probe"]))))
        #expect(supervisor.checkSpawned(0, pid: 200, at: 1) == [])
        let timedOut = supervisor.timeReached(10)
        #expect(timedOut.contains(.send(signal: 9, to: .processGroup(200))))
        #expect(timedOut.contains(.send(signal: 9, to: .processGroup(100))))
        // The same when the process exits while its check runs.
        #expect(started(supervisor.reaped(100, .killed(signal: 9, coreDumped: false), at: 11)) == ["db"])
        _ = supervisor.spawned(0, pid: 300, at: 11)
        #expect(supervisor.checkSpawned(0, pid: 201, at: 12) == [])
        #expect(supervisor.reaped(300, .exited(code: 1), at: 13).contains(.send(signal: 9, to: .processGroup(201))))
    }

    @Test func anAttemptThatTakesTooLongIsGivenUpAndTriedAgain() {
        let interval = Policy().checkInterval
        func limits(_ spec: inout ProcessSpec) { spec.readyTimeout = 5 * interval; spec.startTimeout = 1000 * interval }
        var (supervisor, actions) = bringUp([sidecar("db", ready: .exec(["probe"]), limits)])
        #expect(actions.contains(.check(process: 0, .exec(["probe"]))))
        #expect(supervisor.checkSpawned(0, pid: 200, at: 1) == [])
        #expect(supervisor.deadline == 5 * interval)
        #expect(supervisor.timeReached(5 * interval) == [.send(signal: 9, to: .processGroup(200)),
                                                         .note(.checkTimedOut(name: "db", after: 5 * interval))])
        // The killed check's exit is no verdict; the next attempt follows after the interval.
        #expect(supervisor.reaped(200, .killed(signal: 9, coreDumped: false), at: 5 * interval + 1) == [])
        #expect(supervisor.timeReached(6 * interval) == [.check(process: 0, .exec(["probe"]))])
        #expect(supervisor.checkSpawned(0, pid: 201, at: 6 * interval) == [])
        #expect(supervisor.reaped(201, .exited(code: 0), at: 6 * interval + 1).contains(.note(.ready(name: "db"))))

        // A tcp attempt still connecting keeps its deadline across looks, then is closed.
        let tcp = ProcessSpec.Readiness.tcp(address: 0x7F00_0001, port: 80)
        var (connecting, _) = bringUp([sidecar("web", ready: tcp, limits)])
        #expect(connecting.checkResult(0, passed: nil, at: 1) == [])
        #expect(connecting.timeReached(1 + interval) == [.check(process: 0, tcp)])
        #expect(connecting.checkResult(0, passed: nil, at: 2 + interval) == [])
        #expect(connecting.timeReached(5 * interval) == [.abandonProbe(process: 0), .note(.checkTimedOut(name: "web", after: 5 * interval))])
        #expect(connecting.timeReached(6 * interval) == [.check(process: 0, tcp)])
        // Its start stops: a tcp check still connecting is closed with it.
        #expect(connecting.received(15, at: 6 * interval + 1).contains(.abandonProbe(process: 0)))
    }

    @Test func notifyComesOnlyFromTheProcessOrItsGroup() {
        var (supervisor, _) = bringUp([sidecar("db", ready: .notify), sidecar("app")])
        #expect(supervisor.notified(0, sender: 555, senderGroup: 555, at: 1) == [])
        #expect(started(supervisor.notified(0, sender: 101, senderGroup: 100, at: 1)) == ["app"])
    }
}

@Suite struct RestartTests {
    @Test func backoffDoublesToItsCapAndResetsAfterALongRun() {
        let spec = sidecar("log") { $0.backoff = 10; $0.backoffMax = 35; $0.backoffReset = 1000 }
        var (supervisor, _) = bringUp([spec])
        supervisor.started(mainChild: 40)
        var delays: [Int64] = []
        var now: Instant = 0
        var pid: Int32 = 100
        for _ in 0..<4 {
            let actions = supervisor.reaped(pid, .exited(code: 1), at: now)
            guard case .note(.exited(_, _, let delay?)) = actions.first else { Issue.record("no restart"); return }
            delays.append(delay)
            now += delay
            #expect(started(supervisor.timeReached(now)) == ["log"])
            pid += 1
            _ = supervisor.spawned(0, pid: pid, at: now)
        }
        #expect(delays == [10, 20, 35, 35])
        // After a run longer than backoff-reset, the first delay again.
        let actions = supervisor.reaped(pid, .exited(code: 1), at: now + 2000)
        #expect(actions.first == .note(.exited(name: "log", how: .exited(code: 1), restartIn: 10)))
    }

    @Test func restartPolicies() {
        for (policyName, code, restarts) in [(ProcessSpec.Restart.always, Int32(0), true), (.onFailure, 0, false),
                                              (.onFailure, 1, true), (.never, 1, false)] {
            var (supervisor, _) = bringUp([sidecar("s") { $0.restart = policyName; $0.backoff = 0 }])
            supervisor.started(mainChild: 40)
            let actions = supervisor.reaped(100, .exited(code: code), at: 1)
            #expect(!started(actions).isEmpty == restarts)
        }
    }

    @Test func aRestartLimitLeavesItDown() {
        var (supervisor, _) = bringUp([sidecar("s") { $0.maxRestarts = 1; $0.backoff = 0 }])
        supervisor.started(mainChild: 40)
        #expect(started(supervisor.reaped(100, .exited(code: 1), at: 1)) == ["s"])
        _ = supervisor.spawned(0, pid: 101, at: 1)
        #expect(supervisor.reaped(101, .exited(code: 1), at: 2) == [.note(.failed(name: "s", how: .exited(code: 1), required: false))])
    }

    @Test func aRequiredSidecarDownForGoodStopsEverythingWithItsStatus() {
        var (supervisor, _) = bringUp([sidecar("db") { $0.restart = .never; $0.required = true }])
        supervisor.started(mainChild: 40)
        let actions = supervisor.reaped(100, .exited(code: 7), at: 1)
        #expect(actions.contains(.send(signal: 15, to: .process(40))))
        _ = supervisor.reaped(40, .killed(signal: 15, coreDumped: false), at: 2)
        #expect(supervisor.nothingLeft() == [.exit(code: 7)])
    }

    @Test func withoutAMainStopRequestsEndWithZero() {
        var (supervisor, actions) = bringUp([sidecar("a")], hasMain: false)
        #expect(started(actions) == ["a"])
        #expect(supervisor.phase == .pausing)
        // Other signals go to every sidecar.
        #expect(supervisor.received(10, at: 1) == [.send(signal: 10, to: .processGroup(100))])
        _ = supervisor.received(15, at: 1)
        _ = supervisor.reaped(100, .killed(signal: 15, coreDumped: false), at: 2)
        #expect(supervisor.nothingLeft() == [.exit(code: 0)])
    }
}

@Suite struct StopOrderTests {
    @Test func mainFirstThenSidecarsInReverseOneAtATime() {
        var (supervisor, _) = bringUp([sidecar("log"), sidecar("metrics")])
        supervisor.started(mainChild: 40)
        #expect(supervisor.received(15, at: 0) == [.send(signal: 15, to: .process(40)), .send(signal: 18, to: .process(40))])
        let afterMain = supervisor.reaped(40, .exited(code: 0), at: 1)
        #expect(afterMain.contains(.send(signal: 15, to: .processGroup(101))))
        #expect(!afterMain.contains(.send(signal: 15, to: .processGroup(100))))
        let afterMetrics = supervisor.reaped(101, .exited(code: 0), at: 2)
        #expect(afterMetrics.contains(.send(signal: 15, to: .processGroup(100))))
        let afterLog = supervisor.reaped(100, .exited(code: 0), at: 3)
        #expect(afterLog.contains(.signalLeftovers(signal: 15)))
        #expect(supervisor.nothingLeft() == [.exit(code: 0)])
    }

    @Test func aStopRequestWhileSidecarsStopKeepsTheOrder() {
        var (supervisor, _) = bringUp([sidecar("log"), sidecar("metrics")])
        supervisor.started(mainChild: 40)
        _ = supervisor.received(15, at: 0)
        _ = supervisor.reaped(40, .exited(code: 0), at: 1)
        // metrics is stopping; log has not been asked yet, and a repeat does not ask it.
        #expect(supervisor.received(15, at: 2) == [])
        #expect(supervisor.reaped(101, .exited(code: 0), at: 3).contains(.send(signal: 15, to: .processGroup(100))))
    }

    @Test func eachSidecarHasItsSignalAndShareWithinTheWholeGrace() {
        let slow = sidecar("slow") { $0.stopSignal = 2; $0.grace = 3 * second }
        var (supervisor, _) = bringUp([sidecar("first"), slow], policy: policy { $0.grace = 5 * second })
        supervisor.started(mainChild: 40)
        let stopping = supervisor.reaped(40, .exited(code: 4), at: 0)
        #expect(stopping.contains(.send(signal: 2, to: .processGroup(101))))
        // Its share ends at 3 s: SIGKILL, and the next one still gets what is left.
        let killed = supervisor.timeReached(3 * second)
        #expect(killed.contains(.send(signal: 9, to: .processGroup(101))))
        #expect(supervisor.reaped(101, .killed(signal: 9, coreDumped: false), at: 3 * second).contains(.send(signal: 15, to: .processGroup(100))))
        // The whole grace ends at 5 s, for the first sidecar and the rest.
        #expect(supervisor.timeReached(5 * second).contains(.killLeftovers(reason: .graceExpired(5 * second))))
    }

    @Test func nothingRestartsOnceStopping() {
        var (supervisor, _) = bringUp([sidecar("log") { $0.backoff = 0 }, sidecar("metrics")])
        supervisor.started(mainChild: 40)
        _ = supervisor.received(15, at: 0)
        #expect(started(supervisor.reaped(100, .exited(code: 1), at: 1)).isEmpty)
    }

    @Test func aStopRequestDuringTheStartUpStopsWhatStarted() {
        var (supervisor, _) = bringUp([sidecar("db", ready: .notify), sidecar("app")])
        let actions = supervisor.received(15, at: 1)
        #expect(actions.contains(.send(signal: 15, to: .processGroup(100))))
        #expect(started(actions).isEmpty)
        _ = supervisor.reaped(100, .killed(signal: 15, coreDumped: false), at: 2)
        #expect(supervisor.nothingLeft() == [.exit(code: 143)])
    }
}

@Suite struct ProcessOptionsTests {
    let realtime = RealtimeSignals(min: 34, max: 64)

    func parse(_ words: [String], file: String? = nil) throws(UsageError) -> Configuration {
        let invocation = try VigilCommandLine(realtime: realtime).parse(
            ["vigil"] + words, environment: { _ in nil }, readFile: { _ in file.map { .success(Array($0.utf8)) } ?? .failure(Errno(rawValue: 2)) })
        switch invocation {
        case .run(let configuration, _), .pause(let configuration): return configuration
        case .show: return Configuration()
        }
    }

    func error(_ words: [String], file: String? = nil) -> String? {
        do {
            _ = try parse(words, file: file)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func flagsDefineProcessesAndTheirSettings() throws {
        let configuration = try parse([
            "--init", "migrate --up", "--sidecar", "log=fluent-bit -c '/etc/fb conf'", "--ready", "log=tcp:24224",
            "--restart", "log=on-failure", "--required", "log", "--stop-signal", "log=INT", "--grace", "log=2s",
            "--env", "log=LEVEL=info", "--backoff", "log=0", "--prefix-output=log", "--", "app",
        ])
        #expect(configuration.processes.map(\.name) == ["migrate", "log"])
        let log = configuration.processes[1]
        #expect(log.command == ["fluent-bit", "-c", "/etc/fb conf"])
        #expect(log.readiness == .tcp(address: 0x7F00_0001, port: 24224))
        #expect(log.restart == .onFailure && log.required && log.stopSignal == 2 && log.grace == 2 * second)
        #expect(log.environment == ["LEVEL=info"] && log.backoff == 0 && log.prefixOutput)
        #expect(configuration.stopSignal == 15 && configuration.grace == 5 * second)
    }

    @Test func theFileAndTheFlagsMeanTheSame() throws {
        let file = """
            grace = "10s"
            [init.migrate]
            command = "migrate --up"
            [sidecar.log]
            command = ["fluent-bit", "-c", "/etc/fb conf"]
            ready = "tcp:24224"
            restart = "on-failure"
            required = true
            stop-signal = "INT"
            grace = "2s"
            env = { LEVEL = "info" }
            backoff = "0"
            prefix-output = true
            """
        let fromFile = try parse(["--config", "vigil.toml", "--", "app"], file: file)
        let fromFlags = try parse([
            "--grace", "10s", "--init", "migrate --up", "--sidecar", "log=fluent-bit -c '/etc/fb conf'",
            "--ready", "log=tcp:24224", "--restart", "log=on-failure", "--required", "log", "--stop-signal", "log=INT",
            "--grace", "log=2s", "--env", "log=LEVEL=info", "--backoff", "log=0", "--prefix-output=log", "--", "app",
        ])
        #expect(fromFile == fromFlags)
    }

    @Test func sidecarsAloneNeedNoCommand() throws {
        #expect(try parse(["--sidecar", "sleep 100"]).processes.count == 1)
        #expect(error([])?.hasPrefix("no command given: ") == true)
    }

    @Test(arguments: [
        (["--sidecar", "sleep 1", "--sidecar", "sleep 2", "x"], "two processes are named 'sleep'; name them apart with NAME=CMD"),
        (["--ready", "nope=tcp:1", "x"], "--ready: no process named 'nope'"),
        (["--sidecar", "a=", "x"], "--sidecar: empty command, in ''"),
        (["--sidecar", "a=sh -c 'x", "x"], "--sidecar: unterminated single quote opened at column 7, in 'sh -c 'x'"),
        (["--sidecar", "a=b", "--ready", "a=tcp:99999", "x"], "--ready: expected a port from 1 to 65535 in 'tcp:99999'"),
        (["--sidecar", "a=b", "--ready", "a=http:/", "x"],
         "--ready: expected exec:COMMAND, tcp:PORT, tcp:HOST:PORT, http:PORT/PATH, http://HOST:PORT/PATH or notify, got 'http:/'"),
        (["--init", "a=b", "--restart", "a=always", "x"], "--restart: only sidecars take 'restart'"),
        (["--sidecar", "main=b", "x"], "'main' names the main command; give the process another name (NAME=CMD)"),
        (["--restart", "x", "y"], "--restart: expected PROCESS=VALUE, got 'x'"),
        (["--sidecar", String(repeating: "n", count: 65) + "=sleep 1", "x"],
         "--sidecar: process name '" + String(repeating: "n", count: 65) + "' is longer than 64 bytes"),
        (["--sidecar", String(repeating: "n", count: 64) + "=sleep 1", "--restart", String(repeating: "n", count: 65) + "=never", "x"],
         "--restart: process name '" + String(repeating: "n", count: 65) + "' is longer than 64 bytes"),
    ] as [([String], String)])
    func badInput(words: [String], message: String) {
        #expect(error(words) == message)
    }

    @Test func fileErrorsNameTheLineAndColumn() {
        #expect(error(["--config", "f.toml", "x"], file: "[sidecar.log]\nrestart = \"sometimes\"\ncommand = \"x\"\n")
            == "f.toml:2:1: restart: expected always, on-failure or never, got 'sometimes'")
        #expect(error(["--config", "f.toml", "x"], file: "[sidecar.log]\n") == "f.toml:1:1: [sidecar.log] has no command")
        #expect(error(["--config", "f.toml", "x"], file: "grace = 1.5\n")?.hasPrefix("f.toml:1:9: ") == true)
        #expect(error(["--config", "f.toml", "x"], file: "[other]\n")
            == "f.toml:1:1: unknown table; expected [init.NAME], [sidecar.NAME], [task.NAME] or [main]")
        #expect(error(["--config", "missing.toml", "x"]) == "missing.toml: cannot be read: No such file or directory")
        #expect(error(["--config", "f.toml", "x"], file: "[init.a]\ncommand = \"x\"\n\n[sidecar.a]\ncommand = \"y\"\n")
            == "f.toml:4:1: two processes are named 'a'; name them apart with NAME=CMD")
        #expect(error(["--config", "f.toml", "x"], file: "[sidecar.main]\ncommand = \"y\"\n")
            == "f.toml:1:1: 'main' names the main command; give the process another name (NAME=CMD)")
    }

    @Test func usersResolveFromTheImagesFiles() throws {
        let users = UserDatabase.parse(Array("root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/app:/bin/sh\n".utf8))
        let groups = GroupDatabase.parse(Array("root:x:0:\napp:x:1000:\nlogs:x:50:app\n".utf8))
        #expect(try ProcessSpec.Identity.resolve("app", users: users, groups: groups)
            == ProcessSpec.Identity(uid: 1000, gid: 1000, groups: [1000, 50]))
        #expect(try ProcessSpec.Identity.resolve("app:logs", users: users, groups: groups)
            == ProcessSpec.Identity(uid: 1000, gid: 50, groups: [50]))
        #expect(try ProcessSpec.Identity.resolve("4242", users: users, groups: groups)
            == ProcessSpec.Identity(uid: 4242, gid: 0, groups: [0]))
        #expect(throws: UsageError.self) { try ProcessSpec.Identity.resolve("nobody-here", users: users, groups: groups) }
    }
}
