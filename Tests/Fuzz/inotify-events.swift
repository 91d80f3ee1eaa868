// Fuzz target: what a read of the services folder's inotify descriptor says, `InotifyEvents`.
//
// Input: the bytes read. Nothing is read past the end; any bytes at all count as a change,
// and none as no change.
@testable import VigilCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzInotifyEvents(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let events = InotifyEvents.parse(input[...])
    precondition(events.changed == !input.isEmpty, "a change iff bytes")
    precondition(!events.watchGone || events.changed, "gone without a change")
    return 0
}
