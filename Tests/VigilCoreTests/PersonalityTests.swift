import Testing
@testable import VigilCore

let realtime = RealtimeSignals(min: 34, max: 64)

func invocation(_ words: [String], env: [String: String] = [:]) throws(UsageError) -> Invocation {
    try InvocationParser.parse(words, environment: { env[$0] }, realtime: realtime)
}

func run(_ words: [String], env: [String: String] = [:]) throws -> (Configuration, [Int]) {
    guard case .run(let configuration, let command) = try invocation(words, env: env) else {
        Issue.record("not a run invocation")
        return (Configuration(), [])
    }
    return (configuration, command)
}

/// `config` with the values its options and environment set taken back to `defaults`: equal to
/// `config` when it is that tool's configuration.
func resolved(_ config: Configuration, from defaults: Configuration) -> Configuration {
    var result = defaults
    result.verbosity = config.verbosity
    result.subreaper = config.subreaper
    result.forwardToGroup = config.forwardToGroup
    result.warnOnReap = config.warnOnReap
    result.exitMap = config.exitMap
    result.parentDeathSignal = config.parentDeathSignal
    result.rewrite = config.rewrite
    result.grouping = config.grouping
    result.stopsWithTerminalStopSignals = config.stopsWithTerminalStopSignals
    return result
}

func usageMessage(_ words: [String], env: [String: String] = [:]) -> String? {
    do {
        _ = try invocation(words, env: env)
        return nil
    } catch {
        return error.message
    }
}

@Suite struct PersonalityDetectionTests {
    @Test(arguments: [
        ("vigil", Personality.vigil), ("/usr/local/bin/vigil", .vigil), ("tini", .tini),
        ("/sbin/tini", .tini), ("/sbin/docker-init", .tini), ("tini-static", .tini),
        ("/usr/bin/dumb-init", .dumbInit), ("dumb-init", .dumbInit), ("./init", .vigil), ("", .vigil),
        ("tini/vigil", .vigil), ("xtini", .vigil),
    ])
    func byName(name: String, personality: Personality) {
        #expect(Personality.detect(name) == personality)
    }

    @Test func exitCodesPerPersonality() {
        #expect(Personality.vigil.defaults.exitCodes.usage == 2)
        #expect(Personality.tini.defaults.exitCodes.usage == 1)
        #expect(Personality.dumbInit.defaults.exitCodes.usage == 1)
        #expect(Personality.tini.defaults.exitCodes.forSpawnFailure(errno: 2) == 127)
        #expect(Personality.tini.defaults.exitCodes.forSpawnFailure(errno: 13) == 126)
        #expect(Personality.tini.defaults.exitCodes.forSpawnFailure(errno: 8) == 1)
        #expect(Personality.dumbInit.defaults.exitCodes.forSpawnFailure(errno: 2) == 2)
        #expect(Personality.dumbInit.defaults.exitCodes.forSpawnFailure(errno: 13) == 2)
        #expect(Personality.vigil.defaults.exitCodes.forSpawnFailure(errno: 2) == 127)
        #expect(Personality.vigil.defaults.exitCodes.forSpawnFailure(errno: 20) == 127)
        #expect(Personality.vigil.defaults.exitCodes.forSpawnFailure(errno: 13) == 126)
        #expect(Personality.vigil.defaults.exitCodes.forSpawnFailure(errno: 12) == 125)
    }

    @Test func eachToolResolvesIntoPlainValues() {
        let tini = Personality.tini.defaults
        #expect(tini.mainChildExit == .exitAtOnce && tini.subreaper == .off(warn: true) && tini.shellFallback)
        #expect(tini.childInheritsSignalMask && tini.grouping == .ownGroup && tini.logStyle == .bracketed("tini"))
        let dumbInit = Personality.dumbInit.defaults
        #expect(dumbInit.mainChildExit == .forwardTermAndExit && dumbInit.subreaper == .off(warn: false))
        #expect(dumbInit.grouping == .newSession && dumbInit.stopsWithTerminalStopSignals && dumbInit.shellFallback)
        #expect(!dumbInit.childInheritsSignalMask && dumbInit.logStyle == .named("dumb-init"))
        let vigil = Personality.vigil.defaults
        #expect(vigil == Configuration())
        #expect(vigil.mainChildExit == .stopTheRest && vigil.subreaper == .automatic && !vigil.shellFallback)
    }
}

