// `vigil ps --json`: the snapshot for tools.
extension PsFormatter {
    /// The same data for tools: one object with `summary` and `processes` (see docs).
    static func json(_ snapshot: ProcessSnapshot) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256 + snapshot.processes.count * 320 + snapshot.text.count * 2)
        append("{\"version\":1,\"target\":", to: &out)
        if let target = snapshot.target {
            append("{\"host_pid\":", to: &out)
            appendSigned(Int64(target.hostPID), to: &out)
            append(",\"pid_namespace\":", to: &out)
            appendDecimal(target.inode, to: &out)
            put(UInt8(ascii: "}"), to: &out)
        } else {
            append("null", to: &out)
        }
        append(",\"summary\":", to: &out)
        appendSummary(snapshot, to: &out)
        append(",\"processes\":[", to: &out)
        for (position, record) in snapshot.processes.enumerated() {
            if position > 0 { put(UInt8(ascii: ","), to: &out) }
            append("\n", to: &out)
            appendProcess(record, snapshot, to: &out)
        }
        append("\n]}\n", to: &out)
        return out
    }

    private static func appendSummary(_ snapshot: ProcessSnapshot, to out: inout [UInt8]) {
        let summary = Summary(snapshot)
        append("{\"processes\":", to: &out)
        appendDecimal(summary.processes, to: &out)
        append(",\"zombies\":", to: &out)
        appendDecimal(summary.zombies, to: &out)
        append(",\"pids\":", to: &out)
        if let pids = summary.pids {
            append("{\"current\":", to: &out)
            appendDecimal(pids.current, to: &out)
            append(",\"max\":", to: &out)
            switch pids.limit {
            case .unlimited: append("null", to: &out)
            case .limit(let limit): appendDecimal(limit, to: &out)
            }
            append(",\"cgroup\":", to: &out)
            JSONText.appendString(pids.cgroup, to: &out)
            append(",\"cgroup_version\":", to: &out)
            appendSigned(Int64(pids.version), to: &out)
            put(UInt8(ascii: "}"), to: &out)
        } else {
            append("null", to: &out)
        }
        append(",\"pid_max\":", to: &out)
        if let pidMax = summary.pidMax { appendDecimal(pidMax, to: &out) } else { append("null", to: &out) }
        append(",\"uptime_seconds\":", to: &out)
        appendHundredths(snapshot.uptimeHundredths, to: &out)
        append(",\"clock_ticks\":", to: &out)
        appendDecimal(snapshot.clockTicks, to: &out)
        put(UInt8(ascii: "}"), to: &out)
    }

    private static func appendProcess(_ record: ProcessRecord, _ snapshot: ProcessSnapshot, to out: inout [UInt8]) {
        append("{\"pid\":", to: &out)
        appendSigned(Int64(record.pid), to: &out)
        append(",\"host_pid\":", to: &out)
        appendSigned(Int64(record.hostPID), to: &out)
        append(",\"ppid\":", to: &out)
        appendSigned(Int64(record.parent), to: &out)
        append(",\"pgrp\":", to: &out)
        appendSigned(Int64(record.processGroup), to: &out)
        append(",\"session\":", to: &out)
        appendSigned(Int64(record.session), to: &out)
        append(",\"state\":", to: &out)
        JSONText.appendString([record.state], to: &out)
        append(",\"zombie\":", to: &out)
        append(record.isZombie ? "true" : "false", to: &out)
        append(",\"reparented\":", to: &out)
        append(snapshot.isReparented(record) ? "true" : "false", to: &out)
        append(",\"uid\":", to: &out)
        if let uid = record.uid { appendDecimal(UInt64(uid), to: &out) } else { append("null", to: &out) }
        append(",\"gid\":", to: &out)
        if let gid = record.gid { appendDecimal(UInt64(gid), to: &out) } else { append("null", to: &out) }
        append(",\"user\":", to: &out)
        if let uid = record.uid, let name = snapshot.userName(uid) {
            JSONText.appendString(name, to: &out)
        } else {
            append("null", to: &out)
        }
        append(",\"rss_kib\":", to: &out)
        appendDecimal(record.residentKiB, to: &out)
        append(",\"cpu_seconds\":", to: &out)
        appendHundredths(snapshot.cpuHundredths(record), to: &out)
        append(",\"age_seconds\":", to: &out)
        appendHundredths(snapshot.ageHundredths(record), to: &out)
        append(",\"threads\":", to: &out)
        appendSigned(record.threads, to: &out)
        append(",\"name\":", to: &out)
        JSONText.appendString(snapshot.name(of: record), to: &out)
        append(",\"argv\":[", to: &out)
        for (number, argument) in snapshot.arguments(of: record).enumerated() {
            if number > 0 { put(UInt8(ascii: ","), to: &out) }
            JSONText.appendString(argument, to: &out)
        }
        append("],\"argv_truncated\":", to: &out)
        append(record.commandLineTruncated ? "true" : "false", to: &out)
        append(",\"command\":", to: &out)
        var command: [UInt8] = []
        appendRawCommand(record, snapshot, to: &command)
        JSONText.appendString(command, to: &out)
        put(UInt8(ascii: "}"), to: &out)
    }
}
