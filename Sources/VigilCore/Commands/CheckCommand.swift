/// `vigil check`: a health check for `HEALTHCHECK CMD ["/vigil","check"]` and Kubernetes exec
/// probes. Exit 0 healthy, 1 unhealthy with one line saying why; never 2 (Docker reserves it).
enum CheckCommand {
    struct Options: Equatable {
        var zombieLimit = 10
        /// Share of pids.max, in percent, at or above which PID use is unhealthy.
        var pidsPercent = 80
        /// Between the two zombie samples.
        var interval: Int64 = Durations.second
        /// A scheduled task whose last run failed counts as unhealthy.
        var tasks = false
        var help = false
    }

    enum Option { case zombies, pids, interval, tasks, help }

    static let options: [OptionScanner<Option>.Option] = [
        .init(.zombies, long: "zombies", value: "N"), .init(.pids, long: "pids", value: "PERCENT"),
        .init(.interval, long: "interval", value: "DURATION"), .init(.tasks, long: "tasks"),
        .init(.help, short: "h", long: "help"),
    ]

    static let help = """
        Usage: vigil check [--zombies N] [--pids PERCENT] [--interval DURATION] [--tasks]

        A health check for Docker's HEALTHCHECK and Kubernetes exec probes. Unhealthy when:
        zombies whose parent is not vigil stay above N (default 10) across two samples
        DURATION apart (default 1s); PID use is at or above PERCENT of the cgroup's pids.max
        (default 80); a required sidecar is not ready or has failed; a runit service
        wanted up is not running; vigil is stopping; with --tasks, a scheduled task's last
        run failed.

        Exit status: 0 healthy; 1 unhealthy or a bad option, with one line saying why.
        It never exits 2, which Docker reserves.

        """

    static func parse(_ arguments: [String]) throws(UsageError) -> Options {
        var result = Options()
        let known = options.compactMap { $0.long }
        var scanner = OptionScanner(["check"] + arguments, options: options, operands: .stopAtFirst)
        while let option = try scanner.next(wordedBy: { VigilCommandLine.words($0, known: known) }) {
            let value = option.value ?? ""
            switch option.id {
            case .help: result.help = true
            case .tasks: result.tasks = true
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
                    throw UsageError("--interval: expected \(Durations.accepted), got '\(value)'")
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
            if let record = StatusRecord(lines: status.lines) {
                vigilPID = record.pid
                if options.tasks, let failed = record.processes.first(where: { $0.skipped != nil && ($0.lastExit ?? 0) != 0 }) {
                    return unhealthy("the last run of task " + failed.name + " failed with status " + decimal(failed.lastExit ?? 0))
                }
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

