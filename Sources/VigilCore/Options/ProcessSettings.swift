/// One per-process setting: `--NAME PROCESS=VALUE` on the command line, `NAME = VALUE` in a
/// process's table of the configuration file. The flags, the file and `--help` all read
/// `ProcessSettings.table`, so a flag and a key of one name cannot mean different things.
struct ProcessSetting: Sendable {
    /// Which processes take it.
    enum Takers: Equatable {
        case sidecars
        /// Init tasks and sidecars: the main process's stop is bounded by `--kill-after`.
        case supervised
        /// Sidecars and the main process: what runs on (liveness).
        case longRunning
        case everyone
        /// Scheduled tasks only.
        case tasks
        /// Sidecars and scheduled tasks (`required`).
        case sidecarsAndTasks
    }

    /// How the command line gives it, with the option's id.
    enum Flag: Equatable {
        /// `--NAME PROCESS=VALUE`; `--help` shows the value as named here.
        case valued(OptionID, String)
        /// `--NAME PROCESS`: sets it to true.
        case naming(OptionID)
        /// `--NAME[=PROCESS]`: one process, or every process when no name is given.
        case optionalNaming(OptionID)
        /// No flag of its own: vigil's option of the same name takes `PROCESS=VALUE` too.
        case sharedWithOption
    }

    typealias Apply = @Sendable (_ value: String, _ spec: inout ProcessSpec, _ place: String, _ realtime: RealtimeSignals)
        throws(UsageError) -> Void

    let name: String
    let takers: Takers
    let flag: Flag
    /// The help line of its flag.
    let summary: String
    let apply: Apply
}

