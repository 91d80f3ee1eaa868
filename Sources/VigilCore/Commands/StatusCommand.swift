/// `vigil status`: the supervised processes of the running vigil.
enum StatusCommand {
    static let help = """
        Usage: vigil status [--json]

        Shows the processes the running vigil supervises (asked through its control channel):
        name, kind, state (waiting, starting, ready, running, backing-off, stopping, exited,
        failed, stopped; a task: scheduled, running), PID, restarts, last exit status and
        uptime, and vigil's own phase; declared dependencies (AFTER), the liveness check's
        result (LIVE: pending, ok, or failing:N for N failures in a row), and a scheduled
        task's next run, last run and runs skipped (NEXT, LAST, SKIPPED) when a process has
        them. --json: the same as one JSON object (runs as UNIX seconds).

        Exit status: 0 shown; 1 the running vigil could not be reached; 2 usage error.

        """

    static func run(_ arguments: [String]) -> Int32 {
        var json = false
        for argument in arguments {
            if ASCII.equals(argument, "-h") || ASCII.equals(argument, "--help") { return Output.write(help, to: 1) ? 0 : 1 }
            guard ASCII.equals(argument, "--json") else {
                return fail("status", UsageError("unexpected argument '\(argument)'"), code: 2)
            }
            json = true
        }
        switch ControlClient.ask(.status) {
        case .failure(let failure): return fail("status", failure.error, code: 1)
        case .success(let reply):
            if let error = reply.error { return fail("status", UsageError("\(error)"), code: 1) }
            if json {
                guard let record = StatusRecord(lines: reply.lines) else {
                    return fail("status", UsageError("the running vigil sent no status"), code: 1)
                }
                return Output.write(StatusCommand.json(record), to: 1) ? 0 : 1
            }
            return Output.write(table(reply.lines), to: 1) ? 0 : 1
        }
    }

    /// The reply's status record as a table.
    static func table(_ lines: [String]) -> String {
        var rows: [[String]] = [["NAME", "KIND", "STATE", "PID", "RESTARTS", "LAST-EXIT", "UPTIME"]]
        var head = ""
        if let record = StatusRecord(lines: lines) {
            head = "vigil: " + record.phase + " (pid " + decimal(record.pid) + ")\n"
            // AFTER and LIVE only when some process has them: the common table stays narrow.
            let showsAfter = record.processes.contains { $0.after != nil }
            let showsLive = record.processes.contains { $0.live != nil }
            let showsTasks = record.processes.contains { $0.skipped != nil }
            let now = Clock.wallNow() / Durations.second
            if showsAfter { rows[0].append("AFTER") }
            if showsLive { rows[0].append("LIVE") }
            if showsTasks { rows[0] += ["NEXT", "LAST", "SKIPPED"] }
            for process in record.processes {
                var row = [process.name, process.kind, process.state, dash(process.pid.map { Int64($0) }),
                           decimal(process.restarts), dash(process.lastExit.map { Int64($0) }),
                           process.uptimeMilliseconds.map { human($0 * Durations.millisecond) } ?? "-"]
                if showsAfter { row.append(process.after.map { $0.isEmpty ? "none" : $0.joined(separator: ",") } ?? "-") }
                if showsLive { row.append(liveText(process)) }
                if showsTasks {
                    row.append(process.nextRun.map { "in " + human(max(0, $0 - now) * Durations.second) } ?? "-")
                    row.append(process.lastRun.map { human(max(0, now - $0) * Durations.second) + " ago" } ?? "-")
                    row.append(process.skipped.map { decimal($0) } ?? "-")
                }
                rows.append(row)
            }
        }
        var widths = [Int](repeating: 0, count: rows[0].count)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.utf8.count) } }
        var text = head
        for row in rows {
            var line = ""
            for (index, cell) in row.enumerated() {
                line += cell
                if index < row.count - 1 { line += String(repeating: " ", count: widths[index] - cell.utf8.count + 2) }
            }
            text += line + "\n"
        }
        return text
    }

    private static func dash(_ value: Int64?) -> String { value.map { decimal($0) } ?? "-" }

    /// `ok`, `pending`, `failing:2`, or `-` for no liveness check.
    private static func liveText(_ process: StatusRecord.Process) -> String {
        guard let live = process.live else { return "-" }
        return ASCII.equals(live, "failing") ? live + ":" + decimal(process.liveFailures) : live
    }

    /// 45s, 3m12s, 2h05m, 3d04h.
    static func human(_ nanoseconds: Int64) -> String {
        let seconds = nanoseconds / Durations.second
        if seconds < 60 { return decimal(seconds) + "s" }
        if seconds < 3600 { return decimal(seconds / 60) + "m" + two(seconds % 60) + "s" }
        if seconds < 86400 { return decimal(seconds / 3600) + "h" + two(seconds % 3600 / 60) + "m" }
        return decimal(seconds / 86400) + "d" + two(seconds % 86400 / 3600) + "h"
    }

    private static func two(_ value: Int64) -> String { (value < 10 ? "0" : "") + decimal(value) }
}

