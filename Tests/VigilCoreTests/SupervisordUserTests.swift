import Testing
@testable import VigilCore

/// The user each process of a supervisord configuration is started as, by vigil running as `uid`.
private func users(_ text: String, uid: UInt32) throws -> [String?] {
    var host = SupervisordHost()
    host.uid = uid
    host.currentDirectory = "/work"
    host.users = UserDatabase(accounts: [UserAccount(name: Array("root".utf8), uid: 0, gid: 0, home: Array("/root".utf8)),
                                         UserAccount(name: Array("app".utf8), uid: 5, gid: 5, home: Array("/srv/app".utf8))])
    host.isDirectory = { path in ["/", "/work", "/tmp"].contains { $0.utf8.elementsEqual(path.utf8) } }
    host.exists = { path in path.utf8.elementsEqual("/work/s.conf".utf8) || host.isDirectory(path) }
    host.readFile = { path in path.utf8.elementsEqual("/work/s.conf".utf8) ? Array(text.utf8) : nil }
    let invocation = try SupervisordPersonality.parse(["supervisord", "-c", "/work/s.conf"], host: host,
                                                      realtime: RealtimeSignals(min: 34, max: 64))
    guard case .pause(let configuration) = invocation else { return [] }
    return configuration.processes.map { $0.user }
}

@Suite struct SupervisordUserTests {
    /// supervisord's drop_privileges leaves its own uid alone (groups included); any other it takes.
    @Test func onlyAnotherUserIsTaken() throws {
        let programs = "[program:a]\ncommand=/bin/true\n[program:b]\ncommand=/bin/true\nuser=app\n[program:c]\ncommand=/bin/true\nuser=root\n"
        #expect(try users("[supervisord]\nuser=root\n" + programs, uid: 0) == [nil, "app", nil])
        #expect(try users("[supervisord]\n" + programs, uid: 0) == [nil, "app", nil])
        #expect(try users("[supervisord]\nuser=app\n" + programs, uid: 0) == ["app", "app", nil])
        #expect(try users("[supervisord]\nuser=app\n" + programs, uid: 5) == [nil, nil, "root"])
    }
}
