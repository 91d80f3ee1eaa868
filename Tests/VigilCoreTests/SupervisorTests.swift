import Testing
@testable import VigilCore

let second = Durations.second

func policy(_ change: (inout Policy) -> Void = { _ in }) -> Policy {
    var policy = Policy()
    change(&policy)
    return policy
}

func running(_ policy: Policy = policy(), child: Int32 = 40, foreground: Bool = false) -> Supervisor {
    var supervisor = Supervisor(policy: policy)
    supervisor.started(mainChild: child, foreground: foreground)
    return supervisor
}

/// Pause mode, reached as production reaches it: no main command, nothing to bring up.
func pausing(_ policy: Policy = policy()) -> Supervisor {
    var supervisor = Supervisor(policy: policy, hasMain: false)
    #expect(supervisor.start(at: 0) == [])
    #expect(supervisor.phase == .pausing)
    return supervisor
}

/// The shutdown a phase holds, if any.
func shutdown(_ supervisor: Supervisor) -> Supervisor.Shutdown? {
    switch supervisor.phase {
    case .draining(let shutdown), .killing(let shutdown): return shutdown
    default: return nil
    }
}

func isKilling(_ supervisor: Supervisor) -> Bool { supervisor.phase.isKilling }

@Suite struct ForwardingTests {
    @Test func forwardsToTheChildOrItsGroup() {
        var alone = running()
        #expect(alone.received(10, at: 0) == [.send(signal: 10, to: .process(40))])
        var group = running(policy { $0.forwardToGroup = true })
        #expect(group.received(10, at: 0) == [.send(signal: 10, to: .processGroup(40))])
        // A stop request is followed by CONT, so that a stopped child can act on it.
        #expect(group.received(15, at: 0) == [.send(signal: 15, to: .processGroup(40)), .send(signal: 18, to: .processGroup(40))])
    }

    @Test func forwardsRealtimeSignals() {
        var supervisor = running()
        #expect(supervisor.received(37, at: 0) == [.send(signal: 37, to: .process(40))])
    }

    @Test func onlyTheKernelAnnouncesAControlConnection() {
        // POLL_IN (1) and SI_KERNEL (0x80) come from the kernel; SI_USER (0), SI_QUEUE (-1)
        // and SI_TKILL (-6) from a process, and are forwarded.
        #expect(ControlChannel.announcesConnection(ReceivedSignal(number: 64, code: 1)))
        #expect(ControlChannel.announcesConnection(ReceivedSignal(number: 29, code: 0x80)))
        for code: Int32 in [0, -1, -6] {
            #expect(!ControlChannel.announcesConnection(ReceivedSignal(number: 64, code: code)))
            #expect(!ControlChannel.announcesConnection(ReceivedSignal(number: 29, code: code)))
        }
        #expect(!ControlChannel.announcesConnection(ReceivedSignal(number: 63, code: 1)))
    }

    @Test func repeatedStopRequestsAreForwardedAgainByDefault() {
        var supervisor = running()
        #expect(supervisor.received(15, at: 0) == [.send(signal: 15, to: .process(40)), .send(signal: 18, to: .process(40))])
        #expect(supervisor.received(15, at: 1) == [.send(signal: 15, to: .process(40)), .send(signal: 18, to: .process(40))])
        guard case .running(let child) = supervisor.phase else { Issue.record("not running"); return }
        #expect(child.stopRequested)
    }
}

@Suite struct MainChildExitTests {
    @Test func exitAtOnceUsesTheChildsStatus() {
        var supervisor = running(policy { $0.mainChildExit = .exitAtOnce })
        #expect(supervisor.reaped(41, .exited(code: 3), at: 0) == [])
        #expect(supervisor.reaped(40, .killed(signal: 15, coreDumped: false), at: 0) == [.exit(code: 143)])
        #expect(!supervisor.isMainChild(40))
        #expect(supervisor.received(15, at: 0) == [])
    }

    @Test func appliesTheExitMap() {
        var supervisor = running(policy { $0.exitMap = ExitMap([143]); $0.mainChildExit = .exitAtOnce })
        #expect(supervisor.reaped(40, .killed(signal: 15, coreDumped: false), at: 0) == [.exit(code: 0)])
    }

    @Test func ignoresStopsOfTheChild() {
        var supervisor = running()
        #expect(supervisor.reaped(40, .stopped(signal: 19), at: 0) == [])
        #expect(supervisor.isMainChild(40))
    }
}

