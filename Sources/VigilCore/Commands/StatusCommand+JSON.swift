/// `vigil status --json`: the status record as one JSON object, for tools.
///
///     {"version":1,"phase":"running","pid":1,"processes":[
///     {"name":"db","kind":"sidecar","state":"ready","pid":8,"restarts":0,"last_exit":null,
///      "uptime_ms":1234,"after":["migrate:done"],"live":"ok","live_failures":0}]}
///
/// `after` is null when the start order decides; `live` is null without a liveness check;
/// a scheduled task has `next_run` and `last_run` (UNIX seconds, or null) and `skipped` too.
extension StatusCommand {
    static func json(_ record: StatusRecord) -> [UInt8] {
        var out = Array("{\"version\":1,\"phase\":".utf8)
        JSONText.appendString(Array(record.phase.utf8), to: &out)
        out += Array(",\"pid\":".utf8) + Array(decimal(record.pid).utf8) + Array(",\"processes\":[".utf8)
        for (position, process) in record.processes.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            out += Array("\n{\"name\":".utf8)
            JSONText.appendString(Array(process.name.utf8), to: &out)
            field("kind", string: process.kind, to: &out)
            field("state", string: process.state, to: &out)
            field("pid", number: process.pid.map { Int64($0) }, to: &out)
            field("restarts", number: Int64(process.restarts), to: &out)
            field("last_exit", number: process.lastExit.map { Int64($0) }, to: &out)
            field("uptime_ms", number: process.uptimeMilliseconds, to: &out)
            out += Array(",\"after\":".utf8)
            if let after = process.after {
                out.append(UInt8(ascii: "["))
                for (index, entry) in after.enumerated() {
                    if index > 0 { out.append(UInt8(ascii: ",")) }
                    JSONText.appendString(Array(entry.utf8), to: &out)
                }
                out.append(UInt8(ascii: "]"))
            } else {
                out += Array("null".utf8)
            }
            field("live", string: process.live, to: &out)
            field("live_failures", number: Int64(process.liveFailures), to: &out)
            if let skipped = process.skipped {
                field("next_run", number: process.nextRun, to: &out)
                field("last_run", number: process.lastRun, to: &out)
                field("skipped", number: Int64(skipped), to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
        out += Array("\n]}\n".utf8)
        return out
    }

    private static func field(_ name: String, string: String?, to out: inout [UInt8]) {
        out += Array((",\"" + name + "\":").utf8)
        if let string { JSONText.appendString(Array(string.utf8), to: &out) } else { out += Array("null".utf8) }
    }

    private static func field(_ name: String, number: Int64?, to out: inout [UInt8]) {
        out += Array((",\"" + name + "\":" + (number.map { decimal($0) } ?? "null")).utf8)
    }
}