@Suite struct TiniCommandLineTests {
    @Test func theUsualDockerForm() throws {
        let (config, command) = try run(["/sbin/docker-init", "--", "app", "--flag"])
        #expect(config == resolved(config, from: Personality.tini.defaults))
        #expect(command == [2, 3])
        #expect(config.subreaper != .required && !config.forwardToGroup)
        #expect(config.verbosity == 1)
    }

    @Test func everyOption() throws {
        let (config, command) = try run(["tini", "-s", "-g", "-w", "-vv", "-p", "SIGUSR1", "-e", "3", "-e4", "--", "x"])
        #expect(config.subreaper == .required && config.forwardToGroup && config.warnOnReap)
        #expect(config.verbosity == 3)
        #expect(config.parentDeathSignal == 10)
        #expect(config.exitMap.codes == [3, 4])
        #expect(command == [11])
    }

    @Test func getoptPermutesOptionsAfterTheProgram() throws {
        // As with tini: options after the program are still tini's, unless after "--".
        let (config, command) = try run(["tini", "sleep", "5", "-v", "--", "-x"])
        #expect(config.verbosity == 2)
        #expect(command == [1, 2, 5])
        #expect(usageMessage(["tini", "sh", "-c", "x"]) == "invalid option -- 'c'")
    }

    @Test func posixlyCorrectStopsAtTheFirstNonOption() throws {
        let (config, command) = try run(["tini", "sh", "-c", "x"], env: ["POSIXLY_CORRECT": ""])
        #expect(command == [1, 2, 3])
        #expect(config.verbosity == 1)
    }

    @Test func showsHelpLicenceAndVersion() throws {
        guard case .show(let version) = try invocation(["tini", "--version"]) else { Issue.record(); return }
        #expect(version.hasPrefix("tini version "))
        guard case .show(let licence) = try invocation(["tini", "-l"]) else { Issue.record(); return }
        #expect(licence == License.text)
        guard case .show(let help) = try invocation(["tini", "-h"]) else { Issue.record(); return }
        #expect(help.contains("TINI_SUBREAPER"))
        // --version only counts alone, as in tini.
        #expect(usageMessage(["tini", "--version", "x"]) == "invalid option -- '-'")
    }

    @Test func environmentWinsAndAnyValueCounts() throws {
        let (config, _) = try run(["tini", "-vvv", "--", "x"],
                                  env: ["TINI_SUBREAPER": "", "TINI_KILL_PROCESS_GROUP": "0", "TINI_VERBOSITY": "0"])
        #expect(config.subreaper == .required && config.forwardToGroup)
        #expect(config.verbosity == 0)
        #expect(try run(["tini", "x"], env: ["TINI_VERBOSITY": "junk"]).0.verbosity == 0)
        #expect(try run(["tini", "x"], env: ["TINI_VERBOSITY": "2x"]).0.verbosity == 2)
    }

    @Test(arguments: [
        (["tini"], "no program given"),
        (["tini", "--"], "no program given"),
        (["tini", "-x", "y"], "invalid option -- 'x'"),
        (["tini", "-p"], "option requires an argument -- 'p'"),
        (["tini", "-p", "SIGNOPE", "x"], "not a valid option for -p: SIGNOPE"),
        (["tini", "-e", "256", "x"], "not a valid option for -e: 256"),
        (["tini", "--help"], "invalid option -- '-'"),
    ] as [([String], String)])
    func badUsage(words: [String], message: String) {
        #expect(usageMessage(words) == message)
    }
}

@Suite struct DumbInitCommandLineTests {
    @Test func setsidModeByDefault() throws {
        let (config, command) = try run(["dumb-init", "sh", "-c", "x"])
        #expect(config == resolved(config, from: Personality.dumbInit.defaults))
        #expect(config.grouping == .newSession && config.forwardToGroup)
        #expect(config.rewrite.apply(20) == 19 && config.rewrite.apply(21) == 19 && config.rewrite.apply(22) == 19)
        #expect(command == [1, 2, 3])
    }