/// The per-process settings and the rules that apply them.
enum ProcessSettings {
    static let table: [ProcessSetting] = [
        ProcessSetting(name: "ready", takers: .sidecars, flag: .valued(.ready, "NAME=CHECK"),
                       summary: "NAME is ready when CHECK passes: exec:CMD, tcp:PORT, tcp:HOST:PORT, http:PORT/PATH, notify") {
            value, spec, place, _ throws(UsageError) in spec.readiness = try ReadinessCheck.parse(value, place: place)
        },
        ProcessSetting(name: "restart", takers: .sidecars, flag: .valued(.restart, "NAME=POLICY"),
                       summary: "restart NAME always (default), on-failure or never") {
            value, spec, place, _ throws(UsageError) in spec.restart = try restartPolicy(value, place)
        },
        ProcessSetting(name: "required", takers: .sidecarsAndTasks, flag: .naming(.required),
                       summary: "when NAME stops for good (a task: a run fails), stop everything with its status") {
            value, spec, place, _ throws(UsageError) in spec.required = try flag(value, place)
        },
        ProcessSetting(name: "backoff", takers: .sidecars, flag: .valued(.backoff, "NAME=DURATION"),
                       summary: "first restart delay of NAME (default 1s), doubling") {
            value, spec, place, _ throws(UsageError) in spec.backoff = try duration(value, place)
        },
        ProcessSetting(name: "backoff-max", takers: .sidecars, flag: .valued(.backoffMax, "NAME=DURATION"),
                       summary: "longest restart delay of NAME (default 30s)") {
            value, spec, place, _ throws(UsageError) in spec.backoffMax = try duration(value, place)
        },
        ProcessSetting(name: "backoff-reset", takers: .sidecars, flag: .valued(.backoffReset, "NAME=DURATION"),
                       summary: "NAME's delay starts over after it ran this long (default 60s)") {
            value, spec, place, _ throws(UsageError) in spec.backoffReset = try duration(value, place)
        },
        ProcessSetting(name: "max-restarts", takers: .sidecars, flag: .valued(.maxRestarts, "NAME=N"),
                       summary: "NAME stays down after N restarts (default: no limit)") {
            value, spec, place, _ throws(UsageError) in
            guard let count = ASCII.parseInteger(value) else {
                throw UsageError("\(place): expected a number of restarts, got '\(value)'")
            }
            spec.maxRestarts = Int(count)
        },
        ProcessSetting(name: "start-timeout", takers: .sidecars, flag: .valued(.startTimeout, "NAME=DURATION"),
                       summary: "NAME's readiness check must pass within this (default 60s)") {
            value, spec, place, _ throws(UsageError) in spec.startTimeout = try duration(value, place)
        },
        ProcessSetting(name: "ready-timeout", takers: .sidecars, flag: .valued(.readyTimeout, "NAME=DURATION"),
                       summary: "one attempt of NAME's check is given up after this (default 10s)") {
            value, spec, place, _ throws(UsageError) in spec.readyTimeout = try positiveDuration(value, place)
        },
        ProcessSetting(name: "live", takers: .longRunning, flag: .valued(.live, "NAME=CHECK"),
                       summary: "restart NAME when CHECK fails: exec:CMD, tcp:PORT, tcp:HOST:PORT, http:PORT/PATH") {
            value, spec, place, _ throws(UsageError) in spec.liveness = try ReadinessCheck.parseLiveness(value, place: place)
        },
        ProcessSetting(name: "live-period", takers: .longRunning, flag: .valued(.livePeriod, "NAME=DURATION"),
                       summary: "how often NAME's liveness check runs once it is ready (default 10s)") {
            value, spec, place, _ throws(UsageError) in spec.livePeriod = try positiveDuration(value, place)
        },
        ProcessSetting(name: "live-timeout", takers: .longRunning, flag: .valued(.liveTimeout, "NAME=DURATION"),
                       summary: "one attempt of NAME's liveness check fails after this (default 1s)") {
            value, spec, place, _ throws(UsageError) in spec.liveTimeout = try positiveDuration(value, place)
        },
        ProcessSetting(name: "live-failures", takers: .longRunning, flag: .valued(.liveFailures, "NAME=N"),
                       summary: "NAME is restarted after N failed liveness checks in a row (default 3)") {
            value, spec, place, _ throws(UsageError) in
            guard let count = ASCII.parseInteger(value), count >= 1 else {
                throw UsageError("\(place): expected a number of failures from 1, got '\(value)'")
            }
            spec.liveFailures = Int(count)
        },
        ProcessSetting(name: "schedule", takers: .tasks, flag: .valued(.schedule, "NAME=EXPR"),
                       summary: "when task NAME runs: 5 cron fields, 6 with seconds first, @daily, @every 30s") {
            value, spec, place, _ throws(UsageError) in spec.task.schedule = TaskSchedule(try schedule(value, place))
        },
        ProcessSetting(name: "tz", takers: .tasks, flag: .valued(.tz, "NAME=ZONE"),
                       summary: "task NAME's schedule is in ZONE's local time (default: CRON_TZ, TZ, UTC)") {
            value, spec, place, _ throws(UsageError) in
            guard !value.isEmpty, !value.utf8.contains(0) else { throw UsageError("\(place): expected a time zone, got '\(value)'") }
            spec.task.zoneName = value
        },
        ProcessSetting(name: "concurrency", takers: .tasks, flag: .valued(.concurrency, "NAME=N"),
                       summary: "runs of task NAME at once; one more due is skipped (default 1)") {
            value, spec, place, _ throws(UsageError) in
            guard let count = ASCII.parseInteger(value), count >= 1, count <= TaskSettings.mostRuns else {
                throw UsageError("\(place): expected a number of runs from 1 to \(TaskSettings.mostRuns), got '\(value)'")
            }
            spec.task.concurrency = Int(count)
        },
        ProcessSetting(name: "time-limit", takers: .tasks, flag: .valued(.timeLimit, "NAME=DURATION"),
                       summary: "a run of task NAME still going after this is stopped (default: none)") {
            value, spec, place, _ throws(UsageError) in spec.task.timeLimit = try positiveDuration(value, place)
        },
        ProcessSetting(name: "after", takers: .everyone, flag: .valued(.after, "NAME=DEP[:COND],..."),
                       summary: "NAME starts once DEP is started, ready (default) or done (repeatable)") {
            value, spec, place, _ throws(UsageError) in
            spec.after = (spec.after ?? []) + (try DependencyList.parse(value, place: place))
            spec.afterPlace = place
        },
        ProcessSetting(name: "stop-signal", takers: .everyone, flag: .sharedWithOption, summary: "") {
            value, spec, place, realtime throws(UsageError) in
            guard let signal = SignalNames.parse(value, realtime: realtime) else {
                throw UsageError("\(place): unknown signal '\(value)'")
            }
            spec.stopSignal = signal
        },
        ProcessSetting(name: "grace", takers: .supervised, flag: .sharedWithOption, summary: "") {
            value, spec, place, _ throws(UsageError) in spec.grace = try duration(value, place)
        },
        ProcessSetting(name: "env", takers: .everyone, flag: .valued(.env, "NAME=KEY=VALUE"),
                       summary: "set KEY in NAME's environment (repeatable)") {
            value, spec, place, _ throws(UsageError) in
            guard let equals = value.utf8.firstIndex(of: UInt8(ascii: "=")), equals != value.utf8.startIndex,
                  !value.utf8.contains(0)
            else { throw UsageError("\(place): expected KEY=VALUE, got '\(value)'") }
            spec.environment.append(value)
        },
        ProcessSetting(name: "env-file", takers: .everyone, flag: .valued(.envFile, "NAME=FILE"),
                       summary: "add FILE's KEY=VALUE lines to NAME's environment (repeatable); FILE alone: --procfile's .env") {
            value, spec, place, _ throws(UsageError) in
            guard !value.isEmpty, !value.utf8.contains(0) else { throw UsageError("\(place): expected a file, got '\(value)'") }
            spec.environmentFiles.append(ProcessSpec.NamedFile(path: value, place: place))
        },
        ProcessSetting(name: "workdir", takers: .everyone, flag: .valued(.workdir, "NAME=DIR"), summary: "run NAME in DIR") {
            value, spec, place, _ throws(UsageError) in
            guard value.utf8.first == UInt8(ascii: "/"), !value.utf8.contains(0) else {
                throw UsageError("\(place): expected an absolute directory, got '\(value)'")
            }
            spec.workingDirectory = value
        },
        ProcessSetting(name: "user", takers: .everyone, flag: .valued(.user, "NAME=USER[:GROUP]"),
                       summary: "run NAME as USER (from /etc/passwd and /etc/group)") {
            value, spec, place, _ throws(UsageError) in
            guard !value.isEmpty, !value.utf8.contains(0) else {
                throw UsageError("\(place): expected USER or USER:GROUP (names or ids), got '\(value)'")
            }
            spec.user = value
            spec.userPlace = place
        },
        ProcessSetting(name: "prefix-output", takers: .everyone, flag: .optionalNaming(.prefixOutput),
                       summary: "relay output line by line as 'name | line' (=NAME: one process)") {
            value, spec, place, _ throws(UsageError) in spec.prefixOutput = try flag(value, place)
        },
    ]

