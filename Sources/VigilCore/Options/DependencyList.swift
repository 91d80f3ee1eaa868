/// What follows `--after NAME=`: `DEP[:CONDITION][,DEP[:CONDITION]...]`, or nothing ("depends
/// on nothing"). The names are checked against the processes later, with the whole graph.
enum DependencyList {
    /// The dependencies in `text`, in order; spaces around an entry are allowed.
    static func parse(_ text: String, place: String) throws(UsageError) -> [ProcessSpec.Dependency] {
        let bytes = Array(text.utf8)
        if bytes.allSatisfy({ $0 == 0x20 }) { return [] }
        var dependencies: [ProcessSpec.Dependency] = []
        for raw in ByteFields.fields(bytes[...], separator: UInt8(ascii: ",")) {
            let entry = trimmed(raw)
            let colon = entry.firstIndex(of: UInt8(ascii: ":"))
            let name = entry[..<(colon ?? entry.endIndex)]
            guard ProcessName.isValid(name) else {
                throw UsageError("\(place): expected NAME[:started|ready|done] entries separated by commas, got '\(text)'")
            }
            var condition: ProcessSpec.Condition? = nil
            if let colon {
                let word = entry[(colon + 1)...]
                guard let parsed = Self.condition(word) else {
                    throw UsageError("\(place): unknown condition '\(String(decoding: word, as: UTF8.self))'; expected started, ready or done")
                }
                condition = parsed
            }
            let dependency = ProcessSpec.Dependency(name: String(decoding: name, as: UTF8.self), condition: condition)
            guard !dependencies.contains(where: { ASCII.equals($0.name, dependency.name) }) else {
                throw UsageError("\(place): '\(dependency.name)' is named twice")
            }
            dependencies.append(dependency)
        }
        return dependencies
    }

    static func condition(_ word: some Collection<UInt8>) -> ProcessSpec.Condition? {
        if ASCII.equals(word, "started") { return .started }
        if ASCII.equals(word, "ready") { return .ready }
        if ASCII.equals(word, "done") { return .done }
        return nil
    }

    /// The condition's word, as `vigil status` shows it.
    static func name(of condition: ProcessSpec.Condition) -> String {
        switch condition {
        case .started: return "started"
        case .ready: return "ready"
        case .done: return "done"
        }
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while slice.first == 0x20 { slice = slice.dropFirst() }
        while slice.last == 0x20 { slice = slice.dropLast() }
        return slice
    }
}
