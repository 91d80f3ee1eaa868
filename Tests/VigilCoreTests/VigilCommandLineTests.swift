import Testing
@testable import VigilCore

@Suite struct VigilCommandLineTests {
    static let noCommand = "no command given: put one after the options (vigil [OPTIONS] -- COMMAND), set [main] command in the --config file, or run none with --pause"

    let parser = VigilCommandLine(realtime: RealtimeSignals(min: 34, max: 64))

    func parse(_ words: [String], env: [String: String] = [:]) throws(UsageError) -> Invocation {
        try parser.parse(["vigil"] + words, environment: { env[$0] })
    }

    func configuration(_ words: [String], env: [String: String] = [:]) throws -> (Configuration, Int) {
        guard case .run(let configuration, let command) = try parse(words, env: env) else {
            Issue.record("not a run invocation")
            return (Configuration(), -1)
        }
        #expect(command == Array(command[0]..<(words.count + 1)))
        return (configuration, command[0])
    }

    func usageError(_ words: [String], env: [String: String] = [:]) -> String? {
        do {
            _ = try parse(words, env: env)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func stopsAtTheFirstNonOption() throws {
        let (config, index) = try configuration(["-g", "sh", "-c", "-v"])
        #expect(config.forwardToGroup)
        #expect(config.verbosity == Verbosity.warnings)
        #expect(index == 2)
    }

    @Test func acceptsDoubleDash() throws {
        #expect(try configuration(["--", "sh"]).1 == 2)
        #expect(try configuration(["-v", "--", "--help"]).1 == 3)
        #expect(try configuration(["sh", "--", "x"]).1 == 1)
    }

    @Test func loneDashIsACommand() throws {
        #expect(try configuration(["-"]).1 == 1)
    }

    @Test func helpAndVersion() throws {
        let help = Invocation.show(Usage.text())
        let version = Invocation.show("vigil \(VigilVersion.string) (commit \(VigilVersion.commit))\n")
        #expect(try parse(["-h"]) == help)
        #expect(try parse(["--help"]) == help)
        #expect(try parse(["--version"]) == version)
        #expect(try parse(["-g", "--help", "--bogus"]) == help)
        #expect(try parse(["--version", "sh"]) == version)
    }

    @Test func everyOptionInShortAndLongForm() throws {
        let (short, _) = try configuration(["-g", "-s", "-p", "SIGUSR1", "-e", "3", "-e4", "-w", "-vv", "x"])
        let (long, _) = try configuration([
            "--group", "--subreaper", "--parent-death-signal=USR1", "--exit-map", "3", "--exit-map=4",
            "--warn-reap", "--verbose", "--verbose", "x",
        ])
        for config in [short, long] {
            #expect(config.forwardToGroup)
            #expect(config.subreaper == .required)
            #expect(config.parentDeathSignal == 10)
            #expect(config.exitMap.codes == [3, 4])
            #expect(config.warnOnReap)
            #expect(config.verbosity == Verbosity.debug)
        }
    }

    @Test func clustersShortOptions() throws {
        let (config, index) = try configuration(["-gsvwpTERM", "x"])
        #expect(config.forwardToGroup && config.subreaper == .required && config.warnOnReap)
        #expect(config.parentDeathSignal == 15)
        #expect(config.verbosity == Verbosity.info)
        #expect(index == 2)
        #expect(try configuration(["-ge", "7", "x"]).0.exitMap.codes == [7])
    }

    @Test func quietMeansErrorsOnly() throws {
        #expect(try configuration(["-q", "x"]).0.verbosity == Verbosity.errors)
    }

    @Test func signalForms() throws {
        #expect(try configuration(["-p", "9", "x"]).0.parentDeathSignal == 9)
        #expect(try configuration(["-p", "rtmin+2", "x"]).0.parentDeathSignal == 36)
        #expect(try configuration(["-p", "SIGRTMAX", "x"]).0.parentDeathSignal == 64)
    }

    /// Each row: the words after `vigil`, and the usage error they give (nil: they parse).
    @Test(arguments: [
        (["x"] as [String], nil),
        ([], VigilCommandLineTests.noCommand),
        (["-g"], VigilCommandLineTests.noCommand),
        (["--"], VigilCommandLineTests.noCommand),
        (["--bogus", "x"], "unknown option '--bogus'"),
        (["-X", "x"], "unknown option '-X'"),
        (["-gX", "x"], "unknown option '-X'"),
        (["--grou", "x"], "unknown option '--grou'; did you mean '--group'?"),
        (["--group=1", "x"], "option '--group' takes no value"),
        (["-p"], "option '-p' needs a value: SIG"),
        (["--exit-map"], "option '--exit-map' needs a value: CODE"),
        (["-p", "BOGUS", "x"], "-p: unknown signal 'BOGUS'"),
        (["-p", "0", "x"], "-p: unknown signal '0'"),
        (["--parent-death-signal=", "x"], "--parent-death-signal: unknown signal ''"),
        (["-e", "256", "x"], "-e: exit code must be 0 to 255, got '256'"),
        (["-e", "-1", "x"], "-e: exit code must be 0 to 255, got '-1'"),
        (["-e", "x1", "x"], "-e: exit code must be 0 to 255, got 'x1'"),
        (["-q", "-v", "x"], "-q and -v cannot be combined"),
        (["-v", "-q", "x"], "-q and -v cannot be combined"),
    ] as [([String], String?)])
    func usageErrors(words: [String], message: String?) {
        #expect(usageError(words) == message)
    }

    @Test func environmentSetsOptions() throws {
        let env = [
            "VIGIL_GROUP": "1", "VIGIL_SUBREAPER": "yes", "VIGIL_PARENT_DEATH_SIGNAL": "HUP",
            "VIGIL_EXIT_MAP": "1,2,,143", "VIGIL_WARN_REAP": "TRUE", "VIGIL_VERBOSITY": "3",
        ]
        let (config, _) = try configuration(["x"], env: env)
        #expect(config.forwardToGroup && config.subreaper == .required && config.warnOnReap)
        #expect(config.parentDeathSignal == 1)
        #expect(config.exitMap.codes == [1, 2, 143])
        #expect(config.verbosity == 3)
    }

    @Test func falseAndEmptyEnvironmentValuesTurnFlagsOff() throws {
        for value in ["0", "false", "no", "off", ""] {
            #expect(try configuration(["x"], env: ["VIGIL_GROUP": value]).0.forwardToGroup == false)
        }
    }

    @Test func commandLineWinsOverEnvironment() throws {
        let env = ["VIGIL_EXIT_MAP": "1", "VIGIL_VERBOSITY": "3", "VIGIL_PARENT_DEATH_SIGNAL": "HUP"]
        let (config, _) = try configuration(["-e", "5", "-q", "-p", "TERM", "x"], env: env)
        #expect(config.exitMap.codes == [5])
        #expect(config.verbosity == 0)
        #expect(config.parentDeathSignal == 15)
        #expect(try configuration(["-v", "x"], env: env).0.verbosity == Verbosity.info)
    }

    @Test func verbosityAboveThreeMeansThree() throws {
        #expect(try configuration(["x"], env: ["VIGIL_VERBOSITY": "3"]).0.verbosity == Verbosity.debug)
        #expect(try configuration(["x"], env: ["VIGIL_VERBOSITY": "10"]).0.verbosity == Verbosity.debug)
        #expect(try configuration(["x"], env: ["VIGIL_VERBOSITY": "0"]).0.verbosity == Verbosity.errors)
    }

    @Test(arguments: [
        ("VIGIL_GROUP", "maybe", "VIGIL_GROUP: expected 1 or 0 (true/false, yes/no, on/off), got 'maybe'"),
        ("VIGIL_VERBOSITY", "high", "VIGIL_VERBOSITY: expected a level from 0 to 3, got 'high'"),
        ("VIGIL_EXIT_MAP", "1,300", "VIGIL_EXIT_MAP: exit code must be 0 to 255, got '300'"),
        ("VIGIL_PARENT_DEATH_SIGNAL", "NOPE", "VIGIL_PARENT_DEATH_SIGNAL: unknown signal 'NOPE'"),
    ])
    func badEnvironmentIsAUsageError(variable: String, value: String, message: String) {
        #expect(usageError(["x"], env: [variable: value]) == message)
    }

    @Test func shutdownOptions() throws {
        let (config, _) = try configuration(["--stop-signal", "USR1", "--grace=1.5s", "--kill-after", "10",
                                             "--repeat-stop-kills", "x"])
        #expect(config.stopSignal == 10)
        #expect(config.grace == 1_500_000_000)
        #expect(config.killAfter == 10_000_000_000)
        #expect(config.repeatedStopKills)
        let defaults = try configuration(["x"]).0
        #expect(defaults.stopSignal == 15 && defaults.grace == 5_000_000_000 && defaults.killAfter == nil)
        let env = ["VIGIL_STOP_SIGNAL": "INT", "VIGIL_GRACE": "250ms", "VIGIL_KILL_AFTER": "1m",
                   "VIGIL_REPEAT_STOP_KILLS": "on"]
        let fromEnv = try configuration(["x"], env: env).0
        #expect(fromEnv.stopSignal == 2 && fromEnv.grace == 250_000_000)
        #expect(fromEnv.killAfter == 60_000_000_000 && fromEnv.repeatedStopKills)
        #expect(try configuration(["--grace", "0", "x"], env: env).0.grace == 0)
    }

    @Test func pauseModeTakesNoCommand() throws {
        #expect(try parse(["--pause"]) == .pause(Configuration()))
        guard case .pause(let paused) = try parse(["-v", "--pause", "--grace", "1s"]) else {
            Issue.record("not pause mode")
            return
        }
        #expect(paused.grace == 1_000_000_000 && paused.verbosity == Verbosity.info)
        #expect(try parser.parse(["vigil"], environment: { $0 == "VIGIL_PAUSE" ? "1" : nil })
            == .pause(Configuration()))
        #expect(usageError(["--pause", "sh"]) == "--pause runs no command, but one was given")
    }

    @Test func badDurations() {
        #expect(usageError(["--grace", "soon", "x"]) == "--grace: expected a duration such as 5s, 500ms, 1m30s or 1.5h (units h, m, s, ms; a plain number is seconds; at most 24h), got 'soon'")
        #expect(usageError(["--kill-after=-1", "x"]) == "--kill-after: expected a duration such as 5s, 500ms, 1m30s or 1.5h (units h, m, s, ms; a plain number is seconds; at most 24h), got '-1'")
        #expect(usageError(["x"], env: ["VIGIL_GRACE": "5 s"]) == "VIGIL_GRACE: expected a duration such as 5s, 500ms, 1m30s or 1.5h (units h, m, s, ms; a plain number is seconds; at most 24h), got '5 s'")
        #expect(usageError(["--stop-signal", "NOPE", "x"]) == "--stop-signal: unknown signal 'NOPE'")
    }

    @Test func usageErrorRendersAsOneLineAndAHint() {
        let text = String(decoding: UsageError("unknown option '-X'").rendered(programName: "vigil"), as: UTF8.self)
        #expect(text == "vigil: unknown option '-X'\nTry 'vigil --help' for more information.\n")
    }

    @Test func helpTopicsMentionEveryOptionAndVariable() {
        let topics = HelpTopics.names.compactMap { HelpTopics.text($0) }
        #expect(topics.count == HelpTopics.names.count)
        for spec in OptionTable.all {
            #expect(topics.contains { $0.contains("--" + spec.long + " ") || $0.contains("--" + spec.long + "\n")
                || $0.contains("--" + spec.long + "[") }, "--\(spec.long)")
            if let variable = spec.environment { #expect(HelpTopics.environment().contains("  " + variable)) }
        }
    }
}

