import Testing
@testable import VigilCore

@Suite struct ProcfileTests {
    func parse(_ text: String) throws(ProcfileError) -> Procfile {
        try Procfile.parse(Array(text.utf8), path: "Procfile")
    }

    func types(_ text: String) throws -> [String] {
        try parse(text).types.map { $0.name + "|" + $0.command }
    }

    func error(_ text: String) -> String? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func linesAreNameColonCommandAndTheCommandIsTheRestAsWritten() throws {
        #expect(try types("web: bundle exec puma -p $PORT\nworker:python w.py  \n") == ["web|bundle exec puma -p $PORT", "worker|python w.py  "])
        #expect(try types("a-b_C9:\t\t x: y # not a comment") == ["a-b_C9|x: y # not a comment"])
        #expect(try types("-: dash\n9: digit") == ["-|dash", "9|digit"])
        #expect(try parse("web: a\n\nworker: b\n").types.map(\.line) == [1, 3])
    }

    @Test func blankLinesAndCommentsAreSkipped() throws {
        #expect(try types("# web: off\n\n   \n\t# indented\nweb: on\n#dj2: off\n") == ["web|on"])
        #expect(try types("\u{3000}\nweb: on") == ["web|on"])
    }

    @Test func linesEndWherePythonEndsThem() throws {
        #expect(try types("web: a\r\nworker: b\r\n") == ["web|a", "worker|b"])
        #expect(try types("web: a\rworker: b\u{0B}clock: c\u{1C}x: d\u{2028}y: e") == ["web|a", "worker|b", "clock|c", "x|d", "y|e"])
        #expect(try parse("web: a\r\n\rworker: b").types.map(\.line) == [1, 3])
    }

    @Test func blanksAfterTheColonArePythonsSpaces() throws {
        #expect(try types("web:\u{A0}\u{2003}\u{1F}x") == ["web|x"])
        #expect(try types("web:x\u{A0}") == ["web|x\u{A0}"])
    }

    @Test func linesHonchoSkipsAreRefusedWithTheirLine() {
        let found = "expected NAME: COMMAND with a NAME of letters, digits, '_' and '-' at the start of the line"
        #expect(error("web: a\nweb.1: b") == "Procfile:2: \(found), found 'web.1: b' (honcho would skip it)")
        #expect(error("  web: a") == "Procfile:1: \(found), found '  web: a' (honcho would skip it)")
        #expect(error("web : a") == "Procfile:1: \(found), found 'web : a' (honcho would skip it)")
        #expect(error("just words") == "Procfile:1: \(found), found 'just words' (honcho would skip it)")
        #expect(error("\u{FEFF}web: a") == "Procfile:1: \(found), found '\u{FEFF}web: a' (honcho would skip it)")
        #expect(error("web:") == "Procfile:1: no command after 'web:'")
        #expect(error("web:  \t") == "Procfile:1: no command after 'web:'")
    }

    @Test func namesAreUniqueAndShortEnoughForInstanceNumbers() {
        #expect(error("web: a\nworker: b\nweb: c") == "Procfile:3: the process type 'web' is already on line 1")
        let long = String(repeating: "x", count: 60)
        #expect(error("\(long): a") == "Procfile:1: the process type '\(long)' is longer than 59 bytes")
        #expect((try? parse(String(repeating: "x", count: 59) + ": a")) != nil)
    }

    @Test func emptyFilesAndBadBytesAreRefused() {
        #expect(error("") == "Procfile: no process types (lines NAME: COMMAND)")
        #expect(error("# only comments\n\n") == "Procfile: no process types (lines NAME: COMMAND)")
        #expect(throws: ProcfileError("Procfile:2: not valid UTF-8 (honcho cannot read the file either)")) {
            try Procfile.parse(Array("web: a\nworker: ".utf8) + [0xFF], path: "Procfile")
        }
    }

    // Every one of the four real Procfiles' shapes: headers of comments, blank lines, names
    // with '_', long commands with quotes and '%', aligned commands.
    @Test func realWorldShapes() throws {
        let huginn = "###\n#  DEV  #\n###\n\n# Procfile for development\nweb: bundle exec puma -C config/puma.rb\njobs: bundle exec rails runner bin/threaded.rb\n\n# web: old\n#dj2: bundle exec script/delayed_job -i 2 run\n"
        #expect(try types(huginn) == ["web|bundle exec puma -C config/puma.rb", "jobs|bundle exec rails runner bin/threaded.rb"])
        let aligned = "ticker:  ruby ./ticker $PORT\nerror:   ruby ./error\nspawner: ./spawner\n"
        #expect(try types(aligned) == ["ticker|ruby ./ticker $PORT", "error|ruby ./error", "spawner|./spawner"])
        let quoted = "web: gunicorn wsgi -b :$PORT --access-logformat '[%(h)s] \"%(r)s\"'\napi_pworker: celery worker -n w@%h\n# redis: /app/redis-server # 注释\n"
        #expect(try types(quoted) == ["web|gunicorn wsgi -b :$PORT --access-logformat '[%(h)s] \"%(r)s\"'", "api_pworker|celery worker -n w@%h"])
    }
}

