import Testing
@testable import VigilCore

@Suite struct ControlAccessTests {
    @Test func aClientInsideTheContainerThatIsRootOrVigilsUserIsServed() {
        #expect(ControlAccess.refusal(uid: 0, pid: 42, ownUID: 0) == nil)
        #expect(ControlAccess.refusal(uid: 1000, pid: 42, ownUID: 1000) == nil)
        #expect(ControlAccess.refusal(uid: 0, pid: 42, ownUID: 1000) == nil)
    }

    @Test func aPeerThatVigilsPIDNamespaceCannotSeeIsRefusedEvenAsRoot() {
        #expect(ControlAccess.refusal(uid: 0, pid: 0, ownUID: 0) == .outsidePIDNamespace)
        #expect(ControlAccess.refusal(uid: 1000, pid: 0, ownUID: 1000) == .outsidePIDNamespace)
    }

    @Test func anotherUserIsRefused() {
        #expect(ControlAccess.refusal(uid: 65534, pid: 42, ownUID: 0) == .otherUser)
        #expect(ControlAccess.refusal(uid: 1001, pid: 42, ownUID: 1000) == .otherUser)
    }

    @Test func theRefusalsAreOneLine() {
        for refusal in [ControlAccess.Refusal.outsidePIDNamespace, .otherUser] {
            #expect(!refusal.message.utf8.contains(0x0A))
            #expect(refusal.message.utf8.starts(with: "permission denied: ".utf8))
        }
    }

    @Test func eachPeerIsLoggedOnceAndAFloodOnlyUpToTheBound() {
        var log = ControlAccess.RefusalLog()
        #expect(log.refused(uid: 0, pid: 0) == .log)
        for _ in 0..<1000 { #expect(log.refused(uid: 0, pid: 0) == .skip) }
        #expect(log.refused(uid: 65534, pid: 7) == .log)
        #expect(log.refused(uid: 65534, pid: 8) == .log)
        var entries: [ControlAccess.RefusalLog.LogDecision] = []
        for pid in Int32(100)..<200 { entries.append(log.refused(uid: 65534, pid: pid)) }
        #expect(entries.filter { $0 == .log }.count == ControlAccess.RefusalLog.maximumPeers - 4)
        #expect(entries.filter { $0 == .logLast }.count == 1)
        #expect(log.logged.count == ControlAccess.RefusalLog.maximumPeers)
        #expect(log.unlogged == 1000 + 100 - (ControlAccess.RefusalLog.maximumPeers - 3))
    }
}
