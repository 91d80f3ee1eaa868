/// The per-process settings, by the names the flags and the configuration file share: a flag
/// `--restart log=on-failure` and a file's `restart = "on-failure"` under `[sidecar.log]` go
/// through the same `apply`, so they cannot mean different things.
enum ProcessSettings {
    /// Every setting a process takes, as `--NAME PROCESS=VALUE` or `NAME = VALUE` in its table.
    static let names: [String] = [
        "ready", "restart", "required", "backoff", "backoff-max", "backoff-reset", "max-restarts",
        "start-timeout", "ready-timeout", "stop-signal", "grace", "env", "workdir", "user", "prefix-output",
    ]

    /// Settings only sidecars take: an init task runs once, the main process is not restarted.
    static let sidecarOnly: [String] = [
        "ready", "restart", "required", "backoff", "backoff-max", "backoff-reset", "max-restarts", "start-timeout",
        "ready-timeout",
    ]

    /// Refuses a setting that does not apply to that kind of process.
    static func check(_ setting: String, allowedFor kind: ProcessSpec.Kind, place: String) throws(UsageError) {
        guard kind != .sidecar else { return }
        for name in sidecarOnly where ASCII.equals(setting, name) {
            throw UsageError("\(place): only sidecars take '\(setting)'")
        }
        if kind == .main && ASCII.equals(setting, "grace") {
            throw UsageError("\(place): the main process's stop is bounded by --kill-after, not a grace")
        }
    }

    /// `[NAME=]CMD` of `--init` and `--sidecar`: the name, when the text before the first `=`
    /// is one, and the command split into words by shell quoting. Without a name, the
    /// command's program name (its last path component) is the name.
    static func namedCommand(_ text: String, option: String) throws(UsageError) -> (name: String, command: [String]) {
        var name: String? = nil
        var commandText = text
        if let (given, rest) = splitName(text) {
            try checkLength(given, option: option)
            name = given
            commandText = rest
        }
        let command: [String]
        do {
            command = try CommandWords.split(commandText)
        } catch {
            throw UsageError("\(option): \(error.message), in '\(commandText)'")
        }
        return (name ?? programName(command[0]), command)
    }

    /// The last path component of a program, made a valid process name.
    static func programName(_ program: String) -> String {
        let bytes = Array(program.utf8)
        let start = (bytes.lastIndex(of: UInt8(ascii: "/")).map { $0 + 1 }) ?? 0
        var name = bytes[start...].map { ProcessName.isValid([$0]) ? $0 : UInt8(ascii: "_") }
        if name.count > ProcessName.maximumLength { name.removeLast(name.count - ProcessName.maximumLength) }
        return name.isEmpty ? "process" : String(decoding: name, as: UTF8.self)
    }

    /// `PROCESS=VALUE` of a per-process flag.
    static func target(_ text: String, option: String) throws(UsageError) -> (name: String, value: String) {
        guard let (name, value) = splitName(text) else {
            throw UsageError("\(option): expected PROCESS=VALUE, got '\(text)'")
        }
        try checkLength(name, option: option)
        return (name, value)
    }

    /// `NAME=REST`, when the text before the first `=` is made of a name's characters, of any
    /// length (callers check it); nil otherwise.
    static func splitName(_ text: String) -> (name: String, rest: String)? {
        let bytes = Array(text.utf8)
        guard let equals = bytes.firstIndex(of: UInt8(ascii: "=")), ProcessName.isShaped(bytes[..<equals]) else { return nil }
        return (String(decoding: bytes[..<equals], as: UTF8.self), String(decoding: bytes[(equals + 1)...], as: UTF8.self))
    }

    private static func checkLength(_ name: String, option: String) throws(UsageError) {
        guard name.utf8.count > ProcessName.maximumLength else { return }
        throw UsageError("\(option): process name '\(name)' is longer than \(ProcessName.maximumLength) bytes")
    }

