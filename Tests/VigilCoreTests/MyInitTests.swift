import Testing
@testable import VigilCore

/// my_init's command line: the expected results are Python 3.11's `argparse` on my_init's
/// parser for the same words.
@Suite struct MyInitCommandLineTests {
    func parse(_ words: [String]) throws(RunitError) -> MyInitCommandLine { try MyInitCommandLine.parse(words) }

    func error(_ words: [String]) -> String? {
        do {
            _ = try parse(words)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func noArgumentsRunsTheServices() throws {
        #expect(try parse([]) == MyInitCommandLine())
    }

    @Test func flagsAndTheirPrefixes() throws {
        let all = try parse(["--enable-insecure-key", "--skip-startup-files", "--no-kill-all-on-exit", "--quiet", "--skip-r", "--", "true"])
        #expect(all == MyInitCommandLine(enableInsecureKey: true, skipStartupFiles: true, skipRunit: true, killAllOnExit: false,
                                         quiet: true, command: ["true"]))
        #expect(try parse(["--q", "--no", "--e", "--skip-s"]) == MyInitCommandLine(enableInsecureKey: true, skipStartupFiles: true,
                                                                                   killAllOnExit: false, quiet: true))
        #expect(error(["--skip"]) == "ambiguous option: --skip could match --skip-startup-files, --skip-runit")
        #expect(error(["--quiet=1"]) == "argument --quiet: ignored explicit argument '1'")
        #expect(error(["--qu=a b"]) == "argument --quiet: ignored explicit argument 'a b'")
        #expect(error(["-hx"]) == "argument -h/--help: ignored explicit argument 'x'")
        #expect(try parse(["--quiet", "-h", "--bogus"]).help)
        #expect(try parse(["--he"]).help)
    }

    @Test func theCommandAfterTheSeparatorOrAsFirstWords() throws {
        #expect(try parse(["--quiet", "--", "ls", "-l", "--", "x"]).command == ["ls", "-l", "--", "x"])
        #expect(try parse(["cmd", "--", "-x"]).command == ["cmd", "-x"])
        #expect(try parse(["ls", "/"]).command == ["ls", "/"])
        #expect(try parse(["-", "--quiet"]) == MyInitCommandLine(quiet: true, command: ["-"]))
        #expect(try parse(["--", "--"]).command == ["--"])
        #expect(try parse(["a", "--", "b", "--quiet"]).command == ["a", "b", "--quiet"])
        #expect(try parse(["-1.5", "-7"]).command == ["-1.5", "-7"])
        #expect(try parse(["-x y"]).command == ["-x y"])
    }

    @Test func wordsArgparseCannotPlace() {
        #expect(error(["ls", "-l"]) == "unrecognized arguments: -l")
        #expect(error(["a", "--quiet", "b"]) == "unrecognized arguments: b")
        #expect(error(["cmd", "--quiet", "--", "x"]) == "unrecognized arguments: -- x")
        #expect(error(["-1.2.3"]) == "unrecognized arguments: -1.2.3")
        #expect(error(["-q", "--verbose"]) == "unrecognized arguments: -q --verbose")
        #expect(error(["--skip-runit"]) == "when --skip-runit is given, a main command is needed too")
    }
}

@Suite struct ContainerEnvironmentTests {
    typealias Variable = ContainerEnvironment.NameAndValue

    func variable(_ name: String, _ value: String) -> Variable { Variable(Array(name.utf8), Array(value.utf8)) }

    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func aFileIsAVariableWithoutItsLastNewline() throws {
        let files = [variable("ZED", "last\n"), variable("A", "two\n\n"), variable(".hidden", "x"), variable("CRLF", "a\r\nb\rc\r\n"),
                     variable("EMPTY", ""), variable("NL", "\n")]
        let imported = try ContainerEnvironment.imported(files)
        #expect(imported.map { text($0.name) + "=" + text($0.value) } == [".hidden=x", "A=two\n", "CRLF=a\nb\nc", "EMPTY=", "NL=", "ZED=last"])
        #expect(ContainerEnvironment.value(ofFile: [0x61, 0xFF, 0x0D]) == [0x61, 0xFF])
    }

