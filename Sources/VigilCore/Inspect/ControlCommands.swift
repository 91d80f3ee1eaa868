import CLinux

/// Subcommands of vigil. Recognised only as the first argument and only under vigil's own
/// name (the caller checks the name): `vigil -- ps` still runs a program called `ps`.
enum Subcommands {
    /// Runs the subcommand that `arguments[1]` names and returns its exit code; nil when
    /// `arguments[1]` names none.
    static func run(_ arguments: [String]) -> Int32? {
        guard arguments.count >= 2 else { return nil }
        let name = Array(arguments[1].utf8)
        let rest = Array(arguments[2...])
        if ASCII.equals(name, "ps") { return PsCommand.run(rest) }
        if ASCII.equals(name, "status") { return StatusCommand.run(rest) }
        if ASCII.equals(name, "check") { return CheckCommand.run(rest) }
        if ASCII.equals(name, "supervisord-config") { return SupervisordConfigCommand.run(rest) }
        for command in ["restart", "stop", "start", "signal"] where ASCII.equals(name, command) {
            return ControlCommand.run(command, rest)
        }
        return nil
    }
}

/// Asks the running vigil over its control channel.
enum ControlClient {
    /// Why a request got no reply. `nobodyListens`: no control channel here at all (no vigil,
    /// a vigil under tini's or dumb-init's name, or another network namespace), as opposed to
    /// a vigil that was reached and did not answer.
    struct Failure: Error {
        var error: UsageError
        var nobodyListens = false
    }

    static func ask(_ request: ControlProtocol.Request) -> Result<ControlProtocol.Reply, Failure> {
        let name = ControlChannel.name
        let fd = clinux_control_connect(name, 5000)
        guard fd >= 0 else {
            let errno = clinux_errno()
            return .failure(Failure(error: UsageError("cannot reach the running vigil (\(name)): \(SystemError.reason(errno))"),
                                    nobodyListens: errno == ECONNREFUSED || errno == ENOENT))
        }
        defer { closeDescriptor(fd) }
        var uid: uid_t = 0
        var pid: pid_t = 0
        guard clinux_peer_credentials(fd, &uid, &pid) == 0, ControlAccess.trusts(listenerPID: pid) else {
            return .failure(Failure(error: UsageError("\(ControlAccess.untrustedListener)")))
        }
        // MSG_NOSIGNAL: a vigil that refuses the connection must not end this client.
        let bytes = Array(ControlProtocol.line(request).utf8)
        let sent = bytes.withUnsafeBufferPointer { buffer in
            valueOrErrno { send(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL)) }
        }
        // A refusing vigil answers and closes without reading: its reply is still there to read.
        var reply: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while reply.count < 1 << 20 {
            let result = chunk.withUnsafeMutableBytes { raw in valueOrErrno { read(fd, raw.baseAddress, raw.count) } }
            guard case .success(let count) = result, count > 0 else { break }
            reply += chunk[0..<count]
        }
        if let parsed = ControlProtocol.Reply.parse(reply) { return .success(parsed) }
        guard case .success(let count) = sent, count == bytes.count else {
            return .failure(Failure(error: UsageError("the running vigil did not take the request")))
        }
        return .failure(Failure(error: UsageError(reply.isEmpty ? "no reply from the running vigil" : "an unreadable reply from the running vigil")))
    }
}

/// `vigil status`: the supervised processes of the running vigil.
enum StatusCommand {
    static let help = """
        Usage: vigil status

        Shows the processes the running vigil supervises (asked through its control channel):
        name, kind, state (starting, ready, running, backing-off, stopping, exited, failed,
        stopped), PID, restarts, last exit status and uptime, and vigil's own phase.

        Exit status: 0 shown; 1 the running vigil could not be reached; 2 usage error.

        """

    static func run(_ arguments: [String]) -> Int32 {
        if let first = arguments.first {
            if ASCII.equals(first, "-h") || ASCII.equals(first, "--help") { return Output.write(help, to: 1) ? 0 : 1 }
            return fail("status", UsageError("unexpected argument '\(first)'"), code: 2)
        }
        switch ControlClient.ask(.status) {
        case .failure(let failure): return fail("status", failure.error, code: 1)
        case .success(let reply):
            if let error = reply.error { return fail("status", UsageError("\(error)"), code: 1) }
            return Output.write(table(reply.lines), to: 1) ? 0 : 1
        }
    }