@Suite struct ShutdownTests {
    @Test func mainChildExitStopsTheRestWithTheStopSignal() {
        var supervisor = running(policy { $0.stopSignal = 10 })
        #expect(supervisor.reaped(40, .exited(code: 7), at: 100) == [.signalLeftovers(signal: 10), .signalLeftovers(signal: 18)])
        #expect(supervisor.phase == .draining(.init(deadline: 100 + 5 * second, exitCode: 7, stopRequested: false)))
        #expect(supervisor.deadline == 100 + 5 * second)
        #expect(supervisor.awaitsEmptyTree)
        #expect(supervisor.nothingLeft() == [.exit(code: 7)])
        #expect(supervisor.phase == .exited)
    }

    @Test func exitsTheMomentNothingIsLeft() {
        var supervisor = running()
        _ = supervisor.reaped(40, .exited(code: 0), at: 0)
        #expect(supervisor.timeReached(1) == [])
        #expect(supervisor.nothingLeft() == [.exit(code: 0)])
    }

    @Test func graceExpiryKillsAndThenExitsWithTheChildsStatus() {
        var supervisor = running(policy { $0.grace = 2 * second; $0.exitMap = ExitMap([3]) })
        _ = supervisor.reaped(40, .exited(code: 4), at: 0)
        #expect(supervisor.timeReached(2 * second - 1) == [])
        #expect(supervisor.timeReached(2 * second) == [.killLeftovers(reason: .graceExpired(2 * second))])
        #expect(supervisor.phase == .killing(.init(deadline: 4 * second, exitCode: 4, stopRequested: false)))
        #expect(supervisor.nothingLeft() == [.exit(code: 4)])
    }

    @Test func processesThatOutliveSigkillDoNotHoldVigilForever() {
        var supervisor = running(policy { $0.grace = second })
        _ = supervisor.reaped(40, .exited(code: 1), at: 0)
        _ = supervisor.timeReached(second)
        #expect(supervisor.timeReached(3 * second) == [.reportStragglers(after: 2 * second), .exit(code: 1)])
    }

    @Test func zeroGraceKillsAtOnce() {
        var supervisor = running(policy { $0.grace = 0 })
        #expect(supervisor.reaped(40, .exited(code: 0), at: 0) == [.killLeftovers(reason: .noGracePeriod)])
    }

    @Test func signalsDuringTheShutdownGoToTheRestWithoutCuttingTheGraceShort() {
        var supervisor = running()
        _ = supervisor.received(15, at: 0)
        _ = supervisor.reaped(40, .killed(signal: 15, coreDumped: false), at: second)
        #expect(supervisor.received(15, at: 2 * second) == [.signalLeftovers(signal: 15), .signalLeftovers(signal: 18)])
        // Other signals are not broadcast to a tree that is stopping.
        #expect(supervisor.received(10, at: 2 * second) == [])
        #expect(supervisor.received(28, at: 2 * second) == [])
        #expect(supervisor.phase == .draining(.init(deadline: 6 * second, exitCode: 143, stopRequested: true)))
    }

    @Test func repeatStopKillsCutsTheGraceShortWhenAsked() {
        var supervisor = running(policy { $0.repeatedStopKills = true })
        _ = supervisor.received(15, at: 0)
        _ = supervisor.reaped(40, .killed(signal: 15, coreDumped: false), at: second)
        #expect(supervisor.received(2, at: 2 * second) == [.killLeftovers(reason: .repeatedStopRequest)])
    }

    @Test func repeatStopKillsWhileTheChildRunsKillsItAndSkipsTheGrace() {
        var supervisor = running(policy { $0.repeatedStopKills = true })
        #expect(supervisor.received(15, at: 0) == [.send(signal: 15, to: .process(40)), .send(signal: 18, to: .process(40))])
        #expect(supervisor.received(15, at: 1) == [.send(signal: 9, to: .process(40))])
        #expect(supervisor.reaped(40, .killed(signal: 9, coreDumped: false), at: 2) == [.killLeftovers(reason: .repeatedStopRequest)])
    }

