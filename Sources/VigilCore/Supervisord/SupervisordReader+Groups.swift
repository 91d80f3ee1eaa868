// The groups, in supervisor's order of reading (`process_groups_from_parser`): `[group:x]`
// first (their programs belong to them alone), then each remaining `[program:x]` as a group of
// its own, then `[eventlistener:x]` pools, then `[fcgi-program:x]`; finally sorted by priority
// and name, which is the order supervisord starts them.
extension SupervisordReader {
    mutating func readGroups(realtime: RealtimeSignals = .current) throws(UsageError) {
        var groups: [SupervisordGroup] = []
        var claimed: [[UInt8]] = []
        let layers = [hereLayer]
        for section in sections(startingWith: "group:") {
            let groupName = try name(of: section)
            let programs = SupervisordValues.listOfStrings(try setting(section, "programs", layers)?.text ?? "")
            let priority = try integer(section, "priority", layers, 999)
            var processes: [SupervisordProgram] = []
            // (supervisor names the previous member's section in these errors; vigil names the group's.)
            let shownSection = section.nameText
            for program in programs {
                let plain = document.section("program:" + program)
                let fastCGI = document.section("fcgi-program:" + program)
                guard let member = plain ?? fastCGI else {
                    throw supervisordError(document.describe(section.place), "[" + shownSection + "] names unknown program or fcgi-program " + program)
                }
                if plain != nil && fastCGI != nil {
                    throw supervisordError(document.describe(section.place), "[" + shownSection + "] name " + program + " is ambiguous (exists as program and fcgi-program)")
                }
                claimed.append(member.name)
                processes += try self.processes(member, group: groupName, realtime: realtime)
            }
            groups.append(SupervisordGroup(name: groupName, priority: priority, kind: .programs, processes: processes))
        }
        for section in sections(startingWith: "program:") where !claimed.contains(section.name) {
            let programName = try name(of: section)
            let priority = try integer(section, "priority", layers, 999)
            let processes = try self.processes(section, group: programName, realtime: realtime)
            groups.append(SupervisordGroup(name: programName, priority: priority, kind: .programs, processes: processes))
        }
        for section in sections(startingWith: "eventlistener:") {
            groups.append(try listenerPool(section, realtime: realtime))
        }
        for section in sections(startingWith: "fcgi-program:") where !claimed.contains(section.name) {
            groups.append(try fastCGIGroup(section, realtime: realtime))
        }
        let total = groups.reduce(0) { $0 + $1.processes.count }
        guard total <= Self.maximumProcesses else {
            throw supervisordError(configFile, decimal(total) + " processes; vigil runs at most " + decimal(Self.maximumProcesses))
        }
        configuration.groups = StableOrder.indices(groups.count) { left, right in
            groups[left].priority != groups[right].priority
                ? groups[left].priority < groups[right].priority : StableOrder.precedes(groups[left].name, groups[right].name)
        }.map { groups[$0] }
    }

    private mutating func listenerPool(_ section: INISection, realtime: RealtimeSignals) throws(UsageError) -> SupervisordGroup {
        let colon = section.name.firstIndex(of: UInt8(ascii: ":")) ?? section.name.count
        let poolName = PythonText.string(section.name[min(colon + 1, section.name.count)...])
        let layers = [hereLayer]
        let priority = try integer(section, "priority", layers, -1)
        let bufferSize = try integer(section, "buffer_size", layers, 10)
        if bufferSize < 1 { throw problem(section, "sets invalid buffer_size (" + decimal(bufferSize) + "); it must be 1 or more") }
        let handler = try setting(section, "result_handler", layers)
        let resultHandler = handler?.text ?? "supervisor.dispatchers:default_handler"
        if let handler {
            guard Self.isEntryPoint(PythonText.bytes(handler.text)) else {
                throw problem(handler, handler.text + " is not a Python entry point (module:function)")
            }
            if !ASCII.equals(resultHandler, "supervisor.dispatchers:default_handler") {
                configuration.notices.append(SupervisordNotice(level: .warning, text: "[" + section.nameText + "] result_handler "
                    + resultHandler + " is Python code vigil cannot run; the listener's results are read as by the default handler (OK accepts)"))
            }
        }
        let events = try setting(section, "events", layers)
        var names: [String] = []
        for name in SupervisordValues.listOfStrings(events?.text ?? "") {
            let upper = PythonText.string(PythonText.uppered(PythonText.bytes(name)[...])[...])
            if !names.contains(where: { PythonText.same($0, upper) }) { names.append(upper) }
        }
        guard let events, !names.isEmpty else { throw problem(section, "requires an events= line") }
        for name in names where ListenerEventType(name: name) == nil {
            throw problem(events, "Unknown event type " + name)
        }
        if try boolean(section, "redirect_stderr", layers, false), let redirect = try setting(section, "redirect_stderr", layers) {
            throw problem(redirect, "true is not allowed: it would interfere with the eventlistener protocol")
        }
        let processes = try self.processes(section, group: poolName, realtime: realtime)
        let pool = SupervisordListenerPool(bufferSize: bufferSize, events: names, resultHandler: resultHandler)
        return SupervisordGroup(name: poolName, priority: priority, kind: .eventListenerPool(pool), processes: processes)
    }

    /// Whether `module[:attribute]` (and optional `[extras]`) is what Python's entry point syntax
    /// accepts; anything may precede an `=`.
    static func isEntryPoint(_ text: [UInt8]) -> Bool {
        func isWord(_ byte: UInt8) -> Bool {
            byte >= 0x80 || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
                || (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A)
        }
        func matches(_ rest: ArraySlice<UInt8>) -> Bool {
            var part = PythonText.strip(rest)
            if part.last == UInt8(ascii: "]"), let open = part.firstIndex(of: UInt8(ascii: "[")) {
                part = PythonText.rstrip(part[..<open])
            }
            let pieces = part.split(separator: UInt8(ascii: ":"), maxSplits: 1, omittingEmptySubsequences: false)
            guard pieces.count <= 2 else { return false }
            for piece in pieces {
                let word = PythonText.strip(piece)
                guard !word.isEmpty, word.allSatisfy(isWord) else { return false }
            }
            return true
        }
        if matches(text[...]) { return true }
        for (index, byte) in text.enumerated() where byte == UInt8(ascii: "=") && matches(text[(index + 1)...]) { return true }
        return false
    }
}