    /// The reply's `phase` and `process` lines as a table.
    static func table(_ lines: [String]) -> String {
        var rows: [[String]] = [["NAME", "KIND", "STATE", "PID", "RESTARTS", "LAST-EXIT", "UPTIME"]]
        var head = ""
        for line in lines {
            let words = line.utf8.split(separator: UInt8(ascii: " ")).map { String(decoding: $0, as: UTF8.self) }
            if words.count >= 4, ASCII.equals(words[0], "phase") {
                head = "vigil: " + words[1] + " (pid " + words[3] + ")\n"
            } else if words.count == 8, ASCII.equals(words[0], "process") {
                let uptime = ASCII.parseInteger(words[7]).map { human($0 * Durations.millisecond) } ?? "-"
                rows.append([words[1], words[2], words[3], words[4], words[5], words[6], uptime])
            }
        }
        var widths = [Int](repeating: 0, count: 7)
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

/// `vigil restart|stop|start NAME`, `vigil signal NAME SIG`.
enum ControlCommand {
    static func run(_ command: String, _ arguments: [String]) -> Int32 {
        let line = "vigil 1 " + command + (arguments.isEmpty ? "" : " ") + arguments.joined(separator: " ")
        if arguments.first.map({ ASCII.equals($0, "-h") || ASCII.equals($0, "--help") }) == true {
            return Output.write(
                "Usage: vigil restart NAME | vigil stop NAME | vigil start NAME | vigil signal NAME SIGNAL\n\n"
                + "Acts on a process the running vigil supervises. 'stop' keeps a sidecar down until 'start'\n"
                + "and does not count as a failure. Exit status: 0 done; 1 refused or vigil unreachable; 2 usage.\n",
                to: 1) ? 0 : 1
        }
        let request: ControlProtocol.Request
        do {
            request = try ControlProtocol.parse(Array(line.utf8), realtime: .current)
        } catch {
            return fail(command, UsageError("\(error.message) (see 'vigil \(command) --help')"), code: 2)
        }
        switch ControlClient.ask(request) {
        case .failure(let failure): return fail(command, failure.error, code: 1)
        case .success(let reply):
            if let error = reply.error { return fail(command, UsageError("\(error)"), code: 1) }
            return 0
        }
    }
}

/// `vigil check`: a health check for `HEALTHCHECK CMD ["/vigil","check"]` and Kubernetes exec
/// probes. Exit 0 healthy, 1 unhealthy with one line saying why; never 2 (Docker reserves it).
enum CheckCommand {
    struct Options: Equatable {
        var zombieLimit = 10
        /// Share of pids.max, in percent, at or above which PID use is unhealthy.
        var pidsPercent = 80
        /// Between the two zombie samples.
        var interval: Int64 = Durations.second
        var help = false
    }

    enum Option { case zombies, pids, interval, help }

    static let options: [OptionScanner<Option>.Option] = [
        .init(.zombies, long: "zombies", value: "N"), .init(.pids, long: "pids", value: "PERCENT"),
        .init(.interval, long: "interval", value: "DURATION"), .init(.help, short: "h", long: "help"),
    ]

    static let help = """
        Usage: vigil check [--zombies N] [--pids PERCENT] [--interval DURATION]

        A health check for Docker's HEALTHCHECK and Kubernetes exec probes. Unhealthy when:
        zombies whose parent is not vigil stay above N (default 10) across two samples
        DURATION apart (default 1s); PID use is at or above PERCENT of the cgroup's pids.max
        (default 80); a required sidecar is not ready or has failed; vigil is stopping.

        Exit status: 0 healthy; 1 unhealthy or a bad option, with one line saying why.
        It never exits 2, which Docker reserves.

        """

    static func parse(_ arguments: [String]) throws(UsageError) -> Options {
        var result = Options()
        var scanner = OptionScanner(["check"] + arguments, options: options, operands: .stopAtFirst)
        while let option = try scanner.next(wordedBy: VigilCommandLine.words) {
            let value = option.value ?? ""
            switch option.id {
            case .help: result.help = true
            case .zombies:
                guard let number = ASCII.parseInteger(value) else { throw UsageError("--zombies: expected a number, got '\(value)'") }
                result.zombieLimit = Int(number)
            case .pids:
                guard let number = ASCII.parseInteger(value), number >= 1, number <= 100 else {
                    throw UsageError("--pids: expected a percentage from 1 to 100, got '\(value)'")
                }
                result.pidsPercent = Int(number)
            case .interval:
                guard let duration = Durations.parse(value) else {
                    throw UsageError("--interval: expected a duration such as 1s or 500ms, got '\(value)'")
                }
                result.interval = duration
            }
        }
        if let operand = scanner.operandIndices.first {
            throw UsageError("unexpected argument '\((["check"] + arguments)[operand])'")
        }
        return result
    }

    static func run(_ arguments: [String]) -> Int32 {
        let options: Options
        do {
            options = try parse(arguments)
        } catch {
            return fail("check", error, code: 1)
        }
        if options.help { return Output.write(help, to: 1) ? 0 : 1 }
        // vigil's own view: stopping, required sidecars. Only where no vigil listens at all is
        // /proc alone the answer; a vigil that refuses or does not answer is not healthy.
        var vigilPID: Int32 = 1
        var asked = true
        switch ControlClient.ask(.status) {
        case .failure(let failure) where failure.nobodyListens:
            asked = false
        case .failure(let failure):
            return unhealthy(failure.error.message)
        case .success(let status):
            if let error = status.error { return unhealthy("vigil refused the check: " + error) }
            for line in status.lines {
                let words = line.utf8.split(separator: UInt8(ascii: " "))
                if words.count >= 4, ASCII.equals(words[0], "phase"), let pid = ASCII.parseInteger(words[3]) { vigilPID = Int32(pid) }
            }
            switch ControlClient.ask(.health) {
            case .failure(let failure): return unhealthy(failure.error.message)
            case .success(let health):
                if let error = health.error { return unhealthy("vigil refused the check: " + error) }
                if let problem = health.lines.first { return unhealthy(problem) }
            }
        }
        var sample: ProcessSnapshot
        do {
            sample = try SnapshotReader.read(SnapshotRequest(commandLines: false, users: false))
        } catch {
            return unhealthy(error.message)
        }
        if let pids = sample.pids, case .limit(let limit) = pids.limit, limit > 0,
           pids.current * 100 >= limit * UInt64(options.pidsPercent) {
            return unhealthy("PID use " + decimal(Int64(pids.current)) + " of " + decimal(Int64(limit)) + " is at or above " + decimal(options.pidsPercent) + "% of pids.max")
        }
        var zombies = strayZombies(sample, vigilPID)
        if zombies > options.zombieLimit {
            // A zombie its parent is about to reap is no problem: look again.
            ProcessSetup.sleep(options.interval, until: nil)
            if let second = try? SnapshotReader.read(SnapshotRequest(commandLines: false, users: false)) {
                sample = second
                zombies = min(zombies, strayZombies(second, vigilPID))
            }
            if zombies > options.zombieLimit {
                return unhealthy(counted(zombies, "zombie", "zombies") + " whose parent is not vigil, above the limit of " + decimal(options.zombieLimit))
            }
        }
        var summary = "healthy: " + counted(sample.processes.count, "process", "processes") + ", "
            + counted(sample.zombieCount, "zombie", "zombies")
        if let pids = sample.pids, case .limit(let limit) = pids.limit { summary += ", PIDs " + decimal(Int64(pids.current)) + " of " + decimal(Int64(limit)) }
        if !asked { summary += " (no vigil control channel here: /proc alone)" }
        return Output.write(summary + "\n", to: 1) ? 0 : 1
    }

    /// Zombies that vigil would not reap itself (vigil reaps its own at once).
    static func strayZombies(_ snapshot: ProcessSnapshot, _ vigilPID: Int32) -> Int {
        snapshot.processes.reduce(0) { $0 + ($1.isZombie && $1.parent != vigilPID ? 1 : 0) }
    }

    private static func counted(_ count: Int, _ one: String, _ many: String) -> String {
        decimal(count) + " " + (count == 1 ? one : many)
    }

    private static func unhealthy(_ reason: String) -> Int32 {
        let line: LogText = "unhealthy: \(reason)\n"
        Output.write(line.bytes, to: 1)
        return 1
    }
}

/// "vigil NAME: message" on stderr, and `code`.
func fail(_ command: String, _ error: UsageError, code: Int32) -> Int32 {
    let line: LogText = "vigil \(command): \(error.text)\n"
    Output.write(line.bytes, to: 2)
    return code
}
