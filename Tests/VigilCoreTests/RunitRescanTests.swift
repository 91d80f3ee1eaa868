import CLinux
import Testing
@testable import VigilCore

/// The services folder read again (runsvdir's rescan), through `Supervisor.handle`: a service
/// that appears starts, one that goes away stops as `sv exit` stops it and is then retired,
/// and the watch's events are gathered into one reading a second later.
@Suite struct RunitRescanTests {
    let second = Durations.second
    let t0: Instant = 1000 * Durations.second
    let web = ServicePart(service: 0, isLog: false)

    func layout(_ name: String, down: Bool = false, log: Bool = false) -> RunitServiceLayout.Service {
        RunitServiceLayout.Service(name: name, runnable: true, hasFinish: false, startsDown: down, hasCheck: false,
                                   overrides: [], log: log ? .init(runnable: true, startsDown: false) : nil)
    }

    /// my_init's supervisor with `web` running as pid 100.
    func started() -> Supervisor {
        var configuration = MyInitPersonality.defaults
        configuration.runit = RunitSettings(directory: "/etc/service", stopTimeout: 30 * second)
        var supervisor = Supervisor(policy: Policy(configuration, isNamespaceInit: true), hasMain: false,
                                    runit: configuration.runit)
        _ = supervisor.handle(.start, at: t0)
        _ = supervisor.handle(.runit(.found([layout("web")])), at: t0)
        _ = supervisor.handle(.runit(.spawned(web, pid: 100, errno: 0)), at: t0)
        return supervisor
    }

    func starts(_ actions: [SupervisorAction]) -> [ServicePart] {
        actions.compactMap { action in
            if case .runit(.start(let part, _)) = action { return part }
            return nil
        }
    }

    @Test func changesAreReadOnceASecondAfterTheFirst() {
        var supervisor = started()
        #expect(supervisor.deadline == nil)
        #expect(supervisor.handle(.runit(.folderChanged), at: t0 + second).isEmpty)
        _ = supervisor.handle(.runit(.folderChanged), at: t0 + second + second / 2)
        #expect(supervisor.deadline == t0 + 2 * second)
        #expect(supervisor.handle(.deadline, at: t0 + 2 * second).contains(.runit(.rescan)))
        #expect(supervisor.deadline == nil)
    }

    @Test func aServiceAddedStartsAfterTheOthersWithItsLoggerFirst() {
        var supervisor = started()
        let actions = supervisor.handle(.runit(.rescanned(added: [layout("db", log: true)], present: [0])), at: t0 + second)
        #expect(starts(actions) == [ServicePart(service: 1, isLog: true), ServicePart(service: 1, isLog: false)])
        #expect(supervisor.runit.partName(ServicePart(service: 1, isLog: true)) == "db.log")
        #expect(supervisor.runit[web].pid == 100)
    }

    @Test func aServiceRemovedStopsLikeSvExitThenIsRetired() {
        var supervisor = started()
        let actions = supervisor.handle(.runit(.rescanned(added: [], present: [])), at: t0 + 2 * second)
        #expect(actions.contains(.send(signal: SIGTERM, to: .process(100))))
        #expect(supervisor.runit[web].want == .exit)
        #expect(!supervisor.runit.services[0].retired)
        let exit = supervisor.handle(.reaped(pid: 100, .killed(signal: SIGTERM, coreDumped: false)), at: t0 + 3 * second)
        #expect(exit.contains(.runit(.retire(service: 0))))
        #expect(starts(exit).isEmpty)
        #expect(supervisor.runit.allParts.isEmpty)
        #expect(supervisor.runitStatus(at: t0 + 3 * second).isEmpty)
        // The folder is read once more: one refused while this held its lock is taken now.
        #expect(supervisor.deadline == t0 + 3 * second)
        #expect(supervisor.handle(.deadline, at: t0 + 3 * second).contains(.runit(.rescan)))
    }

    @Test func aRemovedLoggerReadsToTheEndBeforeTheServiceIsRetired() {
        var supervisor = started()
        let db = ServicePart(service: 1, isLog: false), dbLog = ServicePart(service: 1, isLog: true)
        _ = supervisor.handle(.runit(.rescanned(added: [layout("db", log: true)], present: [0])), at: t0)
        _ = supervisor.handle(.runit(.spawned(dbLog, pid: 200, errno: 0)), at: t0)
        _ = supervisor.handle(.runit(.spawned(db, pid: 201, errno: 0)), at: t0)
        _ = supervisor.handle(.runit(.rescanned(added: [], present: [0])), at: t0 + 2 * second)
        let down = supervisor.handle(.reaped(pid: 201, .exited(code: 0)), at: t0 + 3 * second)
        #expect(down.contains(.runit(.closeLogPipe(service: 1))))
        #expect(!down.contains(.runit(.retire(service: 1))))
        let logEnd = supervisor.handle(.reaped(pid: 200, .exited(code: 0)), at: t0 + 3 * second)
        #expect(logEnd.contains(.runit(.retire(service: 1))))
        #expect(starts(logEnd).isEmpty)
    }

