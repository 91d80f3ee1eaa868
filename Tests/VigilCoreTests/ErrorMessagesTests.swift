import Testing
@testable import VigilCore

/// Errors that say what to do: the reason a file cannot be read, the nearest known name, the
/// ways out of "no command given", the likely causes of an unreachable vigil.
@Suite struct ErrorMessagesTests {
    let parser = VigilCommandLine(realtime: RealtimeSignals(min: 34, max: 64))

    func usageError(_ words: [String], file: Result<[UInt8], Errno>) -> UsageError? {
        do {
            _ = try parser.parse(["vigil"] + words, environment: { _ in nil }, readFile: { _ in file })
            return nil
        } catch {
            return error
        }
    }

    func rendered(_ error: UsageError?) -> String {
        String(decoding: error?.rendered(programName: "vigil") ?? [], as: UTF8.self)
    }

    @Test func aFileThatCannotBeReadSaysWhyWithoutPointingToHelp() {
        let missing = usageError(["--config", "/etc/vigil.toml", "x"], file: .failure(Errno(rawValue: 2)))
        #expect(rendered(missing) == "vigil: /etc/vigil.toml: cannot be read: No such file or directory\n")
        let denied = usageError(["--config", "/etc/vigil.toml", "x"], file: .failure(Errno(rawValue: 13)))
        #expect(rendered(denied) == "vigil: /etc/vigil.toml: cannot be read: Permission denied\n")
    }

    @Test func aBadValueInTheFileDoesNotPointToHelp() {
        let error = usageError(["--config", "f.toml", "x"], file: .success(Array("grace = \"soon\"\n".utf8)))
        #expect(rendered(error) == "vigil: f.toml:1:1: grace: expected \(Durations.accepted.string), got 'soon'\n")
    }

    @Test func aBadFlagStillPointsToHelp() {
        let error = usageError(["--gracee", "5s", "x"], file: .failure(Errno(rawValue: 2)))
        #expect(rendered(error) == "vigil: unknown option '--gracee'; did you mean '--grace'?\nTry 'vigil --help' for more information.\n")
    }

    @Test func noCommandNamesTheWaysOut() {
        let error = usageError([], file: .failure(Errno(rawValue: 2)))
        #expect(error?.message == "no command given: put one after the options (vigil [OPTIONS] -- COMMAND), set [main] command in the --config file, or run none with --pause")
    }

    @Test(arguments: [
        ("gracee = \"5s\"\n", "f.toml:1:1: gracee: unknown option; did you mean 'grace'?"),
        ("grase = \"5s\"\n", "f.toml:1:1: grase: unknown option; did you mean 'grace'?"),
        ("colour = 1\n", "f.toml:1:1: colour: unknown option"),
        ("ready = \"notify\"\n", "f.toml:1:1: ready: a process's setting: write it in [main], [init.NAME] or [sidecar.NAME]"),
        ("sidecar = \"x\"\n", "f.toml:1:1: sidecar: processes are tables: [sidecar.NAME] with a command"),
        ("config = \"other.toml\"\n", "f.toml:1:1: config: not an option the file can set"),
        ("[sidecar.a]\ncommand = \"x\"\nredy = \"notify\"\n", "f.toml:3:1: redy: unknown setting 'redy'; did you mean 'ready'?"),
        ("[sidecar.a]\ncommand = \"x\"\ncolour = 1\n", "f.toml:3:1: colour: unknown setting 'colour'"),
    ] as [(String, String)])
    func unknownKeysOfTheFileSuggestTheNearestName(file: String, message: String) {
        #expect(usageError(["--config", "f.toml", "x"], file: .success(Array(file.utf8)))?.message == message)
    }

    @Test(arguments: [
        (["--gracee", "5s", "x"], "unknown option '--gracee'; did you mean '--grace'?"),
        (["--sidcar", "x", "y"], "unknown option '--sidcar'; did you mean '--sidecar'?"),
        (["--verbsoe", "x"], "unknown option '--verbsoe'; did you mean '--verbose'?"),
        (["--colour", "x"], "unknown option '--colour'"),
        (["-X", "x"], "unknown option '-X'"),
    ] as [([String], String)])
    func unknownFlagsSuggestTheNearestName(words: [String], message: String) {
        #expect(usageError(words, file: .failure(Errno(rawValue: 2)))?.message == message)
    }

    @Test func nearestNameIsWithinTwoEdits() {
        #expect(NearestName.among(["group", "grace", "pause"], for: "gracee") == "grace")
        #expect(NearestName.among(["group", "grace", "pause"], for: "garce") == "grace")
        #expect(NearestName.among(["group", "grace", "pause"], for: "gr") == nil)
        #expect(NearestName.among(["group", "grace", "pause"], for: "stop") == nil)
        #expect(NearestName.editDistance(Array("ab".utf8), Array("ba".utf8)) == 1)
        #expect(NearestName.editDistance(Array("kitten".utf8), Array("sitting".utf8)) == 3)
        #expect(NearestName.editDistance([], Array("abc".utf8)) == 3)
    }

    @Test func anUnreachableVigilGetsItsLikelyCauses() {
        let refused = ControlClient.unreachable("vigil-control:x", errno: 111)
        #expect(refused.nobodyListens)
        #expect(refused.error.message == "cannot reach the running vigil (vigil-control:x): Connection refused")
        #expect(refused.error.hint == "likely causes: not in vigil's container (run it there: docker exec CONTAINER /vigil status); vigil runs as tini, dumb-init or docker-init (no control channel) or not at all")
        let timedOut = ControlClient.unreachable("vigil-control:x", errno: 110)
        #expect(!timedOut.nobodyListens && timedOut.error.hint == nil)
    }
}