    /// The setting whose own flag is `id`.
    static func setting(flag id: OptionID) -> ProcessSetting? {
        for setting in table {
            switch setting.flag {
            case .valued(let flag, _), .naming(let flag), .optionalNaming(let flag): if flag == id { return setting }
            case .sharedWithOption: continue
            }
        }
        return nil
    }

    /// The setting named `name`, as an index into `table`.
    static func index(named name: some Collection<UInt8>) -> Int? {
        table.firstIndex { ASCII.equals(name, $0.name) }
    }

    /// Refuses a setting that does not apply to that kind of process.
    @inline(never)  // called from many places: one copy in the Embedded binary
    static func check(_ setting: String, allowedFor kind: ProcessSpec.Kind, place: String) throws(UsageError) {
        guard let index = index(named: setting.utf8) else { throw UnknownNames.setting(setting, place: place) }
        let only: LogText
        switch (table[index].takers, kind) {
        case (.sidecars, .initTask), (.sidecars, .main), (.sidecars, .task): only = "sidecars"
        case (.supervised, .main):
            throw UsageError("\(place): the main process's stop is bounded by --kill-after, not a grace")
        case (.longRunning, .initTask), (.longRunning, .task): only = "sidecars and the main process"
        case (.tasks, .initTask), (.tasks, .sidecar), (.tasks, .main): only = "scheduled tasks"
        case (.sidecarsAndTasks, .initTask), (.sidecarsAndTasks, .main): only = "sidecars and scheduled tasks"
        default: return
        }
        throw UsageError("\(place): only \(only) take '\(setting)'")
    }

    /// Sets `setting` of `spec` from `value`; `place` names the flag or the file position in
    /// errors. `realtime`: the signal range.
    @inline(never)
    static func apply(
        _ setting: String, _ value: String, to spec: inout ProcessSpec, where place: String, realtime: RealtimeSignals
    ) throws(UsageError) {
        guard let index = index(named: setting.utf8) else { throw UsageError("\(place): unknown setting '\(setting)'") }
        try table[index].apply(value, &spec, place, realtime)
    }

    // Out of line, like `flag` and `restartPolicy`: each closure of the table calls them.
    @inline(never)
    private static func duration(_ value: String, _ place: String) throws(UsageError) -> Int64 {
        guard let nanoseconds = Durations.parse(value) else {
            throw UsageError("\(place): expected \(Durations.accepted), got '\(value)'")
        }
        return nanoseconds
    }

    @inline(never)
    private static func positiveDuration(_ value: String, _ place: String) throws(UsageError) -> Int64 {
        let nanoseconds = try duration(value, place)
        guard nanoseconds > 0 else { throw UsageError("\(place): expected a duration above 0, got '\(value)'") }
        return nanoseconds
    }

    /// Schedules given to vigil read six fields as seconds first (`CronExpression.Layout.vigil`).
    private static func schedule(_ value: String, _ place: String) throws(UsageError) -> CronExpression {
        do {
            return try CronExpression.parse(value)
        } catch {
            throw UsageError("\(place): \(error.text)")
        }
    }

    @inline(never)
    private static func flag(_ value: String, _ place: String) throws(UsageError) -> Bool {
        if ASCII.equals(value, "true") || value.isEmpty { return true }
        if ASCII.equals(value, "false") { return false }
        throw UsageError("\(place): expected true or false, got '\(value)'")
    }

    private static func restartPolicy(_ value: String, _ place: String) throws(UsageError) -> ProcessSpec.Restart {
        if ASCII.equals(value, "always") { return .always }
        if ASCII.equals(value, "on-failure") { return .onFailure }
        if ASCII.equals(value, "never") { return .never }
        throw UsageError("\(place): expected always, on-failure or never, got '\(value)'")
    }
}
