/// A configuration in the INI dialect of Python's `RawConfigParser`, as supervisor configures
/// it (`strict=False`, inline comments after `;` or `#`): sections in the order they first
/// appear, a repeated section continuing the first, a repeated key replacing the earlier value
/// where the key first stood, keys in lower case, and `[DEFAULT]` giving every section the
/// keys it lacks. `INIReader` fills it, one file after another.
struct INIDocument: Equatable {
    /// The files read, in order: the first is the main file.
    var files: [String] = []
    /// Sections other than `[DEFAULT]`, in the order they first appeared.
    var sections: [INISection] = []
    /// The keys of `[DEFAULT]`.
    var defaults = INISection(name: Array("DEFAULT".utf8), place: INIPlace(file: 0, line: 0), introducedBy: 0)

    @inline(never)
    func section(_ name: String) -> INISection? {
        sections.first { $0.name.elementsEqual(name.utf8) }
    }

    @inline(never)
    func hasSection(_ name: String) -> Bool { section(name) != nil }

    /// A key of a section, or of `[DEFAULT]` when the section lacks it (`RawConfigParser.get`);
    /// nil when neither has it, or when there is no such section.
    @inline(never)
    func entry(_ section: String, _ key: String) -> INIEntry? {
        guard let found = self.section(section) else { return nil }
        return found.entry(key) ?? defaults.entry(key)
    }

    /// The keys of a section followed by those only `[DEFAULT]` has (`RawConfigParser.options`).
    @inline(never)
    func keys(of section: INISection) -> [[UInt8]] {
        var keys = section.entries.map { $0.key }
        for entry in defaults.entries where section.entry(entry.key) == nil { keys.append(entry.key) }
        return keys
    }

    /// "FILE:LINE" of a place.
    @inline(never)
    func describe(_ place: INIPlace) -> String {
        let file = place.file < files.count ? files[place.file] : "?"
        return file + ":" + decimal(place.line)
    }

    /// supervisor's `expand_here`: replaces `%(here)s` with `here`, as plain text, in every
    /// value of every section, the values a section takes from `[DEFAULT]` becoming its own.
    @inline(never)
    mutating func expandHere(_ here: String) {
        let marker = Array("%(here)s".utf8)
        let replacement = PythonText.bytes(here)
        for index in sections.indices {
            // Python's items(): [DEFAULT]'s keys first, then the section's own others.
            let own = sections[index].entries
            var order = defaults.entries.map { $0.key }
            for entry in own where defaults.entry(entry.key) == nil { order.append(entry.key) }
            for key in order {
                guard let current = sections[index].entry(key) ?? defaults.entry(key),
                      PythonText.firstRange(of: marker, in: current.value, from: 0) != nil
                else { continue }
                var replaced = current
                replaced.value = Self.replacing(marker, with: replacement, in: current.value)
                sections[index].set(replaced)
            }
        }
    }

    private static func replacing(_ marker: [UInt8], with replacement: [UInt8], in value: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var index = 0
        while let found = PythonText.firstRange(of: marker, in: value, from: index) {
            result.append(contentsOf: value[index..<found])
            result.append(contentsOf: replacement)
            index = found + marker.count
        }
        result.append(contentsOf: value[index...])
        return result
    }
}

/// Where something was written: a file of `INIDocument.files` and a line (from 1).
struct INIPlace: Equatable {
    var file: Int
    var line: Int
}

struct INISection: Equatable {
    var name: [UInt8]
    /// Its first header.
    var place: INIPlace
    /// The file that first had it (supervisor names that file in its errors).
    var introducedBy: Int
    var entries: [INIEntry] = []

    @inline(never)
    func entry(_ key: String) -> INIEntry? {
        entries.first { $0.key.elementsEqual(key.utf8) }
    }

    @inline(never)
    func entry(_ key: [UInt8]) -> INIEntry? {
        entries.first { $0.key == key }
    }

    /// Replaces the value of an existing key where it stands, or adds the key at the end.
    @inline(never)
    mutating func set(_ entry: INIEntry) {
        if let index = entries.firstIndex(where: { $0.key == entry.key }) {
            entries[index] = entry
        } else {
            entries.append(entry)
        }
    }

    var nameText: String { String(decoding: name, as: UTF8.self) }
}

struct INIEntry: Equatable {
    /// In lower case.
    var key: [UInt8]
    /// Continuation lines joined with LF, trailing whitespace removed, valid UTF-8.
    var value: [UInt8]
    /// The line of the key (of its last assignment).
    var place: INIPlace

    var text: String { String(decoding: value, as: UTF8.self) }
}

/// A line the reader cannot take, with the file and line.
struct INIError: Error, Equatable {
    var file: String
    var line: Int
    var message: String

    /// "FILE:LINE: message".
    var text: String { file + ":" + decimal(line) + ": " + message }
}
