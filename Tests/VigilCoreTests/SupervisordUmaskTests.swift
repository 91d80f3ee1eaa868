import Testing
@testable import VigilCore

/// A supervisord configuration's host: the file `/work/s.conf` holds `text` (a `[supervisord]`
/// section first, which supervisord requires; a second one merges into it).
private func host(_ text: String) -> SupervisordHost {
    let text = "[supervisord]\nnodaemon=true\nlogfile=/dev/stdout\n" + text
    var host = SupervisordHost()
    host.currentDirectory = "/work"
    host.isDirectory = { path in ["/", "/work", "/tmp", "/dev"].contains { $0.utf8.elementsEqual(path.utf8) } }
    host.exists = { path in path.utf8.elementsEqual("/work/s.conf".utf8) || host.isDirectory(path) }
    host.readFile = { path in path.utf8.elementsEqual("/work/s.conf".utf8) ? Array(text.utf8) : nil }
    return host
}

/// What vigil would run for `text`, with `options` before `-c`.
private func configuration(_ text: String, options: [String] = []) throws -> Configuration? {
    let invocation = try SupervisordPersonality.parse(["supervisord"] + options + ["-c", "/work/s.conf"], host: host(text),
                                                      realtime: RealtimeSignals(min: 34, max: 64))
    guard case .pause(let configuration) = invocation else { return nil }
    return configuration
}

/// Each process's name and umask, as `name=0oMASK` or `name` alone when it keeps vigil's.
private func umasks(_ text: String, options: [String] = []) throws -> [String] {
    try configuration(text, options: options)?.processes.map { spec in
        spec.name + (spec.supervisord?.umask.map { "=" + PythonNumbers.inBase(UInt64($0), 8, upper: false) } ?? "")
    } ?? []
}

private func notices(_ text: String, options: [String] = []) throws -> [String] {
    try configuration(text, options: options)?.supervisord?.notices.map { $0.text } ?? ["no configuration"]
}

@Suite struct SupervisordUmaskTests {
    /// Each process gets its section's `umask=`, set in the child before exec; nil keeps vigil's.
    @Test func eachProcessCarriesItsSectionsUmask() throws {
        let text = """
            [program:private]
            command=/bin/true
            umask=077
            [program:open]
            command=/bin/true
            umask=0
            [program:plain]
            command=/bin/true
            [program:pool]
            command=/bin/true
            process_name=%(program_name)s_%(process_num)d
            numprocs=2
            umask=027
            [eventlistener:listener]
            command=/bin/cat
            events=TICK_5
            umask=002
            """
        let found = try umasks(text)
        #expect(found == ["listener=2", "open=0", "plain", "pool_0=27", "pool_1=27", "private=77"])
        let said = try notices(text)
        #expect(said == [])
    }

    /// os.umask passes an int; umask(2) keeps its permission bits.
    @Test func onlyThePermissionBitsCount() throws {
        let high = try umasks("[program:a]\ncommand=/bin/true\numask=1777\n")
        let negative = try umasks("[program:a]\ncommand=/bin/true\numask=-7\n")
        #expect(high == ["a=777"] && negative == ["a=771"])
    }

    /// supervisord applies its own umask only when it daemonizes, which vigil never does:
    /// programs without `umask=` keep vigil's, and nothing is said.
    @Test func supervisordsOwnUmaskIsNotTheProgramsUmask() throws {
        let text = "[supervisord]\nnodaemon=true\numask=077\n[program:a]\ncommand=/bin/true\n"
        let found = try umasks(text, options: ["-m", "027"])
        #expect(found == ["a"])
        let said = try notices(text, options: ["-m", "027"])
        #expect(said == [])
    }

    @Test func theDryRunShowsTheUmaskAsTheChildGetsIt() throws {
        let conf = "[program:a]\ncommand=/bin/true\numask=77\n[program:b]\ncommand=/bin/true\numask=0\n[program:c]\ncommand=/bin/true\n"
        let invocation = try SupervisordPersonality.parse(["supervisord", "--dry-run", "-c", "/work/s.conf"], host: host(conf),
                                                          realtime: RealtimeSignals(min: 34, max: 64))
        guard case .show(let text) = invocation else {
            Issue.record("no dry run")
            return
        }
        #expect(text.contains("   argv:        /bin/true\n   umask:       077\n   environment:"))
        #expect(text.contains("   argv:        /bin/true\n   umask:       000\n   environment:"))
        #expect(text.split(separator: "umask:").count == 3)
    }
}
