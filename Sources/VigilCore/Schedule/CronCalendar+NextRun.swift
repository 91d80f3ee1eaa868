/// The next run of a calendar expression in a zone, daylight-saving changes included.
///
/// cron(8) as Debian documents it: "If the time has moved forwards, those jobs which would
/// have run in the time that was skipped will be run soon after the change. Conversely, if
/// the time has moved backwards by less than 3 hours, those jobs that fall into the repeated
/// time will not be re-run. Only jobs that run at a particular time (not specified as @hourly,
/// nor with '*' in the hour or minute specifier) are affected. Jobs which are specified with
/// wildcards are run based on the new time immediately." vigil computes instants rather than
/// polling each minute, and so does exactly this:
///
/// - A task at a particular time (no `*` leading its second, minute or hour field):
///   - a local time the change skips (02:30 when clocks go from 02:00 to 03:00) runs at the
///     instant of the change (03:00 new time). Several skipped times make one run there, and
///     so does a skipped time together with a run due at that very instant;
///   - a local time that happens twice (02:30 when clocks go back from 03:00 to 02:00) runs
///     the first time only. Started inside the repeated hour, after that first time, vigil
///     does not run it again at the second.
/// - A task that follows the clock (`*` leads its second, minute or hour field, or
///   `@hourly`) runs at every instant whose local time matches: not in a skipped hour, and
///   in both passes of a repeated hour (`*/15 * * * *` keeps running every 15 minutes).
/// - `@every` counts elapsed time and is not affected at all.
///
/// Where croniter (7.0) differs: it runs a task at a particular time twice in a repeated hour
/// (02:30 in both offsets), and a task with a `*` minute but a fixed hour (`*/15 2 * * *`)
/// once at the change instead of not at all. vigil keeps cron's rule. Unlike cron, vigil
/// applies the rule to any change of offset, of any size (a zone skipping a whole day runs
/// that day's tasks at the change).
extension CronCalendar {
    func nextRun(after instant: Int64, in zone: ZoneRules) -> Int64? {
        guard instant < CivilTime.latest else { return nil }
        var from = max(instant, CivilTime.earliest - 1)
        // More than two UTC offsets apart: local times stay this close to the instant's.
        let slack: Int64 = 3 * 86_400
        // The first local match at or after a point no later than the current local time:
        // offset intervals before it are passed without a search, and none means no run.
        guard var horizon = firstMatch(atOrAfter: from + 1 - slack, before: Int64.max) else { return nil }
        // One offset interval of the zone per turn: at most two changes a year.
        for _ in 0..<100_000 {
            let now = from + 1
            let offset = Int64(zone.offset(at: now))
            var local = now + offset
            if horizon < local - slack {
                guard let next = firstMatch(atOrAfter: local - slack, before: Int64.max) else { return nil }
                horizon = next
            }
            if let start = zone.lastChange(atOrBefore: now) {
                let before = Int64(zone.offset(at: start - 1))
                if !followsClock && before < offset && now == start,
                   firstMatch(atOrAfter: start + before, before: start + offset) != nil {
                    return start  // a time the change skipped runs at the change
                }
                if !followsClock && before > offset {
                    local = max(local, start + before)  // the repeated times ran already
                }
            }
            let end = zone.nextChange(after: now)
            let limit = end.map { $0 + offset } ?? Int64.max
            if horizon < limit, let match = firstMatch(atOrAfter: local, before: limit) { return match - offset }
            guard let end else { return nil }
            from = end - 1
        }
        return nil
    }
}
