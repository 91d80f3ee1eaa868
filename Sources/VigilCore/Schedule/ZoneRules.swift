/// A time zone as vigil needs it for schedules: the UTC offset in effect at any instant, where
/// it changes, and which instants a local time names. Built from a TZif file (`TZif.parse`)
/// or a POSIX TZ string (`PosixZoneRule.parse`); `utc` needs neither.
///
/// The offset at instant t: before the first transition, `initialOffset`; from transition i
/// on, `offsets[i]`; from the last transition on (or everywhere when there are none), the
/// rule, when there is one (a TZif file's footer).
struct ZoneRules: Equatable {
    /// Ascending instants (UNIX seconds) at which a new offset takes effect.
    private(set) var transitions: [Int64] = []
    /// Seconds east of UTC from each transition on.
    private(set) var offsets: [Int32] = []
    var initialOffset: Int32 = 0
    var rule: PosixZoneRule? = nil

    static let utc = ZoneRules()

    /// Transitions that keep the offset (a new abbreviation, say) are dropped: only changes
    /// matter here, and each lookup then takes one binary search.
    init(transitions: [Int64] = [], offsets: [Int32] = [], initialOffset: Int32 = 0, rule: PosixZoneRule? = nil) {
        precondition(transitions.count == offsets.count)
        var previous = initialOffset
        for (time, offset) in zip(transitions, offsets) where offset != previous {
            self.transitions.append(time)
            self.offsets.append(offset)
            previous = offset
        }
        self.initialOffset = initialOffset
        self.rule = rule
        ruleStart = transitions.last
    }

    /// From here on the rule, if any, gives the offset: the table's last transition.
    private var ruleStart: Int64? = nil

    /// Seconds east of UTC at `instant`.
    func offset(at instant: Int64) -> Int32 {
        if let rule, ruleStart.map({ instant >= $0 }) ?? true { return rule.offset(at: instant) }
        guard let index = lastTransitionIndex(atOrBefore: instant) else { return initialOffset }
        return offsets[index]
    }

    /// The first instant after `instant` at which the offset differs from the second before.
    func nextChange(after instant: Int64) -> Int64? {
        var index = (lastTransitionIndex(atOrBefore: instant) ?? -1) + 1
        while index < transitions.count {
            let candidate = transitions[index]
            if offset(at: candidate) != offset(at: candidate - 1) { return candidate }
            index += 1
        }
        guard let rule else { return nil }
        if let start = ruleStart, instant < start, offset(at: start) != offset(at: start - 1) { return start }
        return rule.nextChange(after: max(instant, ruleStart ?? Int64.min / 4))
    }

    /// The last instant at or before `instant` at which the offset differs from the second
    /// before, or nil when it never changed.
    func lastChange(atOrBefore instant: Int64) -> Int64? {
        if let rule, let change = rule.lastChange(atOrBefore: instant),
           ruleStart.map({ change > $0 }) ?? true {
            return change
        }
        if rule != nil, let start = ruleStart, start <= instant, offset(at: start) != offset(at: start - 1) { return start }
        var index = lastTransitionIndex(atOrBefore: instant) ?? -1
        while index >= 0 {
            let candidate = transitions[index]
            if offset(at: candidate) != offset(at: candidate - 1) { return candidate }
            index -= 1
        }
        return nil
    }

    /// What a local time (seconds of the local clock since 1970-01-01T00:00:00) names.
    enum LocalTime: Equatable {
        case unique(Int64)
        /// It happens twice, when the clocks go back: the earlier instant first.
        case repeated(Int64, Int64)
        /// The clocks skip it; the instant is the change that skips it.
        case skipped(change: Int64)
    }

    /// Local time to UTC. Offsets stay within a day, so the instants lie within a day of
    /// `local` read as UTC; the offset intervals there are examined one by one.
    func instants(ofLocal local: Int64) -> LocalTime {
        var found: [Int64] = []
        var start = local - 2 * 86_400
        let stop = local + 2 * 86_400
        var skippedBy: Int64? = nil
        while start < stop {
            let offset = Int64(offset(at: start))
            let end = nextChange(after: start) ?? Int64.max
            let candidate = local - offset
            if candidate >= start && candidate < end { found.append(candidate) }
            if end < stop, skippedBy == nil {
                let after = Int64(self.offset(at: end))
                if after > offset && local >= end + offset && local < end + after { skippedBy = end }
            }
            start = end
        }
        if found.count >= 2 { return .repeated(found[0], found[1]) }
        if let only = found.first { return .unique(only) }
        return .skipped(change: skippedBy ?? local - Int64(offset(at: local)))
    }

    private func lastTransitionIndex(atOrBefore instant: Int64) -> Int? {
        var low = 0
        var high = transitions.count
        while low < high {
            let middle = (low + high) / 2
            if transitions[middle] <= instant { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? nil : low - 1
    }
}