    @Test func whatMyInitCannotSetIsRefused() {
        #expect(throws: RunitError("/etc/container_environment/A=B: a variable name cannot hold '='")) {
            try ContainerEnvironment.imported([variable("A=B", "1")])
        }
        #expect(throws: RunitError("/etc/container_environment/A: the value holds a NUL byte")) {
            try ContainerEnvironment.imported([variable("A", "1\u{0}")])
        }
    }

    @Test func atStartTheEnvironmentWinsAfterAStartupFileTheFolderDoes() {
        let environment = [variable("PATH", "/bin"), variable("FOO", "from docker"), variable("HOME", "/root")]
        let folder = [variable("BAR", "1"), variable("FOO", "from file")]
        let start = ContainerEnvironment.merged(environment, with: folder, replacing: false)
        #expect(start == [variable("PATH", "/bin"), variable("FOO", "from docker"), variable("HOME", "/root"), variable("BAR", "1")])
        #expect(ContainerEnvironment.merged(start, with: folder, replacing: true) == folder)
    }

    @Test func theFolderGetsAllButTheUsersVariables() {
        let environment = ["HOME", "USER", "GROUP", "UID", "GID", "SHELL", "PATH", "home"].map { variable($0, "v") }
        #expect(ContainerEnvironment.exportedFiles(environment).map { text($0.name) } == ["PATH", "home"])
    }

    @Test func theShellDumpQuotesAsMyInitsShquote() {
        let environment = [variable("EMPTY", ""), variable("PLAIN", "plain"), variable("SPACE", "a b"), variable("QUOTE", "it's"),
                           variable("SAFE", "x=y:z,w/@%+-_."), variable("DOLLAR", "$HOME"), variable("NL", "line\nbreak"),
                           variable("HOME", "/root"), variable("MY-VAR.x é1", "é")]
        #expect(text(ContainerEnvironment.shellScript(environment)) == """
            export EMPTY=''
            export PLAIN=plain
            export SPACE='a b'
            export QUOTE='it'"'"'s'
            export SAFE=x=y:z,w/@%+-_.
            export DOLLAR='$HOME'
            export NL='line
            break'
            export MY_VAR_x__1='é'

            """)
        #expect(ContainerEnvironment.shellScript([Variable([0x41, 0xFF], [])]) == Array("export A_=''\n".utf8))
    }

    @Test func theJSONDumpIsPythonsJSONOfEverything() {
        let environment = [variable("PATH", "/usr/bin"), variable("Q", "say \"hi\"\\"), variable("C", "\u{0}\u{1}\u{8}\u{C}\u{7F} é😀\n\r\t"),
                           Variable([0x42], [0x61, 0xFF, 0x62]), variable("HOME", "/root")]
        #expect(text(ContainerEnvironment.json(environment))
                == #"{"PATH": "/usr/bin", "Q": "say \"hi\"\\", "C": "\u0000\u0001\b\f\u007f \u00e9\ud83d\ude00\n\r\t", "B": "a\udcffb", "HOME": "/root"}"#)
        #expect(text(ContainerEnvironment.json([])) == "{}")
    }
}

@Suite struct MyInitSettingsTests {
    @Test func defaultsAndVariables() throws {
        #expect(try MyInitSettings.parse { _ in nil } == MyInitSettings())
        #expect(MyInitSettings().killProcessTimeout == 30 * Durations.second)
        let values = ["ENV_INIT_DIRECTORY": "/srv/init", "KILL_PROCESS_TIMEOUT": " 5 ", "KILL_ALL_PROCESSES_TIMEOUT": "+0"]
        let settings = try MyInitSettings.parse { values[$0] }
        #expect(settings == MyInitSettings(initDirectory: "/srv/init", killProcessTimeout: 5 * Durations.second, killAllProcessesTimeout: 0))
        #expect(throws: RunitError("KILL_PROCESS_TIMEOUT: expected whole seconds from 0 to 86400, got '1.5'")) {
            try MyInitSettings.parse { $0 == "KILL_PROCESS_TIMEOUT" ? "1.5" : nil }
        }
        #expect(throws: RunitError.self) { try MyInitSettings.parse { $0 == "KILL_ALL_PROCESSES_TIMEOUT" ? "-1" : nil } }
    }

    @Test func startupFilesInNameOrderThenRcLocal() {
        let entries: [(name: [UInt8], isExecutableFile: Bool)] = [
            (Array("30_nginx.sh".utf8), true), (Array("10_env".utf8), true), (Array("README".utf8), false),
            (Array(".hidden".utf8), true), (Array("20_b~".utf8), true), (Array("Z".utf8), true),
        ]
        #expect(MyInitSettings().startupFiles(entries, rcLocalExecutable: true)
                == ["/etc/my_init.d/.hidden", "/etc/my_init.d/10_env", "/etc/my_init.d/20_b~", "/etc/my_init.d/30_nginx.sh",
                    "/etc/my_init.d/Z", "/etc/rc.local"])
        #expect(MyInitSettings(initDirectory: "/x/").startupFiles([(Array("a".utf8), true)], rcLocalExecutable: false) == ["/x/a"])
        #expect(MyInitSettings.files(in: MyInitSettings.preShutdownDirectory, []) == [])
    }
}
