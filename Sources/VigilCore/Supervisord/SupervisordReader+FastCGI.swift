// `[fcgi-program:x]`: a program whose processes share a listening socket as their stdin.
// supervisor checks the socket settings before the program's own.
extension SupervisordReader {
    mutating func fastCGIGroup(_ section: INISection, realtime: RealtimeSignals) throws(UsageError) -> SupervisordGroup {
        let programName = try name(of: section)
        let layers = [hereLayer]
        let priority = try integer(section, "priority", layers, 999)
        var programUID: UInt32? = nil
        if let user = try setting(section, "user", layers) {
            do { programUID = try SupervisordValues.uid(user.text, host) } catch { throw problem(user, error) }
        }
        var backlog: Int64? = nil
        if let setting = try setting(section, "socket_backlog", layers) {
            let number = try integer(section, "socket_backlog", layers, 0)
            guard number >= 1 && number <= 65535 else { throw problem(setting, "Invalid socket_backlog value " + decimal(number)) }
            backlog = number
        }
        var owner: (uid: Int64, gid: Int64)? = nil
        if let setting = try setting(section, "socket_owner", layers) {
            do {
                owner = try SupervisordValues.userAndGroup(setting.text, host)
            } catch {
                throw problem(setting, "Invalid socket_owner value " + setting.text)
            }
        }
        var mode: Int64? = nil
        if let setting = try setting(section, "socket_mode", layers) {
            do {
                mode = try SupervisordValues.octal(setting.text)
            } catch {
                throw problem(setting, "Invalid socket_mode value " + setting.text)
            }
        }
        let socketLayer = Self.expansions([("program_name", programName), ("here", here)])
        guard let socket = try setting(section, "socket", [socketLayer]), !socket.text.isEmpty else {
            throw problem(section, "requires a socket= line")
        }
        let address = try socketAddress(socket, programUID: programUID, owner: owner, mode: mode)
        let processes = try self.processes(section, group: programName, realtime: realtime)
        let kind = SupervisordGroup.SectionKind.fastCGI(SupervisordFastCGISocket(address: address, backlog: backlog))
        return SupervisordGroup(name: programName, priority: priority, kind: kind, processes: processes)
    }

    /// `unix:///absolute/path` or `tcp://host:port`.
    private func socketAddress(
        _ socket: Setting, programUID: UInt32?, owner: (uid: Int64, gid: Int64)?, mode: Int64?
    ) throws(UsageError) -> SupervisordFastCGISocket.Address {
        let bytes = PythonText.bytes(socket.text)
        if ASCII.hasPrefix(bytes, "unix://") {
            let path = PythonText.string(bytes[7...])
            guard PythonPath.isAbsolute(path) else { throw problem(socket, "Unix socket path " + path + " is not an absolute path") }
            var owner = owner
            if owner == nil, let uid = programUID, uid != host.uid {
                owner = (Int64(uid), Int64(host.users.user(id: uid)?.gid ?? 0))
            }
            return .unix(path: normalized(path), mode: mode ?? 0o700, owner: owner)
        }
        if owner != nil || mode != nil {
            throw problem(socket, "socket_owner and socket_mode params should only be used with a Unix domain socket")
        }
        // tcp://HOST:PORT, HOST without spaces or colons, PORT digits.
        if ASCII.hasPrefix(bytes, "tcp://"), let colon = bytes.lastIndex(of: UInt8(ascii: ":")), colon > 6 {
            let host = bytes[6..<colon]
            let port = bytes[(colon + 1)...]
            let hostValid = !host.contains(UInt8(ascii: ":")) && PythonText.splitOnSpaces(host).count == 1
                && PythonText.strip(host).count == host.count
            if hostValid, !port.isEmpty, Self.allDigits(port), case .value(let number) = PythonInt.parse(port) {
                guard number >= 1 && number <= 0xFFFF else {
                    throw problem(socket, decimal(number) + (number < 1 ? " is below lower bound (1)" : " is above upper bound (65535)"))
                }
                return .tcp(host: PythonText.string(PythonText.lowered(host)[...]), port: number)
            }
        }
        throw problem(socket, "Bad socket format " + socket.text)
    }

    /// `\d+`: decimal digits of any script, nothing else.
    static func allDigits(_ text: ArraySlice<UInt8>) -> Bool {
        var index = text.startIndex
        while index < text.endIndex {
            let found = PythonText.scalar(at: index, in: text)
            guard PythonInt.digitValue(found.value) != nil else { return false }
            index += found.length
        }
        return true
    }
}
