/// Renders a `ProcessSnapshot` as `vigil ps` prints it: a summary line, then one row per
/// process (flat, or as a tree), or the same data as JSON. Pure: bytes in, bytes out.
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

        let order = tree ? treeOrder(snapshot) : snapshot.processes.indices.map { (index: $0, prefix: [UInt8]()) }
        // Column widths: the widest cell of each column, header included.
        var scratch: [UInt8] = []
        var widths = (pid: 3, host: 7, parent: 4, user: 4, rss: 3, time: 4, age: 7)
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
        let withHost = snapshot.target != nil
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

        for (index, prefix) in order {
            let record = snapshot.processes[index]
            padSigned(Int64(record.pid), widths.pid, to: &out)
            if withHost {
                put(0x20, to: &out)
                padSigned(Int64(record.hostPID), widths.host, to: &out)
            }
            put(0x20, to: &out)
            padSigned(Int64(record.parent), widths.parent, to: &out)
            put(0x20, to: &out)
            TerminalText.append([record.state], to: &out)
            put(0x20, to: &out)
            clear(&scratch)
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
        return out
    }

    /// `processes: 6  zombies: 1  pids: 7 of 100 (7%, cgroup v1 /ps)  pid_max: 32768`
    static func summary(_ snapshot: ProcessSnapshot, to out: inout [UInt8]) {
        append("processes: ", to: &out)
        appendDecimal(UInt64(snapshot.processes.count), to: &out)
        append("  zombies: ", to: &out)
        appendDecimal(UInt64(snapshot.zombieCount), to: &out)
        append("  pids: ", to: &out)
        if let pids = snapshot.pids {
            appendDecimal(pids.current, to: &out)
            append(" of ", to: &out)
            switch pids.limit {
            case .unlimited:
                append("max (no limit, ", to: &out)
            case .limit(let limit):
                appendDecimal(limit, to: &out)
                append(" (", to: &out)
                appendDecimal(limit == 0 ? 100 : pids.current.multipliedReportingOverflow(by: 100).partialValue / limit, to: &out)
                append("%, ", to: &out)
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
        if let pidMax = snapshot.pidMax {
            appendDecimal(pidMax, to: &out)
        } else {
            append("unknown", to: &out)
        }
        put(0x0A, to: &out)
    }

    /// Rows in tree order, each with the prefix that draws its branch. Processes whose parent
    /// is not in the snapshot are roots. A malformed snapshot with a parent cycle still lists
    /// every process once.
    static let maximumIndent = 32

    static func treeOrder(_ snapshot: ProcessSnapshot) -> [(index: Int, prefix: [UInt8])] {
        let processes = snapshot.processes
        // Keys sorted by (parent, position): each process's children form one run, in PID order.
        var byParent = processes.indices.map { KeySort.key(processes[$0].parent, $0) }
        KeySort.sort(&byParent)
        func children(of pid: Int32) -> [Int] {
            var low = 0
            var high = byParent.count
            while low < high {
                let middle = (low + high) / 2
                if KeySort.major(byParent[middle]) < pid { low = middle + 1 } else { high = middle }
            }
            var kids: [Int] = []
            while low < byParent.count, KeySort.major(byParent[low]) == pid {
                kids.append(KeySort.minor(byParent[low]))
                low += 1
            }
            return kids
        }
        var result: [(index: Int, prefix: [UInt8])] = []
        result.reserveCapacity(processes.count)
        var visited = [Bool](repeating: false, count: processes.count)
        var lastFlags: [Bool] = []
        var stack: [(index: Int, depth: Int, last: Bool)] = []

        func walk(from root: Int) {
            stack.append((root, 0, true))
            while let (index, depth, last) = stack.popLast() {
                if visited[index] { continue }
                visited[index] = true
                if lastFlags.count > depth { lastFlags.removeLast(lastFlags.count - depth) }
                lastFlags.append(last)
                var prefix: [UInt8] = []
                if depth > 0 {
                    // Deeper than `maximumIndent`, only the nearest levels are drawn, after a
                    // "…": the output then grows linearly, not with the square of the depth.
                    let first = max(1, depth - maximumIndent + 1)
                    if first > 1 { append("…", to: &prefix) }
                    for level in first..<depth { append(lastFlags[level] ? "   " : "│  ", to: &prefix) }
                    append(last ? "└─ " : "├─ ", to: &prefix)
                }
                result.append((index, prefix))
                let pid = processes[index].pid
                let kids = children(of: pid).filter { $0 != index && !visited[$0] }
                for (position, child) in kids.enumerated().reversed() {
                    stack.append((child, depth + 1, position == kids.count - 1))
                }
            }
        }
        for index in processes.indices where !visited[index] {
            let parent = processes[index].parent
            if parent == processes[index].pid || snapshot.index(of: parent) == nil { walk(from: index) }
        }
        // Only a parent cycle leaves anything unvisited.
        for index in processes.indices where !visited[index] { walk(from: index) }
        return result
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
    /// threads, zombies), and `[name] <defunct>` for zombies, as ps shows them. Escaped.
    static func appendCommand(_ record: ProcessRecord, _ snapshot: ProcessSnapshot, to out: inout [UInt8]) {
        let line = snapshot.commandLine(of: record)
        if record.isZombie || line.isEmpty {
            put(UInt8(ascii: "["), to: &out)
            TerminalText.append(snapshot.name(of: record), to: &out)
            put(UInt8(ascii: "]"), to: &out)
            if record.isZombie { append(" <defunct>", to: &out) }
            return
        }
        var start = line.startIndex
        var index = start
        while index <= line.endIndex {
            if index == line.endIndex || line[index] == 0 {
                TerminalText.append(line[start..<index], to: &out)
                if index < line.endIndex { put(0x20, to: &out) }
                start = index + 1
            }
            index += 1
        }
        if record.commandLineTruncated { append("...", to: &out) }
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

    // MARK: JSON

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
        append(",\"summary\":{\"processes\":", to: &out)
        appendDecimal(UInt64(snapshot.processes.count), to: &out)
        append(",\"zombies\":", to: &out)
        appendDecimal(UInt64(snapshot.zombieCount), to: &out)
        append(",\"pids\":", to: &out)
        if let pids = snapshot.pids {
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
        if let pidMax = snapshot.pidMax { appendDecimal(pidMax, to: &out) } else { append("null", to: &out) }
        append(",\"uptime_seconds\":", to: &out)
        appendHundredths(snapshot.uptimeHundredths, to: &out)
        append(",\"clock_ticks\":", to: &out)
        appendDecimal(snapshot.clockTicks, to: &out)
        append("},\"processes\":[", to: &out)
        for (position, record) in snapshot.processes.enumerated() {
            if position > 0 { put(UInt8(ascii: ","), to: &out) }
            append("\n{\"pid\":", to: &out)
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
        append("\n]}\n", to: &out)
        return out
    }

    /// The command as the text view shows it, before escaping.
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

    // MARK: Bytes

    @inline(never)
    static func append(_ literal: String, to out: inout [UInt8]) {
        out.append(contentsOf: literal.utf8)
    }

    static func appendDecimal(_ value: UInt64, to out: inout [UInt8]) {
        if value == 0 {
            put(0x30, to: &out)
            return
        }
        let start = out.count
        var value = value
        while value > 0 {
            out.append(0x30 + UInt8(value % 10))
            value /= 10
        }
        out[start...].reverse()
    }

    static func appendSigned(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 { put(UInt8(ascii: "-"), to: &out) }
        appendDecimal(value.magnitude, to: &out)
    }

    static func appendHundredths(_ value: UInt64, to out: inout [UInt8]) {
        appendDecimal(value / 100, to: &out)
        put(UInt8(ascii: "."), to: &out)
        appendTwoDigits(value % 100, to: &out)
    }

    static func appendTwoDigits(_ value: UInt64, to out: inout [UInt8]) {
        out.append(0x30 + UInt8(value / 10 % 10))
        out.append(0x30 + UInt8(value % 10))
    }

    static func decimalWidth(_ value: UInt64) -> Int {
        var width = 1
        var value = value
        while value >= 10 {
            value /= 10
            width += 1
        }
        return width
    }

    @inline(never)
    static func clear(_ bytes: inout [UInt8]) { bytes.removeAll(keepingCapacity: true) }

    @inline(never)
    static func put(_ byte: UInt8, to out: inout [UInt8]) { out.append(byte) }

    @inline(never)
    static func spaces(_ count: Int, to out: inout [UInt8]) {
        if count > 0 { out.append(contentsOf: repeatElement(0x20, count: count)) }
    }

    static func pad(_ literal: String, _ width: Int, right: Bool, to out: inout [UInt8]) {
        let count = literal.utf8.count
        if right { spaces(width - count, to: &out) }
        append(literal, to: &out)
        if !right { spaces(width - count, to: &out) }
    }

    static func signedWidth(_ value: Int64) -> Int { (value < 0 ? 1 : 0) + decimalWidth(value.magnitude) }

    static func padSigned(_ value: Int64, _ width: Int, to out: inout [UInt8]) {
        spaces(width - signedWidth(value), to: &out)
        appendSigned(value, to: &out)
    }

    static func padDecimal(_ value: UInt64, _ width: Int, to out: inout [UInt8]) {
        spaces(width - decimalWidth(value), to: &out)
        appendDecimal(value, to: &out)
    }
}
