/// The words of errors about names vigil does not know (a flag, a key of the file, a
/// process's setting), with the nearest known name when one is close: `--gracee` finds
/// `--grace`.
enum UnknownNames {
    /// "unknown option '--gracee'; did you mean '--grace'?" (`dashes`: "--" or "-").
    static func option(_ name: String, dashes: String, known: [String]) -> UsageError {
        guard dashes.utf8.count == 2, let nearest = NearestName.among(known, for: name) else {
            return UsageError("unknown option '\(dashes)\(name)'")
        }
        return UsageError("unknown option '\(dashes)\(name)'; did you mean '--\(nearest)'?")
    }

    /// A top-level key of the file that is no option the file can set. `place` is
    /// "FILE:LINE:COLUMN: key".
    static func fileKey(_ key: String, place: String) -> UsageError {
        if let spec = OptionTable.spec(long: key.utf8) {
            if spec.id == .initTask || spec.id == .sidecar || spec.id == .task {
                return UsageError("\(place): processes are tables: [\(key).NAME] with a command")
            }
            if ProcessSettings.index(named: key.utf8) != nil {
                return UsageError("\(place): a process's setting: write it in [main], [init.NAME] or [sidecar.NAME]")
            }
            return UsageError("\(place): not an option the file can set")
        }
        guard let nearest = NearestName.among(fileOptionNames, for: key) else {
            return UsageError("\(place): unknown option")
        }
        return UsageError("\(place): unknown option; did you mean '\(nearest)'?")
    }

    /// A key of a process's table that is no setting: "unknown setting 'redy'; did you mean
    /// 'ready'?".
    static func setting(_ key: String, place: String) -> UsageError {
        let names = ["command"] + ProcessSettings.table.map { $0.name }
        guard let nearest = NearestName.among(names, for: key) else { return UsageError("\(place): unknown setting '\(key)'") }
        return UsageError("\(place): unknown setting '\(key)'; did you mean '\(nearest)'?")
    }

    /// The names of the options the file's top level takes.
    static var fileOptionNames: [String] {
        OptionTable.all.filter { ConfigFile.takes($0) }.map { $0.long }
    }
}