    @Test func singleChild() throws {
        for (words, env) in [(["dumb-init", "-c", "x"], [:]), (["dumb-init", "--single-child", "x"], [:]),
                             (["dumb-init", "--single", "x"], [:]), (["dumb-init", "x"], ["DUMB_INIT_SETSID": "0"])]
            as [([String], [String: String])] {
            let (config, _) = try run(words, env: env)
            #expect(config.grouping == .callersGroup && !config.forwardToGroup)
            #expect(config.rewrite.apply(20) == 20)
        }
    }

    @Test func rewrites() throws {
        let (config, _) = try run(["dumb-init", "-r", "15:2", "--rewrite=10:0", "--rewrite", "TSTP:HUP", "-r40:41", "x"])
        #expect(config.rewrite.apply(15) == 2)
        #expect(config.rewrite.apply(10) == nil)
        #expect(config.rewrite.apply(20) == 1)      // the user's choice beats the SIGSTOP default
        #expect(config.rewrite.apply(21) == 19)
        #expect(config.rewrite.apply(40) == 41)     // realtime signals too, unlike dumb-init
    }

    @Test func verbose() throws {
        #expect(try run(["dumb-init", "-v", "x"]).0.verbosity == Verbosity.debug)
        #expect(try run(["dumb-init", "x"], env: ["DUMB_INIT_DEBUG": "1"]).0.verbosity == Verbosity.debug)
        #expect(try run(["dumb-init", "x"], env: ["DUMB_INIT_DEBUG": "yes"]).0.verbosity == Verbosity.warnings)
    }

    @Test func helpAndVersion() throws {
        guard case .show(let version) = try invocation(["dumb-init", "-V"]) else { Issue.record(); return }
        #expect(version.hasPrefix("dumb-init v"))
        #expect(try invocation(["dumb-init", "--version"]) == .show(version))
        guard case .show(let help) = try invocation(["dumb-init", "--help"]) else { Issue.record(); return }
        #expect(help.contains("--single-child"))
    }

    @Test func stopsAtTheFirstNonOptionLikeAShebang() throws {
        let (config, command) = try run(["/usr/bin/dumb-init", "/bin/sh", "./script", "-c", "-v"])
        #expect(command == [1, 2, 3, 4])
        #expect(config.verbosity == Verbosity.warnings)
    }

    @Test(arguments: [
        (["dumb-init"], "no command given"),
        (["dumb-init", "-c"], "no command given"),
        (["dumb-init", "-x", "y"], "invalid option -- 'x'"),
        (["dumb-init", "--nope", "y"], "unrecognized option '--nope'"),
        (["dumb-init", "--ver", "y"], "option '--ver' is ambiguous"),
        (["dumb-init", "-r", "99:1", "y"], "-r: expected s:r with signal numbers or names (r 0 drops s), got '99:1'"),
        (["dumb-init", "-r", "15", "y"], "-r: expected s:r with signal numbers or names (r 0 drops s), got '15'"),
        (["dumb-init", "-r"], "option requires an argument -- 'r'"),
        (["dumb-init", "--help=1", "y"], "option '--help' doesn't allow an argument"),
    ] as [([String], String)])
    func badUsage(words: [String], message: String) {
        #expect(usageMessage(words) == message)
    }
}

@Suite struct VigilRewriteAndSessionTests {
    @Test func rewriteTakesNamesNumbersAndNone() throws {
        let (config, _) = try run(["vigil", "--rewrite", "TERM:QUIT", "--rewrite=usr1:none", "--rewrite", "2:0",
                                   "--rewrite", "RTMIN+1:RTMIN+2", "x"])
        #expect(config.rewrite.apply(15) == 3)
        #expect(config.rewrite.apply(10) == nil)
        #expect(config.rewrite.apply(2) == nil)
        #expect(config.rewrite.apply(35) == 36)
        #expect(config.rewrite.apply(1) == 1)
        let fromEnv = try run(["vigil", "x"], env: ["VIGIL_REWRITE": "TERM:INT,HUP:none"]).0
        #expect(fromEnv.rewrite.apply(15) == 2 && fromEnv.rewrite.apply(1) == nil)
    }

