// Fuzz target: TZif zone files (/usr/share/zoneinfo, CRON_TZ, TZ), `TZif.parse`, and the
// offsets and changes of what parses.
//
// Input: the file's bytes. What parses must answer consistently: offsets within 26 hours, a
// change is where the offset differs from the second before, the next change comes after
// and the last change at or before, a local time resolves to instants showing that local
// time, and a schedule's next run in the zone comes after its start.
@testable import VigilCore

private let schedules = [try! CronExpression.parse("30 2 * * *"), try! CronExpression.parse("*/15 * * * *")]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTZif(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let zone = try? TZif.parse(bytes) else { return 0 }
    for instant: Int64 in [-2_000_000_000, 0, 1_743_292_800, 1_761_436_800, 4_102_444_800, 200_000_000_000] {
        let offset = zone.offset(at: instant)
        precondition(offset >= -89_999 && offset <= 93_599, "offset \(offset)")
        if let next = zone.nextChange(after: instant) {
            precondition(next > instant && zone.offset(at: next) != zone.offset(at: next - 1), "next change \(next) after \(instant)")
        }
        if let last = zone.lastChange(atOrBefore: instant) {
            precondition(last <= instant && zone.offset(at: last) != zone.offset(at: last - 1), "last change \(last) at \(instant)")
        }
        let local = instant + Int64(offset)
        switch zone.instants(ofLocal: local) {
        case .unique(let only):
            precondition(only + Int64(zone.offset(at: only)) == local, "unique \(only) for \(local)")
        case .repeated(let first, let second):
            precondition(first < second && first + Int64(zone.offset(at: first)) == local
                         && second + Int64(zone.offset(at: second)) == local, "repeated for \(local)")
        case .skipped:
            preconditionFailure("\(local) is the local time of \(instant), yet skipped")
        }
        for schedule in schedules {
            if let run = schedule.nextRun(after: instant, in: zone, anchor: instant) { precondition(run > instant) }
        }
    }
    return 0
}