    /// Sets `setting` of `spec` from `value`; `where` names the flag or the file position in
    /// errors. `realtime`: the signal range.
    static func apply(
        _ setting: String, _ value: String, to spec: inout ProcessSpec, where place: String, realtime: RealtimeSignals
    ) throws(UsageError) {
        let bytes = Array(setting.utf8)
        func duration() throws(UsageError) -> Int64 {
            guard let nanoseconds = Durations.parse(value) else {
                throw UsageError("\(place): expected a duration such as 5s, 500ms or 2m, got '\(value)'")
            }
            return nanoseconds
        }
        func flag() throws(UsageError) -> Bool {
            if ASCII.equals(value, "true") || value.isEmpty { return true }
            if ASCII.equals(value, "false") { return false }
            throw UsageError("\(place): expected true or false, got '\(value)'")
        }
        if ASCII.equals(bytes, "ready") {
            spec.readiness = try readiness(value, place: place)
        } else if ASCII.equals(bytes, "restart") {
            if ASCII.equals(value, "always") { spec.restart = .always }
            else if ASCII.equals(value, "on-failure") { spec.restart = .onFailure }
            else if ASCII.equals(value, "never") { spec.restart = .never }
            else { throw UsageError("\(place): expected always, on-failure or never, got '\(value)'") }
        } else if ASCII.equals(bytes, "required") {
            spec.required = try flag()
        } else if ASCII.equals(bytes, "backoff") {
            spec.backoff = try duration()
        } else if ASCII.equals(bytes, "backoff-max") {
            spec.backoffMax = try duration()
        } else if ASCII.equals(bytes, "backoff-reset") {
            spec.backoffReset = try duration()
        } else if ASCII.equals(bytes, "max-restarts") {
            guard let count = ASCII.parseInteger(value) else {
                throw UsageError("\(place): expected a number of restarts, got '\(value)'")
            }
            spec.maxRestarts = Int(count)
        } else if ASCII.equals(bytes, "start-timeout") {
            spec.startTimeout = try duration()
        } else if ASCII.equals(bytes, "ready-timeout") {
            spec.readyTimeout = try duration()
            guard spec.readyTimeout > 0 else { throw UsageError("\(place): expected a duration above 0, got '\(value)'") }
        } else if ASCII.equals(bytes, "stop-signal") {
            guard let signal = SignalNames.parse(value, realtime: realtime) else {
                throw UsageError("\(place): unknown signal '\(value)'")
            }
            spec.stopSignal = signal
        } else if ASCII.equals(bytes, "grace") {
            spec.grace = try duration()
        } else if ASCII.equals(bytes, "env") {
            guard let equals = value.utf8.firstIndex(of: UInt8(ascii: "=")), equals != value.utf8.startIndex,
                  !value.utf8.contains(0)
            else { throw UsageError("\(place): expected KEY=VALUE, got '\(value)'") }
            spec.environment.append(value)
        } else if ASCII.equals(bytes, "workdir") {
            guard value.utf8.first == UInt8(ascii: "/"), !value.utf8.contains(0) else {
                throw UsageError("\(place): expected an absolute directory, got '\(value)'")
            }
            spec.workingDirectory = value
        } else if ASCII.equals(bytes, "user") {
            guard !value.isEmpty, !value.utf8.contains(0) else {
                throw UsageError("\(place): expected USER or USER:GROUP (names or ids), got '\(value)'")
            }
            spec.user = value
            spec.userPlace = place
        } else if ASCII.equals(bytes, "prefix-output") {
            spec.prefixOutput = try flag()
        } else {
            throw UsageError("\(place): unknown setting '\(setting)'")
        }
    }

    /// `exec:COMMAND`, `tcp:PORT`, `tcp:HOST:PORT` (an IPv4 address) or `notify`.
    static func readiness(_ text: String, place: String) throws(UsageError) -> ProcessSpec.Readiness {
        let bytes = Array(text.utf8)
        if ASCII.equals(bytes, "notify") { return .notify }
        if ASCII.hasPrefix(bytes, "exec:") {
            let commandText = String(decoding: bytes[5...], as: UTF8.self)
            do {
                return .exec(try CommandWords.split(commandText))
            } catch {
                throw UsageError("\(place): exec check: \(error.message)")
            }
        }
        if ASCII.hasPrefix(bytes, "tcp:") {
            let rest = bytes[4...]
            var address: UInt32 = 0x7F00_0001
            var portText = rest
            if let colon = rest.lastIndex(of: UInt8(ascii: ":")) {
                guard let parsed = ipv4(rest[..<colon]) else {
                    throw UsageError("\(place): expected tcp:PORT or tcp:IPV4:PORT, got '\(text)'")
                }
                address = parsed
                portText = rest[(colon + 1)...]
            }
            guard let port = ASCII.parseInteger(portText), port >= 1, port <= 65535 else {
                throw UsageError("\(place): expected a port from 1 to 65535 in '\(text)'")
            }
            return .tcp(address: address, port: UInt16(port))
        }
        throw UsageError("\(place): expected exec:COMMAND, tcp:PORT, tcp:HOST:PORT or notify, got '\(text)'")
    }

    /// A dotted IPv4 address, in host byte order.
    static func ipv4(_ bytes: ArraySlice<UInt8>) -> UInt32? {
        var value: UInt32 = 0
        var parts = 0
        for part in bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            guard let number = ASCII.parseInteger(part), number <= 255, part.count <= 3 else { return nil }
            value = value << 8 | UInt32(number)
            parts += 1
        }
        return parts == 4 ? value : nil
    }
}

extension ProcessSpec.Identity {
    /// `USER` or `USER:GROUP` (names or ids) resolved against the image's account files, as
    /// `docker run --user` does it: the user's primary group unless a group is given, plus the
    /// groups that list the user. A numeric user with no entry runs with group 0.
    static func resolve(_ text: String, users: UserDatabase, groups: GroupDatabase) throws(UsageError) -> ProcessSpec.Identity {
        let bytes = Array(text.utf8)
        let colon = bytes.firstIndex(of: UInt8(ascii: ":"))
        let userPart = bytes[..<(colon ?? bytes.endIndex)]
        let groupPart = colon.map { bytes[($0 + 1)...] }
        var uid: UInt32
        var gid: UInt32 = 0
        var supplementary: [UInt32] = []
        if let number = ASCII.parseInteger(userPart), number <= Int64(UInt32.max) {
            uid = UInt32(number)
            if let account = users.user(id: uid) {
                gid = account.gid
                supplementary = groups.groups(listing: account.name).map { $0.gid }
            }
        } else if let account = users.user(named: userPart) {
            uid = account.uid
            gid = account.gid
            supplementary = groups.groups(listing: account.name).map { $0.gid }
        } else {
            throw UsageError("unknown user '\(String(decoding: userPart, as: UTF8.self))' (not in /etc/passwd)")
        }
        if let groupPart {
            if let number = ASCII.parseInteger(groupPart), number <= Int64(UInt32.max) {
                gid = UInt32(number)
            } else if let group = groups.group(named: groupPart) {
                gid = group.gid
            } else {
                throw UsageError("unknown group '\(String(decoding: groupPart, as: UTF8.self))' (not in /etc/group)")
            }
            supplementary = []
        }
        if !supplementary.contains(gid) { supplementary.insert(gid, at: 0) }
        return ProcessSpec.Identity(uid: uid, gid: gid, groups: supplementary)
    }
}