/// Inputs the fuzzers found (Tests/Fuzz/crashes/): each stays fixed.
@Suite struct FuzzFindingsTests {
    @Test func anEmptyArgumentVectorIsAUsageError() {
        // argc 0: no program name at all.
        for realtime in [RealtimeSignals(min: 34, max: 64)] {
            #expect(throws: UsageError.self) { try InvocationParser.parse([], environment: { _ in nil }, realtime: realtime) }
        }
    }

    @Test func valuesThatHoldANewlineStayOnOneLine() {
        let cases: [([String], [String: String])] = [
            (["vigil", "--grace", "1\nvigil: forged", "true"], [:]),
            (["vigil", "true"], ["VIGIL_GRACE": "1\nvigil: forged"]),
            (["vigil", "true"], ["VIGIL_PAUSE": "\n"]),
        ]
        for (words, env) in cases {
            do {
                _ = try InvocationParser.parse(words, environment: { env[$0] }, realtime: RealtimeSignals(min: 34, max: 64))
                Issue.record("\(words) parsed")
            } catch {
                let rendered = error.rendered(programName: "vigil")
                #expect(rendered.filter { $0 == 0x0A }.count == 2)
            }
        }
    }
}

/// Random command lines under every name: parsing returns or throws, and never traps.
@Suite struct ParserRobustnessTests {
    @Test func randomCommandLinesNeverCrashTheParser() {
        let tokens = ["-", "--", "-g", "-s", "-p", "-e", "-v", "-q", "-w", "-h", "--version", "--grace", "--grace=",
                      "--kill-after", "--rewrite", "--rewrite=TERM:", "--session", "--pause", "-r", "-c", "-V", "-l",
                      "TERM", "RTMIN+99", "0", "255", "256", "-1", "1.5s", ":", "::", "x", "sh", "\u{FFFD}", "-\u{FFFD}",
                      "--e", "-pe", "-ee", "-vvvvvvvvvvvvvvvvvvvvvvv", String(repeating: "9", count: 40)]
        let names = ["vigil", "tini", "docker-init", "dumb-init"]
        // VIGIL_TEST_SEED=N repeats a run; the seed is printed first, so a crash shows it.
        let seed = ProcessArguments.environment("VIGIL_TEST_SEED").flatMap { UInt64($0) } ?? UInt64.random(in: 1...UInt64.max)
        print("randomCommandLinesNeverCrashTheParser: seed \(seed) (VIGIL_TEST_SEED)")
        var generator = SplitMix64(seed: seed)
        for _ in 0..<5000 {
            var words = [names.randomElement(using: &generator)!]
            for _ in 0..<Int.random(in: 0...6, using: &generator) {
                words.append(tokens.randomElement(using: &generator)!)
            }
            let env: [String: String] = Bool.random(using: &generator)
                ? ["VIGIL_GRACE": tokens.randomElement(using: &generator)!,
                   "VIGIL_REWRITE": tokens.randomElement(using: &generator)!,
                   "TINI_VERBOSITY": tokens.randomElement(using: &generator)!]
                : [:]
            _ = try? InvocationParser.parse(words, environment: { env[$0] }, realtime: RealtimeSignals(min: 34, max: 64))
        }
    }
}

/// A small seeded generator, so that a failing random run can be repeated.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
