/// supervisor's conversions of setting values (its `datatypes.py`), with its error messages:
/// the same text is accepted and refused, and the same value comes out.
enum SupervisordValues {
    struct ValueProblem: Error, Equatable {
        var message: String
        init(_ message: String) { self.message = message }
    }

    @inline(never)
    static func repr(_ text: String) -> String { PythonRepr.string(text) }

    @inline(never)
    static func integer(_ text: String) throws(ValueProblem) -> Int64 {
        switch PythonInt.parse(text) {
        case .value(let value): return value
        case .invalid: throw ValueProblem("invalid literal for int() with base 10: " + repr(text))
        case .tooLarge: throw ValueProblem(repr(text) + " is too large a number")
        }
    }

    static let truthy = ["yes", "true", "on", "1"]
    static let falsy = ["no", "false", "off", "0"]

    @inline(never)
    static func boolean(_ text: String) throws(ValueProblem) -> Bool {
        let lowered = PythonText.lowered(PythonText.bytes(text)[...])
        if truthy.contains(where: { ASCII.equals(lowered, $0) }) { return true }
        if falsy.contains(where: { ASCII.equals(lowered, $0) }) { return false }
        throw ValueProblem("not a valid boolean value: " + repr(text))
    }

    /// `50MB`, `10kb`, `1GB` (1024-based) or a plain number of bytes.
    @inline(never)
    static func byteSize(_ text: String) throws(ValueProblem) -> Int64 {
        let lowered = PythonText.lowered(PythonText.bytes(text)[...])
        let units: [(String, Int64)] = [("kb", 1024), ("mb", 1024 * 1024), ("gb", 1024 * 1024 * 1024)]
        for (suffix, multiplier) in units where lowered.count >= 2 && ASCII.equals(lowered.suffix(2), suffix) {
            let number = try integer(PythonText.string(lowered.dropLast(2)))
            let (product, overflow) = number.multipliedReportingOverflow(by: multiplier)
            guard !overflow else { throw ValueProblem(repr(text) + " is too large a number") }
            return product
        }
        return try integer(PythonText.string(lowered[...]))
    }

    @inline(never)
    static func octal(_ text: String) throws(ValueProblem) -> Int64 {
        guard case .value(let value) = PythonInt.parse(text, base: 8) else {
            throw ValueProblem(text + " can not be converted to an octal type")
        }
        return value
    }