@Suite struct ProcfilePlanTests {
    let procfile = try! Procfile.parse(Array("web: puma\nworker: sidekiq\nclock: clockwork clock.rb\n".utf8), path: "Procfile")

    func plan(_ options: ProcfilePlan.Options = .init(), env: String = "") throws(ProcfileError) -> [ProcfilePlan.PlannedProcess] {
        let environment = try ProcfileEnvironment.parse(Array(env.utf8), path: ".env")
        return try ProcfilePlan.processes(procfile, environment: environment, options: options)
    }

    func summary(_ processes: [ProcfilePlan.PlannedProcess]) -> [String] {
        processes.map { $0.name + " " + decimal($0.port) + " " + $0.argv.joined(separator: "|") }
    }

    func error(_ options: ProcfilePlan.Options, env: String = "") -> String? {
        do {
            _ = try plan(options, env: env)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func everyTypeOnceInFileOrderWithPortsAHundredApart() throws {
        let processes = try plan()
        #expect(summary(processes) == ["web.1 5000 /bin/sh|-c|puma", "worker.1 5100 /bin/sh|-c|sidekiq",
                                       "clock.1 5200 /bin/sh|-c|clockwork clock.rb"])
        #expect(processes.map(\.type) == ["web", "worker", "clock"])
        #expect(processes[1].environment == ["HONCHO_PROCESS_NAME=worker.1", "PORT=5100"])
    }

    @Test func chosenTypesRunInTheOrderChosenAndCountPortsSo() throws {
        #expect(summary(try plan(.init(types: ["clock", "web", "clock"]))) == ["clock.1 5000 /bin/sh|-c|clockwork clock.rb", "web.1 5100 /bin/sh|-c|puma"])
        #expect(error(.init(types: ["web", "nope"])) == "no process type 'nope' in the Procfile")
    }

    @Test func concurrencyNumbersInstancesAndTheirPorts() throws {
        let concurrency = try ProcfilePlan.concurrency("worker=3,web= 0 ,clock=+2", in: procfile)
        let processes = try plan(.init(concurrency: concurrency))
        #expect(processes.map { $0.name + " " + decimal($0.port) } == ["worker.1 5100", "worker.2 5101", "worker.3 5102", "clock.1 5200", "clock.2 5201"])
        #expect(throws: ProcfileError("--concurrency: no process type 'nope' in the Procfile")) {
            try ProcfilePlan.concurrency("nope=2", in: procfile)
        }
        // honcho would not see ' web' as web, and keep one.
        #expect(throws: ProcfileError("--concurrency: no process type ' web' in the Procfile")) {
            try ProcfilePlan.concurrency(" web=2", in: procfile)
        }
        for bad in ["web", "web=x", "web=-1", "web=1001", "", "web=1=2"] {
            #expect(throws: ProcfileError.self) { try ProcfilePlan.concurrency(bad, in: procfile) }
        }
    }

    @Test func thePortComesFromTheEnvFileThenTheOptionThenTheEnvironment() throws {
        #expect(try plan(.init(port: "6000", inheritedPort: "7000"), env: "PORT=8000").map(\.port) == [8000, 8100, 8200])
        #expect(try plan(.init(port: "6000", inheritedPort: "7000")).map(\.port) == [6000, 6100, 6200])
        #expect(try plan(.init(inheritedPort: " 7000 ")).map(\.port) == [7000, 7100, 7200])
        #expect(error(.init(port: "http")) == "--port: expected a port number from 0 to 65535, got 'http'")
        #expect(error(.init(), env: "PORT=70000") == "PORT in .env: expected a port number from 0 to 65535, got '70000'")
        #expect(error(.init(inheritedPort: "65400")) == "clock.1 would listen on port 65600, past 65535: choose a lower PORT")
    }

    @Test func theEnvironmentIsHonchosNameThenTheFileThenPort() throws {
        let processes = try plan(.init(types: ["web"]), env: "B=2\nHONCHO_PROCESS_NAME=mine\nA=1\nB=3\nPORT=5000")
        #expect(processes[0].environment == ["HONCHO_PROCESS_NAME=mine", "B=3", "A=1", "PORT=5000"])
    }

    @Test func prefixesArePaddedToTheLongestNameAndAtLeastSix() throws {
        #expect(try plan().map(\.prefix) == ["web.1    | ", "worker.1 | ", "clock.1  | "])
        #expect(try plan(.init(types: ["web"])).map(\.prefix) == ["web.1  | "])
    }

    @Test func theFormatOfTheDeveloperCommand() throws {
        let text = String(decoding: ProcfilePlanCommand.format(try plan(.init(types: ["web"]), env: "Q=\"a\\\"b\"")), as: UTF8.self)
        #expect(text == "web.1 5000 \"web.1  | \" \"puma\"\n  env \"HONCHO_PROCESS_NAME=web.1\"\n  env \"Q=a\\\"b\"\n  env \"PORT=5000\"\n")
    }
}