    @Test(arguments: ["TERM", "TERM:", ":INT", "TERM:INT:HUP", "KILL:TERM", "STOP:TERM", "CHLD:TERM", "TERM:NOPE"])
    func badRewrites(value: String) {
        #expect(usageMessage(["vigil", "--rewrite", value, "x"])
            == "--rewrite: expected FROM:TO with signal names or numbers (TO may be 0 or none), got '\(value)'")
    }

    @Test func sessionStopsOnTerminalSignalsUnlessRewritten() throws {
        let (config, _) = try run(["vigil", "--session", "--rewrite", "TTIN:TERM", "x"])
        #expect(config.grouping == .newSession)
        #expect(config.rewrite.apply(20) == 19 && config.rewrite.apply(22) == 19)
        #expect(config.rewrite.apply(21) == 15)
        #expect(try run(["vigil", "x"], env: ["VIGIL_SESSION": "1"]).0.grouping == .newSession)
    }
}

@Suite struct SessionSupervisorTests {
    func session(_ configure: (inout Configuration) -> Void = { _ in }) -> Supervisor {
        var configuration = Configuration()
        configuration.grouping = .newSession
        configuration.applySessionDefaults()
        configure(&configuration)
        var supervisor = Supervisor(policy: Policy(configuration))
        supervisor.started(mainChild: 40)
        return supervisor
    }

    @Test func terminalStopSignalsStopTheGroupAndVigil() {
        var supervisor = session()
        #expect(supervisor.received(20, at: 0) == [.send(signal: 19, to: .processGroup(40)), .stopSelf])
        #expect(supervisor.received(18, at: 0) == [.send(signal: 18, to: .processGroup(40))])
    }

    @Test func droppedSignalsAreNotForwardedButStillStopVigil() {
        var supervisor = session { $0.rewrite.set(20, to: 0); $0.rewrite.set(28, to: 0) }
        #expect(supervisor.received(28, at: 0) == [])
        #expect(supervisor.received(20, at: 0) == [.stopSelf])
    }

    @Test func dumbInitForwardsTermToTheGroupWhenTheChildExits() {
        var configuration = Personality.dumbInit.defaults
        configuration.applySessionDefaults()
        configuration.rewrite.set(15, to: 10)
        var supervisor = Supervisor(policy: Policy(configuration))
        supervisor.started(mainChild: 40)
        #expect(supervisor.reaped(40, .exited(code: 3), at: 0)
            == [.send(signal: 10, to: .processGroup(40)), .exit(code: 3)])
    }

    @Test func tiniExitsAtOnce() {
        let configuration = Personality.tini.defaults
        var supervisor = Supervisor(policy: Policy(configuration))
        supervisor.started(mainChild: 40)
        #expect(supervisor.reaped(40, .killed(signal: 9, coreDumped: false), at: 0) == [.exit(code: 137)])
    }

    @Test func rewritesApplyDuringTheShutdownToo() {
        var supervisor = running(policy { var rewrite = SignalRewrite(); rewrite.set(1, to: 0); rewrite.set(10, to: 12); $0.rewrite = rewrite })
        _ = supervisor.reaped(40, .exited(code: 0), at: 0)
        #expect(supervisor.received(1, at: 1) == [])
        #expect(supervisor.received(10, at: 1) == [.signalLeftovers(signal: 12)])
    }
}

@Suite struct ShutdownOptInTests {
    @Test func tiniAndDumbInitExitAtOnceByDefault() throws {
        #expect(try run(["tini", "x"]).0.mainChildExit != .stopTheRest)
        #expect(try run(["dumb-init", "x"]).0.mainChildExit != .stopTheRest)
        #expect(try run(["vigil", "x"]).0.mainChildExit == .stopTheRest)
    }

    @Test func vigilShutdownVariablesOptIn() throws {
        for name in ["docker-init", "dumb-init"] {
            let (config, _) = try run([name, "x"], env: ["VIGIL_GRACE": "8s", "VIGIL_GROUP": "1"])
            #expect(config.mainChildExit == .stopTheRest && config.grace == 8_000_000_000)
            #expect(!config.forwardToGroup || name == "dumb-init")   // only the shutdown variables count
            #expect(Policy(config).mainChildExit == .stopTheRest)
        }
        #expect(try run(["tini", "x"], env: ["VIGIL_KILL_AFTER": "3s"]).0.killAfter == 3_000_000_000)
        #expect(usageMessage(["tini", "x"], env: ["VIGIL_GRACE": "soon"])
            == "VIGIL_GRACE: expected a duration such as 5s, 500ms, 1m30s or 1.5h (units h, m, s, ms; a plain number is seconds; at most 24h), got 'soon'")
    }
}
