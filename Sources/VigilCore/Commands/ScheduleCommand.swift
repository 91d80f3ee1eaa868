import CLinux

/// `vigil schedule --next N [--tz ZONE] [--from UNIX_SECONDS] EXPR`: prints the next runs of
/// a schedule, one ISO 8601 local time a line, as vigil would run it. For checking a
/// schedule before deploying it, and for the tests that compare vigil with croniter.
enum ScheduleCommand {
    struct Options: Equatable {
        var count = 10
        var zone = "UTC"
        var from: Int64? = nil
        var expression = ""
        var help = false
    }

    enum Option { case next, zone, from, help }

    static let options: [OptionScanner<Option>.Option] = [
        .init(.next, short: "n", long: "next", value: "N"), .init(.zone, long: "tz", value: "ZONE"),
        .init(.from, long: "from", value: "UNIX_SECONDS"), .init(.help, short: "h", long: "help"),
    ]

    /// Where zone files are: $TZDIR (glibc's variable) when set, else this.
    static let zoneDirectory = "/usr/share/zoneinfo"

    static let help = """
        Usage: vigil schedule [--next N] [--tz ZONE] [--from UNIX_SECONDS] EXPRESSION

        Prints the next N (default 10) runs of a schedule after an instant (default now),
        one a line, in ISO 8601 local time with its UTC offset. EXPRESSION is a cron
        expression of 5 fields (minute hour day-of-month month day-of-week), 6 with
        seconds first, or 7 with a year last; or @yearly, @annually, @monthly, @weekly,
        @daily, @midnight, @hourly, or @every DURATION (30s, 1m30s, 1h; counted from
        --from). Quote it, or give its fields as separate arguments.

        ZONE is UTC (the default), a name under /usr/share/zoneinfo ($TZDIR when set),
        or a POSIX TZ string. Daylight-saving changes follow cron: a task at a fixed
        time that the change skips runs right after it, and one in a repeated hour runs
        once; tasks with '*' in the second, minute or hour field follow the new time.

        Exit status: 0 printed; 2 a bad expression, zone or option (one line on stderr).

        """

    static func parse(_ arguments: [String]) throws(UsageError) -> Options {
        var result = Options()
        let known = options.compactMap { $0.long }
        var scanner = OptionScanner(["schedule"] + arguments, options: options, operands: .stopAtFirst)
        while let option = try scanner.next(wordedBy: { VigilCommandLine.words($0, known: known) }) {
            let value = option.value ?? ""
            switch option.id {
            case .help: result.help = true
            case .zone: result.zone = value
            case .next:
                guard let number = ASCII.parseInteger(value), number >= 1, number <= 100_000 else {
                    throw UsageError("--next: expected a number from 1 to 100000, got '\(value)'")
                }
                result.count = Int(number)
            case .from:
                guard let number = seconds(value) else {
                    throw UsageError("--from: expected UNIX seconds (such as 1743292800) from year 1 to 9999, got '\(value)'")
                }
                result.from = number
            }
        }
        let all = ["schedule"] + arguments
        result.expression = scanner.operandIndices.map { all[$0] }.joined(separator: " ")
        if result.expression.isEmpty && !result.help { throw UsageError("a schedule expression is needed, such as '*/5 * * * *'") }
        return result
    }

    static func run(_ arguments: [String]) -> Int32 {
        let options: Options
        do {
            options = try parse(arguments)
        } catch {
            return fail("schedule", error, code: 2)
        }
        if options.help { return Output.write(help, to: 1) ? 0 : 1 }
        let expression: CronExpression
        let zone: ZoneRules
        do {
            expression = try CronExpression.parse(options.expression)
            let directory = ProcessSetup.environment("TZDIR").flatMap { $0.isEmpty ? nil : $0 } ?? zoneDirectory
            zone = try ZoneRules.named(options.zone, directory: directory,
                                       readFile: { Processes.readFile($0, limit: TZif.maximumSize + 1) })
        } catch {
            return fail("schedule", UsageError(error.text), code: 2)
        }
        let from = options.from ?? realtimeNow()
        var text: [UInt8] = []
        for run in expression.nextRuns(options.count, after: from, in: zone, anchor: from) {
            text += CivilTime.iso8601(instant: run, offset: zone.offset(at: run)).utf8
            text.append(0x0A)
        }
        return Output.write(text, to: 1) ? 0 : 1
    }

    /// A signed decimal number of seconds within the years 1 to 9999.
    static func seconds(_ text: String) -> Int64? {
        var bytes = Array(text.utf8)[...]
        let negative = bytes.first == UInt8(ascii: "-")
        if negative { bytes = bytes.dropFirst() }
        guard !bytes.isEmpty, bytes.count <= 12, bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let magnitude = bytes.reduce(Int64(0)) { $0 * 10 + Int64($1 - 0x30) }
        let value = negative ? -magnitude : magnitude
        return value >= CivilTime.earliest && value <= CivilTime.latest ? value : nil
    }

    /// The wall clock, in UNIX seconds.
    private static func realtimeNow() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec)
    }
}
