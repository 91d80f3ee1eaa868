// Fuzz target: cron expressions (`--schedule`, `[task.NAME] schedule`, crontab lines),
// `CronExpression.parse`, and the next runs of what parses.
//
// Input: the expression, read with both field layouts. Its first 8 bytes, read as a number,
// also choose the instant the runs are computed after. Whatever parses must run (or have
// run): its next runs come strictly in order, after the instant, and in UTC each one's date
// and time match the fields.
@testable import VigilCore

private let berlin = ZoneRules(rule: PosixZoneRule.parse(Array("CET-1CEST,M3.5.0,M10.5.0/3".utf8)[...])!)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCronExpression(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    let text = String(decoding: input, as: UTF8.self)
    let raw = input.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    let start = Int64(raw % UInt64(CivilTime.latest - CivilTime.earliest)) + CivilTime.earliest
    for layout in [CronExpression.Layout.vigil, .supercronic] {
        do {
            let expression = try CronExpression.parse(text, layout: layout)
            check(expression, after: start, in: .utc)
            check(expression, after: start, in: berlin)
            check(expression, after: 1_743_292_800, in: berlin)  // just before a clock change
        } catch {
            precondition(!error.text.bytes.contains(0x0A), "a message of several lines: \(error.message)")
            precondition(!error.text.bytes.isEmpty)
        }
    }
    return 0
}

private func check(_ expression: CronExpression, after start: Int64, in zone: ZoneRules) {
    let runs = expression.nextRuns(5, after: start, in: zone, anchor: start)
    var previous = start
    for run in runs {
        precondition(run > previous, "'\(expression.text)': \(run) after \(previous)")
        previous = run
        guard case .calendar(let calendar) = expression.kind, zone == .utc else { continue }
        let time = CivilTime(seconds: run)
        precondition(calendar.months.contains(time.month) && calendar.hours.contains(time.hour)
                     && calendar.minutes.contains(time.minute) && calendar.seconds.contains(time.second)
                     && calendar.dayMatches(year: time.year, month: time.month, day: time.day)
                     && (calendar.years?.contains(Int(time.year) - 1970) ?? true),
                     "'\(expression.text)' runs at \(run), which it does not name")
    }
    // What parsed runs some time: the calendar repeats every 400 years.
    if case .calendar(let calendar) = expression.kind, calendar.years == nil, zone == .utc, start < 221_845_392_000 {
        precondition(!runs.isEmpty, "'\(expression.text)' never runs after \(start)")
    }
}