    /// `0,2`: exit codes from 0 to 255; empty means none.
    @inline(never)
    static func exitCodes(_ text: String) throws(ValueProblem) -> [Int64] {
        if text.isEmpty { return [] }
        var codes: [Int64] = []
        for piece in PythonText.bytes(text).split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            guard case .value(let code) = PythonInt.parse(piece), code >= 0, code <= 255 else {
                throw ValueProblem("not a valid list of exit codes: " + repr(text))
            }
            codes.append(code)
        }
        return codes
    }

    @inline(never)
    static func autoRestart(_ text: String) throws(ValueProblem) -> SupervisordProgram.AutoRestart {
        let lowered = PythonText.lowered(PythonText.bytes(text)[...])
        if truthy.contains(where: { ASCII.equals(lowered, $0) }) { return .always }
        if falsy.contains(where: { ASCII.equals(lowered, $0) }) { return .never }
        if ASCII.equals(lowered, "unexpected") { return .unexpected }
        throw ValueProblem("invalid 'autorestart' value " + repr(PythonText.string(lowered[...])))
    }

    static let levels: [(name: String, number: Int)] = [
        ("critical", 50), ("error", 40), ("warn", 30), ("info", 20), ("debug", 10), ("trace", 5), ("blather", 3),
    ]

    @inline(never)
    static func loggingLevel(_ text: String) throws(ValueProblem) -> Int {
        let lowered = PythonText.lowered(PythonText.bytes(text)[...])
        for level in levels where ASCII.equals(lowered, level.name) { return level.number }
        throw ValueProblem("bad logging level name " + repr(text))
    }

    /// A program or group name: stripped, without a space, colon or slash.
    @inline(never)
    static func processOrGroupName(_ text: String) throws(ValueProblem) -> String {
        let stripped = PythonText.strip(PythonText.bytes(text)[...])
        for character in [" ", ":", "/"] where stripped.contains(PythonText.firstByte(character)!) {
            throw ValueProblem("Invalid name: " + repr(text) + " because of character: " + repr(character))
        }
        return PythonText.string(stripped)
    }

    /// `a, b,c`: pieces between commas, stripped; empty text is no pieces.
    @inline(never)
    static func listOfStrings(_ text: String) -> [String] {
        if text.isEmpty { return [] }
        return PythonText.bytes(text).split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map {
            PythonText.string(PythonText.strip($0))
        }
    }

    /// `KEY=value,KEY2="a, b"`, split by Python's shlex: pairs of a key, `=` and a value, each
    /// followed by one token of any kind (usually a comma); quotes are stripped off the value's
    /// ends. A repeated key keeps its first place and takes the last value.
    @inline(never)
    static func keyValuePairs(_ text: String) throws(ValueProblem) -> [(key: String, value: String)] {
        let tokens: [[UInt8]]
        do {
            tokens = try Shlex.tokens(PythonText.bytes(text))
        } catch {
            throw ValueProblem(error.message)
        }
        var pairs: [(key: String, value: String)] = []
        var index = 0
        while index < tokens.count {
            guard index + 2 < tokens.count, ASCII.equals(tokens[index + 1], "=") else {
                throw ValueProblem("Unexpected end of key/value pairs in value '" + text + "'")
            }
            var value = tokens[index + 2][...]
            while let first = value.first, first == UInt8(ascii: "'") || first == UInt8(ascii: "\"") { value = value.dropFirst() }
            while let last = value.last, last == UInt8(ascii: "'") || last == UInt8(ascii: "\"") { value = value.dropLast() }
            let key = PythonText.string(tokens[index][...])
            if let existing = pairs.firstIndex(where: { PythonText.same($0.key, key) }) {
                pairs[existing].value = PythonText.string(value)
            } else {
                pairs.append((key, PythonText.string(value)))
            }
            index += 4
        }
        return pairs
    }

    /// `[host:]port` of `[inet_http_server]`: the host in lower case, empty for `*` or none.
    @inline(never)
    static func inetAddress(_ text: String) throws(ValueProblem) -> (host: String, port: Int64) {
        let bytes = PythonText.bytes(text)
        guard let colon = bytes.lastIndex(of: UInt8(ascii: ":")) else {
            do {
                return ("", try portNumber(text))
            } catch {
                throw ValueProblem("not a valid port number: " + repr(text) + " ")
            }
        }
        let portText = PythonText.string(bytes[(colon + 1)...])
        guard !portText.isEmpty else { throw ValueProblem("no port number specified in ''") }
        let port = try portNumber(portText)
        let host = PythonText.lowered(bytes[..<colon])
        return (ASCII.equals(host, "*") ? "" : String(decoding: host, as: UTF8.self), port)
    }

    @inline(never)
    static func portNumber(_ text: String) throws(ValueProblem) -> Int64 {
        let value = try integer(text)
        if value < 1 { throw ValueProblem(decimal(value) + " is below lower bound (1)") }
        if value > 0xFFFF { throw ValueProblem(decimal(value) + " is above upper bound (65535)") }
        return value
    }

    /// A user name or id that must exist.
    @inline(never)
    static func uid(_ name: String, _ host: SupervisordHost) throws(ValueProblem) -> UInt32 {
        if case .value(let id) = PythonInt.parse(name) {
            guard id >= 0, id <= Int64(UInt32.max), host.users.user(id: UInt32(id)) != nil else { throw ValueProblem("Invalid user id " + name) }
            return UInt32(id)
        }
        guard let account = host.users.user(named: name.utf8) else { throw ValueProblem("Invalid user name " + name) }
        return account.uid
    }

    @inline(never)
    static func gid(_ name: String, _ host: SupervisordHost) throws(ValueProblem) -> UInt32 {
        if case .value(let id) = PythonInt.parse(name) {
            guard id >= 0, id <= Int64(UInt32.max), host.groups.group(id: UInt32(id)) != nil else { throw ValueProblem("Invalid group id " + name) }
            return UInt32(id)
        }
        guard let group = host.groups.group(named: name.utf8) else { throw ValueProblem("Invalid group name " + name) }
        return group.gid
    }

    /// `user[:group]`; no group is -1.
    @inline(never)
    static func userAndGroup(_ text: String, _ host: SupervisordHost) throws(ValueProblem) -> (uid: Int64, gid: Int64) {
        let bytes = PythonText.bytes(text)
        let colon = bytes.firstIndex(of: UInt8(ascii: ":"))
        do {
            let uid = try self.uid(PythonText.string(bytes[..<(colon ?? bytes.count)]), host)
            guard let colon else { return (Int64(uid), -1) }
            return (Int64(uid), Int64(try gid(PythonText.string(bytes[(colon + 1)...]), host)))
        } catch {
            throw ValueProblem("Invalid user:group definition " + text)
        }
    }

    /// A path whose directory must exist (`~` expanded).
    @inline(never)
    static func existingDirectoryPath(_ text: String, _ host: SupervisordHost) throws(ValueProblem) -> String {
        let expanded = PythonPath.expandUser(text, host)
        let directory = PythonPath.dirname(expanded)
        if directory.isEmpty || host.isDirectory(directory) { return expanded }
        throw ValueProblem("The directory named as part of the path " + text + " does not exist")
    }

    @inline(never)
    static func existingDirectory(_ text: String, _ host: SupervisordHost) throws(ValueProblem) -> String {
        let expanded = PythonPath.expandUser(text, host)
        if host.isDirectory(expanded) { return expanded }
        throw ValueProblem(text + " is not an existing directory")
    }
}

extension SupervisordValues {
    /// `TERM`, `SIGTERM`, `15`: supervisor takes a number that Python's signal module defines
    /// (0 to 31, RTMIN, RTMAX) or any name it defines, `SIG_DFL` (0) and its kin included.
    @inline(never)
    static func signalNumber(_ text: String, realtime: RealtimeSignals) throws(ValueProblem) -> Int32 {
        let special: [(String, Int32)] = [("_DFL", 0), ("_IGN", 1), ("_BLOCK", 0), ("_UNBLOCK", 1), ("_SETMASK", 2)]
        if case .value(let number) = PythonInt.parse(text) {
            guard (number >= 0 && number <= 31) || number == Int64(realtime.min) || number == Int64(realtime.max) else {
                throw ValueProblem("value " + repr(text) + " is not a valid signal number")
            }
            return Int32(number)
        }
        var name = PythonText.uppered(PythonText.strip(PythonText.bytes(text)[...]))[...]
        if ASCII.hasPrefix(name, "SIG") { name = name.dropFirst(3) }
        for entry in SignalNames.table where ASCII.equals(name, entry.name) { return entry.number }
        for (suffix, number) in special where ASCII.equals(name, suffix) { return number }
        if ASCII.equals(name, "RTMIN") { return realtime.min }
        if ASCII.equals(name, "RTMAX") { return realtime.max }
        throw ValueProblem("value " + repr(text) + " is not a valid signal name")
    }
}
