/// Renders a `ProcessSnapshot` as `vigil ps` prints it: a summary line, then one row per
/// process (flat, or as a tree), or the same data as JSON. Pure: bytes in, bytes out.
///
/// The text table is here; the tree order, the JSON and the byte helpers are in `PsFormatter+Tree`,
/// `+JSON` and `+Bytes`.
enum PsFormatter {
    // MARK: Text

    /// The table, preceded by the summary line (and, with `--target`, the namespace line).
    static func text(_ snapshot: ProcessSnapshot, tree: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128 + snapshot.processes.count * 96 + snapshot.text.count)
        if let target = snapshot.target {
            append("PID namespace pid:[", to: &out)
            appendDecimal(target.inode, to: &out)
            append("] of host PID ", to: &out)
            appendSigned(Int64(target.hostPID), to: &out)
            append("; PIDs as that namespace sees them\n", to: &out)
        }
        summary(snapshot, to: &out)
        let widths = columnWidths(snapshot)
        appendHeader(widths, withHost: snapshot.target != nil, to: &out)
        let order = tree ? treeOrder(snapshot) : snapshot.processes.indices.map { (index: $0, prefix: [UInt8]()) }
        for (index, prefix) in order {
            appendRow(snapshot.processes[index], snapshot, widths, prefix: prefix, tree: tree, to: &out)
        }
        return out
    }

    struct Widths {
        var pid = 3, host = 7, parent = 4, user = 4, rss = 3, time = 4, age = 7
    }

    /// The widest cell of each column, header included.
    static func columnWidths(_ snapshot: ProcessSnapshot) -> Widths {
        var widths = Widths()
        var scratch: [UInt8] = []
        for record in snapshot.processes {
            widths.pid = max(widths.pid, signedWidth(Int64(record.pid)))
            widths.host = max(widths.host, signedWidth(Int64(record.hostPID)))
            widths.parent = max(widths.parent, signedWidth(Int64(record.parent)))
            clear(&scratch)
            appendUser(record, snapshot, to: &scratch)
            widths.user = max(widths.user, TerminalText.width(scratch))
            widths.rss = max(widths.rss, decimalWidth(record.residentKiB))
            clear(&scratch)
            appendCPUTime(snapshot.cpuHundredths(record), to: &scratch)
            widths.time = max(widths.time, scratch.count)
            clear(&scratch)
            appendElapsed(snapshot.ageHundredths(record), to: &scratch)
            widths.age = max(widths.age, scratch.count)
        }
        return widths
    }

    static func appendHeader(_ widths: Widths, withHost: Bool, to out: inout [UInt8]) {
        pad("PID", widths.pid, right: true, to: &out)
        if withHost {
            put(0x20, to: &out)
            pad("HOSTPID", widths.host, right: true, to: &out)
        }
        put(0x20, to: &out)
        pad("PPID", widths.parent, right: true, to: &out)
        append(" S ", to: &out)
        pad("USER", widths.user, right: false, to: &out)
        put(0x20, to: &out)
        pad("RSS", widths.rss, right: true, to: &out)
        put(0x20, to: &out)
        pad("TIME", widths.time, right: true, to: &out)
        put(0x20, to: &out)
        pad("ELAPSED", widths.age, right: true, to: &out)
        append(" COMMAND\n", to: &out)
    }

    static func appendRow(
        _ record: ProcessRecord, _ snapshot: ProcessSnapshot, _ widths: Widths, prefix: [UInt8], tree: Bool,
        to out: inout [UInt8]
    ) {
        var scratch: [UInt8] = []
        padSigned(Int64(record.pid), widths.pid, to: &out)
        if snapshot.target != nil {
            put(0x20, to: &out)
            padSigned(Int64(record.hostPID), widths.host, to: &out)
        }
        put(0x20, to: &out)
        padSigned(Int64(record.parent), widths.parent, to: &out)
        put(0x20, to: &out)
        TerminalText.append([record.state], to: &out)
        put(0x20, to: &out)
        appendUser(record, snapshot, to: &scratch)
        TerminalText.append(scratch, to: &out)
        spaces(widths.user - TerminalText.width(scratch), to: &out)
        put(0x20, to: &out)
        padDecimal(record.residentKiB, widths.rss, to: &out)
        put(0x20, to: &out)
        clear(&scratch)
        appendCPUTime(snapshot.cpuHundredths(record), to: &scratch)
        spaces(widths.time - scratch.count, to: &out)
        out.append(contentsOf: scratch)
        put(0x20, to: &out)
        clear(&scratch)
        appendElapsed(snapshot.ageHundredths(record), to: &scratch)
        spaces(widths.age - scratch.count, to: &out)
        out.append(contentsOf: scratch)
        put(0x20, to: &out)
        out.append(contentsOf: prefix)
        appendCommand(record, snapshot, to: &out)
        if tree, snapshot.isReparented(record) {
            append(" <re-parented, group ", to: &out)
            appendSigned(Int64(record.processGroup), to: &out)
            put(UInt8(ascii: ">"), to: &out)
        }
        put(0x0A, to: &out)
    }

    /// What the summary says, for the text and the JSON alike.
    struct Summary {
        let processes: UInt64
        let zombies: UInt64
        let pids: PidsUsage?
        let pidMax: UInt64?

        init(_ snapshot: ProcessSnapshot) {
            processes = UInt64(snapshot.processes.count)
            zombies = UInt64(snapshot.zombieCount)
            pids = snapshot.pids
            pidMax = snapshot.pidMax
        }

        /// PID use in percent of the limit (100 for a limit of 0); nil without a limit.
        var percent: UInt64? {
            guard let pids, case .limit(let limit) = pids.limit else { return nil }
            return limit == 0 ? 100 : pids.current.multipliedReportingOverflow(by: 100).partialValue / limit
        }
    }

    /// `processes: 6  zombies: 1  pids: 7 of 100 (7%, cgroup v1 /ps)  pid_max: 32768`
    static func summary(_ snapshot: ProcessSnapshot, to out: inout [UInt8]) {
        let summary = Summary(snapshot)
        append("processes: ", to: &out)
        appendDecimal(summary.processes, to: &out)
        append("  zombies: ", to: &out)
        appendDecimal(summary.zombies, to: &out)
        append("  pids: ", to: &out)
        if let pids = summary.pids {
            appendDecimal(pids.current, to: &out)
            append(" of ", to: &out)
            if case .limit(let limit) = pids.limit, let percent = summary.percent {
                appendDecimal(limit, to: &out)
                append(" (", to: &out)
                appendDecimal(percent, to: &out)
                append("%, ", to: &out)
            } else {
                append("max (no limit, ", to: &out)
            }
            append("cgroup v", to: &out)
            appendSigned(Int64(pids.version), to: &out)
            put(0x20, to: &out)
            TerminalText.append(pids.cgroup, to: &out)
            put(UInt8(ascii: ")"), to: &out)
        } else {
            append("unknown (no pids cgroup found)", to: &out)
        }
        append("  pid_max: ", to: &out)
        if let pidMax = summary.pidMax {
            appendDecimal(pidMax, to: &out)
        } else {
            append("unknown", to: &out)
        }
        put(0x0A, to: &out)
    }

    static func appendUser(_ record: ProcessRecord, _ snapshot: ProcessSnapshot, to out: inout [UInt8]) {
        guard let uid = record.uid else {
            put(UInt8(ascii: "?"), to: &out)
            return
        }
        if let name = snapshot.userName(uid) {
            out.append(contentsOf: name)
        } else {
            appendDecimal(UInt64(uid), to: &out)
        }
    }

    /// The command line, arguments joined by spaces; `[name]` when it is empty (kernel
    /// threads, zombies), and `[name] <defunct>` for zombies, as ps shows them. Escaped, and
    /// `...` when it was cut.
    static func appendCommand(_ record: ProcessRecord, _ snapshot: ProcessSnapshot, to out: inout [UInt8]) {
        var command: [UInt8] = []
        appendRawCommand(record, snapshot, to: &command)
        TerminalText.append(command, to: &out)
        if record.commandLineTruncated && !record.isZombie && !snapshot.commandLine(of: record).isEmpty {
            append("...", to: &out)
        }
    }

    /// The command as `appendCommand` shows it, before escaping (arguments never hold NUL).
    static func appendRawCommand(_ record: ProcessRecord, _ snapshot: ProcessSnapshot, to out: inout [UInt8]) {
        let line = snapshot.commandLine(of: record)
        if record.isZombie || line.isEmpty {
            put(UInt8(ascii: "["), to: &out)
            out.append(contentsOf: snapshot.name(of: record))
            put(UInt8(ascii: "]"), to: &out)
            if record.isZombie { append(" <defunct>", to: &out) }
            return
        }
        for byte in line { out.append(byte == 0 ? 0x20 : byte) }
    }

    /// ps's TIME: `[DD-]HH:MM:SS`.
    static func appendCPUTime(_ hundredths: UInt64, to out: inout [UInt8]) {
        let seconds = hundredths / 100
        let days = seconds / 86400
        if days > 0 {
            appendDecimal(days, to: &out)
            put(UInt8(ascii: "-"), to: &out)
        }
        appendTwoDigits(seconds / 3600 % 24, to: &out)
        put(UInt8(ascii: ":"), to: &out)
        appendTwoDigits(seconds / 60 % 60, to: &out)
        put(UInt8(ascii: ":"), to: &out)
        appendTwoDigits(seconds % 60, to: &out)
    }

    /// ps's ELAPSED: `[[DD-]HH:]MM:SS`.
    static func appendElapsed(_ hundredths: UInt64, to out: inout [UInt8]) {
        let seconds = hundredths / 100
        let days = seconds / 86400
        let hours = seconds / 3600 % 24
        if days > 0 {
            appendDecimal(days, to: &out)
            put(UInt8(ascii: "-"), to: &out)
        }
        if days > 0 || hours > 0 {
            appendTwoDigits(hours, to: &out)
            put(UInt8(ascii: ":"), to: &out)
        }
        appendTwoDigits(seconds / 60 % 60, to: &out)
        put(UInt8(ascii: ":"), to: &out)
        appendTwoDigits(seconds % 60, to: &out)
    }
}