    @Test func killAfterStartsAtTheFirstStopRequest() {
        var supervisor = running(policy { $0.killAfter = 3 * second; $0.forwardToGroup = true })
        #expect(supervisor.deadline == nil)
        _ = supervisor.received(10, at: 0)
        #expect(supervisor.deadline == nil)
        _ = supervisor.received(15, at: second)
        #expect(supervisor.deadline == 4 * second)
        _ = supervisor.received(15, at: 2 * second)
        #expect(supervisor.deadline == 4 * second)
        #expect(supervisor.timeReached(4 * second) == [.send(signal: 9, to: .processGroup(40))])
        #expect(supervisor.deadline == nil)
        #expect(supervisor.reaped(40, .killed(signal: 9, coreDumped: false), at: 5 * second)
            == [.signalLeftovers(signal: 15), .signalLeftovers(signal: 18)])
    }

    @Test func killAfterIsCancelledWhenTheChildExits() {
        var supervisor = running(policy { $0.killAfter = 3 * second })
        _ = supervisor.received(15, at: 0)
        _ = supervisor.reaped(40, .exited(code: 0), at: second)
        #expect(supervisor.deadline == 6 * second)  // the grace deadline, not kill-after's
    }
}

@Suite struct PauseModeTests {
    @Test func stopRequestsEndPauseModeWithZero() {
        for signal: Int32 in [15, 2, 3] {
            var supervisor = pausing()
            #expect(supervisor.received(signal, at: 0) == [.signalLeftovers(signal: 15), .signalLeftovers(signal: 18)])
            #expect(supervisor.nothingLeft() == [.exit(code: 0)])
        }
    }

    @Test func otherSignalsAreIgnored() {
        var supervisor = pausing()
        for signal: Int32 in [1, 10, 12, 28, 34] {
            #expect(supervisor.received(signal, at: 0) == [])
        }
        #expect(supervisor.phase == .pausing)
        #expect(supervisor.deadline == nil)
        #expect(supervisor.reaped(99, .exited(code: 1), at: 0) == [])
    }
}

@Suite struct ShutdownSignalTests {
    @Test func onlyChosenRewritesReachAStoppingTree() {
        var rewrite = SignalRewrite()
        rewrite.set(10, to: 15)          // the user's USR1:TERM
        rewrite.stopOnTerminalSignals()  // session mode's default, not the user's
        var supervisor = running(policy { $0.rewrite = rewrite })
        _ = supervisor.reaped(40, .exited(code: 0), at: 0)
        #expect(supervisor.received(10, at: 1) == [.signalLeftovers(signal: 15)])
        #expect(supervisor.received(20, at: 1) == [])   // TSTP would stop the tree
        #expect(supervisor.received(12, at: 1) == [])
    }

    @Test func pauseModeIgnoresOtherSignalsDuringItsShutdownToo() {
        var supervisor = pausing()
        _ = supervisor.received(15, at: 0)
        #expect(supervisor.received(10, at: 1) == [])
        #expect(supervisor.received(28, at: 1) == [])
    }

    @Test func tiniAndDumbInitSendNoContinue() {
        var supervisor = running(policy { $0.mainChildExit = .exitAtOnce; $0.continuesStoppedProcesses = false })
        #expect(supervisor.received(15, at: 0) == [.send(signal: 15, to: .process(40))])
    }
}

@Suite struct ChildStopTests {
    @Test func vigilStopsWithItsChildOnlyWhenAsked() {
        var following = running(foreground: true)
        #expect(following.reaped(40, .stopped(signal: 20), at: 0) == [.stopSelf])
        #expect(following.reaped(41, .stopped(signal: 20), at: 0) == [])
        #expect(following.isMainChild(40))
        var plain = running()
        #expect(plain.reaped(40, .stopped(signal: 20), at: 0) == [])
        // As PID 1 nobody above could resume vigil: it never stops with the child.
        var namespaceInit = running(policy { $0.isNamespaceInit = true }, foreground: true)
        #expect(namespaceInit.reaped(40, .stopped(signal: 20), at: 0) == [])
    }
}

@Suite struct ReservedSignalTests {
    @Test func glibcsOwnSignalsAreNotForwardedUnlessNamed() {
        var supervisor = running()
        #expect(supervisor.handle(.signal(32, sender: 7), at: 0) == [.note(.signalDropped(signal: 32, sender: 7))])
        #expect(supervisor.handle(.signal(33, sender: 7), at: 0) == [.note(.signalDropped(signal: 33, sender: 7))])
        #expect(supervisor.received(34, at: 0) == [.send(signal: 34, to: .process(40))])
        var named = running(policy { $0.parentDeathSignal = 32 })
        #expect(named.received(32, at: 0) == [.send(signal: 32, to: .process(40))])
    }
}