    @Test func aServiceBackBeforeItStoppedWantsUpAgain() {
        var supervisor = started()
        _ = supervisor.handle(.runit(.rescanned(added: [], present: [])), at: t0 + 2 * second)
        _ = supervisor.handle(.runit(.rescanned(added: [], present: [0])), at: t0 + 2 * second)
        #expect(supervisor.runit[web].want == .up)
        let exit = supervisor.handle(.reaped(pid: 100, .killed(signal: SIGTERM, coreDumped: false)), at: t0 + 3 * second)
        #expect(!exit.contains(.runit(.retire(service: 0))))
        #expect(starts(exit) == [web])
    }

    @Test func aFolderMadeAgainUnderItsNameIsANewServiceAndTheOldOneStops() {
        var supervisor = started()
        let actions = supervisor.handle(.runit(.rescanned(added: [layout("web")], present: [])), at: t0 + 2 * second)
        #expect(actions.contains(.send(signal: SIGTERM, to: .process(100))))
        #expect(supervisor.runit[web].want == .exit)
        #expect(starts(actions) == [ServicePart(service: 1, isLog: false)])
        let new = ServicePart(service: 1, isLog: false)
        _ = supervisor.handle(.runit(.spawned(new, pid: 200, errno: 0)), at: t0 + 2 * second)
        // Read again while the old one stops: only the new one is there, and stays.
        let again = supervisor.handle(.runit(.rescanned(added: [], present: [1])), at: t0 + 3 * second)
        #expect(supervisor.runit[web].want == .exit)
        #expect(!again.contains { if case .send = $0 { return true } else { return false } })
        #expect(supervisor.runit.part(named: "web") == new)
        let exit = supervisor.handle(.reaped(pid: 100, .exited(code: 0)), at: t0 + 3 * second)
        #expect(exit.contains(.runit(.retire(service: 0))))
        _ = supervisor.handle(.runit(.rescanned(added: [], present: [1])), at: t0 + 3 * second)
        #expect(supervisor.runit[new].want == .up && supervisor.runit[new].pid == 200)
        #expect(supervisor.runit.part(named: "web") == new)
    }

    @Test func anUnwatchedFolderIsReadEveryFiveSeconds() {
        var supervisor = started()
        _ = supervisor.handle(.runit(.folderUnwatched), at: t0)
        #expect(supervisor.deadline == t0 + 5 * second)
        #expect(supervisor.handle(.deadline, at: t0 + 5 * second).contains(.runit(.rescan)))
        _ = supervisor.handle(.runit(.rescanned(added: [], present: [0])), at: t0 + 5 * second)
        #expect(supervisor.deadline == t0 + 10 * second)
    }

    @Test func nothingIsReadAgainOnceTheStopBegan() {
        var supervisor = started()
        _ = supervisor.handle(.runit(.folderChanged), at: t0)
        _ = supervisor.handle(.signal(SIGTERM), at: t0)
        #expect(!supervisor.handle(.deadline, at: t0 + second).contains(.runit(.rescan)))
        #expect(supervisor.handle(.runit(.rescanned(added: [layout("late")], present: [0])), at: t0 + second).isEmpty)
    }

    @Test func inotifyEventsSayWhetherAnythingChangedAndWhetherTheWatchIsGone() {
        func event(mask: UInt32, name: [UInt8]) -> [UInt8] {
            let length = UInt32(name.count)
            var bytes: [UInt8] = [1, 0, 0, 0]
            for word in [mask, 0, length] { bytes += [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: word >> $0) } }
            return bytes + name
        }
        #expect(InotifyEvents.parse([][...]) == InotifyEvents())
        let created = event(mask: 0x100, name: Array("web\0\0\0\0\0".utf8))
        #expect(InotifyEvents.parse(created[...]) == InotifyEvents(changed: true, watchGone: false))
        let gone = created + event(mask: 0x400, name: []) + event(mask: 0x8000, name: [])
        #expect(InotifyEvents.parse(gone[...]) == InotifyEvents(changed: true, watchGone: true))
        // Cut short: counted as a change, nothing read past the end.
        #expect(InotifyEvents.parse(created[0..<10]) == InotifyEvents(changed: true, watchGone: false))
        #expect(InotifyEvents.parse(event(mask: 0x100, name: [1, 2])[0..<17]) == InotifyEvents(changed: true, watchGone: false))
    }
}
