import Testing
@testable import VigilCore

/// baseimage's `setuser USERNAME COMMAND...` as a plan: who the command runs as, its groups
/// as initgroups gives them, and the environment Python's `os.environ` would pass on.
@Suite struct SetuserTests {
    let users = UserDatabase.parse(Array("""
        root:x:0:0:root:/root:/bin/bash
        app:x:1000:1000:App,,,:/home/app:/bin/sh
        app:x:2000:2000:second line, ignored:/elsewhere:/bin/sh
        nohome:x:1001:100::/:/usr/sbin/nologin

        """.utf8))
    let groups = GroupDatabase.parse(Array("""
        root:x:0:
        users:x:100:app
        app:x:1000:
        docker:x:999:someone,app
        audio:x:29:app,app

        """.utf8))

    func words(_ list: [String]) -> [[UInt8]] { list.map { Array($0.utf8) } }

    @Test func theUserItsGroupsAndItsVariables() throws {
        let plan = try SetuserPersonality.plan(words(["setuser", "app", "id"]), users: users, groups: groups)
        #expect(plan.uid == 1000 && plan.gid == 1000)
        // The primary group first, then each group listing it once, in file order.
        #expect(plan.groups == [1000, 100, 999, 29])
        #expect(plan.settings == words(["USER=app", "HOME=/home/app", "UID=1000"]))
    }

    @Test func aPrimaryGroupThatAlsoListsTheUserComesOnce() throws {
        let plan = try SetuserPersonality.plan(words(["setuser", "nohome", "true"]), users: users, groups: groups)
        #expect(plan.groups == [100])
        #expect(plan.settings[1] == Array("HOME=/".utf8))
    }

    @Test func tooFewArgumentsOrAnUnknownUserAreRefused() {
        #expect(throws: SetuserPersonality.Refusal.usage) {
            try SetuserPersonality.plan(words(["setuser", "app"]), users: users, groups: groups)
        }
        #expect(throws: SetuserPersonality.Refusal.unknownUser(Array("ghost".utf8))) {
            try SetuserPersonality.plan(words(["setuser", "ghost", "id"]), users: users, groups: groups)
        }
        #expect(SetuserPersonality.Refusal.unknownUser(Array("ghost".utf8)).text == "setuser: user ghost not found")
        #expect(SetuserPersonality.Refusal.usage.text == "Usage: /sbin/setuser USERNAME COMMAND [args..]")
    }

    @Test func variablesAreReplacedInPlaceOrAddedAtTheEnd() {
        let inherited = words(["PATH=/bin", "HOME=/root", "USERNAME=x", "HOME=/second", "LOGNAME=root", "\u{FF}raw=1"])
        let result = SetuserPersonality.environment(inherited, settings: words(["USER=app", "HOME=/home/app", "UID=1000"]))
        #expect(result == words(["PATH=/bin", "HOME=/home/app", "USERNAME=x", "LOGNAME=root", "\u{FF}raw=1",
                                 "USER=app", "UID=1000"]))
    }

    @Test func theNameSetuserChoosesThePersonality() {
        #expect(Personality.detect("/sbin/setuser") == .setuser)
        #expect(Personality.detect("setuser") == .setuser)
        #expect(Personality.detect("/sbin/setuser2") == .vigil)
    }
}
