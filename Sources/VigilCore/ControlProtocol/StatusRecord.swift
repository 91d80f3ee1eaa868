/// What `vigil status` shows, as it travels over the control channel: the body of a status
/// reply. One encoder (`lines`, used by vigil) and one decoder (`init(lines:)`, used by the
/// client), so that the two sides cannot read the fields in different places.
///
///     phase PHASE pid PID
///     process NAME KIND STATE PID RESTARTS LAST-EXIT UPTIME-MS [AFTER LIVE LIVE-FAILURES
///             [NEXT-RUN LAST-RUN SKIPPED]]
///
/// "-" stands for a field with nothing to say; the optional groups are left off when none
/// has anything to say (no declared dependencies, no liveness check; not a scheduled task).
/// AFTER is the declared dependencies, `NAME:CONDITION` separated by commas, or `,` for none.
/// NEXT-RUN and LAST-RUN are UNIX seconds of the wall clock. A decoder reads the fields it
/// knows and ignores any that a later vigil appends.
struct StatusRecord: Equatable {
    struct Process: Equatable {
        var name: String
        /// `main`, `init` or `sidecar`.
        var kind: String
        /// `starting`, `ready`, `running`, `backing-off`, `stopping`, `exited`, `failed`,
        /// `stopped`, `waiting`.
        var state: String
        var pid: Int32? = nil
        var restarts = 0
        var lastExit: Int32? = nil
        var uptimeMilliseconds: Int64? = nil
        /// Its declared dependencies (`db:ready`, `migrate:done`); nil: the start order decides.
        var after: [String]? = nil
        /// Its liveness check's result (`pending`, `ok`, `failing`); nil: it has none.
        var live: String? = nil
        /// Failed liveness checks in a row.
        var liveFailures = 0
        /// A scheduled task's next and last run (UNIX seconds) and runs skipped; `skipped` is
        /// nil for other kinds.
        var nextRun: Int64? = nil
        var lastRun: Int64? = nil
        var skipped: Int? = nil
    }

    /// vigil's own phase: `starting`, `running`, `paused`, `stopping`, `exited`.
    var phase: String
    var pid: Int32
    var processes: [Process] = []

    var lines: [String] {
        var lines = ["phase " + phase + " pid " + decimal(pid)]
        for process in processes {
            var words = ["process", process.name, process.kind, process.state]
            words += [optional(process.pid.map { Int64($0) }), decimal(process.restarts)]
            words += [optional(process.lastExit.map { Int64($0) }), optional(process.uptimeMilliseconds)]
            if process.after != nil || process.live != nil || process.skipped != nil {
                let after = process.after.map { $0.isEmpty ? "," : $0.joined(separator: ",") } ?? "-"
                words += [after, process.live ?? "-", decimal(process.liveFailures)]
            }
            if let skipped = process.skipped {
                words += [optional(process.nextRun), optional(process.lastRun), decimal(skipped)]
            }
            lines.append(words.joined(separator: " "))
        }
        return lines
    }

    /// Reads a status reply's body; nil when it has no phase line.
    init?(lines: [String]) {
        var phase: (String, Int32)? = nil
        var processes: [Process] = []
        for line in lines {
            let words = ByteFields.fields(Array(line.utf8)[...], separator: UInt8(ascii: " "))
            if words.count >= 4, ASCII.equals(words[0], "phase"), let pid = StatusRecord.number(words[3]),
               pid <= Int64(Int32.max) {
                phase = (StatusRecord.text(words[1]), Int32(pid))
            } else if words.count >= 8, ASCII.equals(words[0], "process") {
                var process = Process(
                    name: StatusRecord.text(words[1]), kind: StatusRecord.text(words[2]), state: StatusRecord.text(words[3]),
                    pid: StatusRecord.number(words[4]).flatMap { $0 <= Int64(Int32.max) ? Int32($0) : nil },
                    restarts: Int(StatusRecord.number(words[5]) ?? 0),
                    lastExit: StatusRecord.number(words[6]).flatMap { $0 <= 255 + 128 ? Int32($0) : nil },
                    uptimeMilliseconds: StatusRecord.number(words[7]))
                if words.count >= 11 { StatusRecord.readLiveness(words[8...10], into: &process) }
                if words.count >= 14 {
                    process.nextRun = StatusRecord.number(words[11])
                    process.lastRun = StatusRecord.number(words[12])
                    process.skipped = Int(min(StatusRecord.number(words[13]) ?? 0, Int64(Int32.max)))
                }
                processes.append(process)
            }
        }
        guard let (name, pid) = phase else { return nil }
        self.init(phase: name, pid: pid, processes: processes)
    }

    init(phase: String, pid: Int32, processes: [Process] = []) {
        self.phase = phase
        self.pid = pid
        self.processes = processes
    }

    /// A decimal of up to 18 digits: an uptime passes `ASCII.parseInteger`'s bound of 10^9
    /// after 11 days. Nil for "-" or anything else.
    private static func number(_ word: ArraySlice<UInt8>) -> Int64? {
        guard !word.isEmpty, word.count <= 18 else { return nil }
        var value: Int64 = 0
        for byte in word {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            value = value * 10 + Int64(byte - 0x30)
        }
        return value
    }

    /// AFTER LIVE LIVE-FAILURES.
    private static func readLiveness(_ words: ArraySlice<ArraySlice<UInt8>>, into process: inout Process) {
        let after = words[words.startIndex]
        if ASCII.equals(after, ",") {
            process.after = []
        } else if !ASCII.equals(after, "-") {
            process.after = ByteFields.fields(after, separator: UInt8(ascii: ",")).map { text($0) }
        }
        let live = words[words.startIndex + 1]
        if !ASCII.equals(live, "-") { process.live = text(live) }
        process.liveFailures = Int(min(number(words[words.startIndex + 2]) ?? 0, Int64(Int32.max)))
    }

    @inline(never)
    private static func text(_ word: ArraySlice<UInt8>) -> String { String(decoding: word, as: UTF8.self) }

    private func optional(_ value: Int64?) -> String { value.map { decimal($0) } ?? "-" }
}
