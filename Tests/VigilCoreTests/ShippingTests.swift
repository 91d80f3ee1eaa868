import Testing
@testable import VigilCore
import CLinux

/// What keeps vigil's behaviour the same on every C library it is built with, and the two
/// small behaviours that came with the static releases: signals 32 and 33, counted lists.
@Suite struct ShippingTests {
    @Test func realtimeSignalsAreTheKernelsWhateverTheLibcSays() {
        #expect(RealtimeSignals.current == RealtimeSignals(min: 34, max: 64))
        #expect(SignalNames.parse("RTMIN") == 34)
        #expect(SignalNames.parse("RTMAX-30") == 34)
        #expect(SignalNames.name(of: 34) == "SIGRTMIN")
        #expect(SignalNames.name(of: 33) == "signal 33")
    }

    @Test func errorAndSignalTextsAreGlibcsWords() {
        #expect(SystemError.reason(ECHILD) == "No child processes")
        #expect(SystemError.reason(EADDRINUSE) == "Address already in use")
        #expect(SystemError.reason(EMFILE) == "Too many open files")
        #expect(SystemError.reason(9999) == "error 9999")
        #expect(String(cString: clinux_signal_text(SIGCHLD)!) == "Child exited")
        #expect(String(cString: clinux_signal_text(SIGTERM)!) == "Terminated")
        #expect(clinux_signal_text(34) == nil)
        #expect(clinux_signal_text(-1) == nil)
    }

    @Test func aFullSignalSetHoldsEverySignalTheLibcKeeps() {
        var set = sigset_t()
        clinux_sigset_fill(&set)
        // Signals 1 to 64, one bit each: 32 to 34 included, which glibc or musl leave out.
        let words = withUnsafeBytes(of: &set) { Array($0.prefix(8)) }
        #expect(words == [UInt8](repeating: 0xFF, count: 8))
    }

    @Test func signals32And33AreDroppedUnlessTheUserNamedThem() {
        let none = SignalRewrite()
        #expect(ReservedSignals.isDropped(32, parentDeathSignal: nil, rewrite: none))
        #expect(ReservedSignals.isDropped(33, parentDeathSignal: nil, rewrite: none))
        #expect(!ReservedSignals.isDropped(34, parentDeathSignal: nil, rewrite: none))
        #expect(!ReservedSignals.isDropped(SIGTERM, parentDeathSignal: nil, rewrite: none))
        #expect(!ReservedSignals.isDropped(32, parentDeathSignal: 32, rewrite: none))
        var rewrite = SignalRewrite()
        rewrite.set(33, to: SIGTERM)
        #expect(!ReservedSignals.isDropped(33, parentDeathSignal: nil, rewrite: rewrite))
        #expect(ReservedSignals.isDropped(32, parentDeathSignal: nil, rewrite: rewrite))
    }

    @Test func aShortListIsJoinedAsItIs() {
        let items: [LogText] = ["4 (a)", "5 (b)"]
        #expect(LogText.list(items, counting: "processes", within: 100).string == "4 (a), 5 (b)")
        #expect(LogText.list([], counting: "processes", within: 100).string == "")
    }

    @Test func aLongListSaysHowManyThereWere() {
        var items: [LogText] = []
        for pid in 1...1000 { items.append("\(pid) (leftover)") }
        let text = LogText.list(items, counting: "processes", within: 3584).string
        #expect(text.utf8.count <= 3584)
        #expect(text.hasPrefix("1000 processes: 1 (leftover), 2 (leftover), "))
        let shown = text.split(separator: ",").count - 1
        #expect(text.hasSuffix(", ... and \(1000 - shown) more"))
        #expect(LogText.list(items, counting: "processes", within: 20).string == "1000 processes: ... and 1000 more")
    }
}
