/// Reads one file into an `INIDocument` the way Python's `RawConfigParser._read` does with
/// supervisor's settings, line by line:
///
/// - Lines end at LF, CRLF or a lone CR (Python reads text files with universal newlines).
/// - A line whose stripped text starts with `#` or `;` is a comment. Elsewhere `;` or `#`
///   starts a comment when it begins the line or follows whitespace (`a;b` keeps its `;`).
/// - `[NAME]` starts a section: NAME is everything up to the last `]` (text after it is
///   ignored). A repeated section continues the first; `[DEFAULT]` holds defaults.
/// - `key = value` or `key: value`, split at the first `=` or `:`; the key in lower case, both
///   stripped. A repeated key replaces the earlier value.
/// - A line indented deeper than its key's line continues the value (joined with LF); blank
///   lines inside a value are kept, trailing ones dropped; comment lines are skipped.
/// - Anything before the first section is an error at once; other bad lines are collected
///   and the first is reported when the file ends, as Python does.
struct INIReader {
    /// The largest file read.
    static let maximumFileSize = 1 << 20

    var document = INIDocument()

    private struct ReaderState {
        var section: Int?             // index in sections, or -1 for [DEFAULT]
        var key: [UInt8]?             // the key whose value continuation lines extend
        var indent = 0
        var pending: [(section: Int, key: [UInt8], lines: [[UInt8]])] = []
        var firstError: INIError?
    }

    /// Reads `bytes`, the contents of `path`, after the files read before.
    mutating func read(_ bytes: [UInt8], path: String) throws(INIError) {
        let file = document.files.count
        document.files.append(path)
        guard bytes.count <= Self.maximumFileSize else {
            throw INIError(file: path, line: 1, message: "larger than 1 MiB; a configuration file is not that large")
        }
        if let bad = PythonText.firstInvalidUTF8(bytes) {
            var line = 1
            for (index, byte) in bytes[..<bad].enumerated()
            where byte == 0x0A || (byte == 0x0D && (index + 1 == bad || bytes[index + 1] != 0x0A)) {
                line += 1
            }
            throw INIError(file: path, line: line, message: "not valid UTF-8 (byte 0x" + hex(bytes[bad]) + ")")
        }
        var state = ReaderState()
        var number = 0
        for line in Self.lines(bytes[...]) {
            number += 1
            try readLine(line, number: number, file: file, path: path, state: &state)
        }
        for value in state.pending {
            var joined: [UInt8] = []
            for (index, line) in value.lines.enumerated() {
                if index > 0 { joined.append(0x0A) }
                joined.append(contentsOf: line)
            }
            let text = Array(PythonText.rstrip(joined[...]))
            if value.section < 0 {
                if let index = document.defaults.entries.firstIndex(where: { $0.key == value.key }) {
                    document.defaults.entries[index].value = text
                }
            } else if let index = document.sections[value.section].entries.firstIndex(where: { $0.key == value.key }) {
                document.sections[value.section].entries[index].value = text
            }
        }
        if let error = state.firstError { throw error }
    }

    private mutating func readLine(_ line: ArraySlice<UInt8>, number: Int, file: Int, path: String, state: inout ReaderState) throws(INIError) {
        let commentStart = Self.commentStart(line)
        let value = PythonText.strip(line[..<(commentStart ?? line.endIndex)])
        if value.isEmpty {
            // A blank line (not a comment) inside a value is part of it.
            if commentStart == nil, let section = state.section, let key = state.key, !key.isEmpty {
                appendLine([], section: section, key: key, state: &state)
            }
            return
        }
        let indent = Self.indentation(line)
        if let section = state.section, let key = state.key, !key.isEmpty, indent > state.indent {
            appendLine(Array(value), section: section, key: key, state: &state)
            return
        }
        state.indent = indent
        let place = INIPlace(file: file, line: number)
        if let name = Self.sectionName(value) {
            state.section = openSection(name, place: place)
            state.key = nil
            return
        }
        guard let section = state.section else {
            throw INIError(file: path, line: number, message: "a line before the first [section] header")
        }
        guard let delimiter = value.firstIndex(where: { $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: ":") }) else {
            if state.firstError == nil {
                state.firstError = INIError(file: path, line: number, message: "not a [section] header, a 'key = value' line or a comment")
            }
            return
        }
        let name = PythonText.rstrip(value[..<delimiter])
        if name.isEmpty && state.firstError == nil {
            state.firstError = INIError(file: path, line: number, message: "no key before '" + (value[delimiter] == UInt8(ascii: "=") ? "=" : ":") + "'")
        }
        let key = PythonText.lowered(name)
        let text = Array(PythonText.strip(value[(delimiter + 1)...]))
        setValue(INIEntry(key: key, value: text, place: place), section: section)
        state.pending.removeAll { $0.section == section && $0.key == key }
        state.pending.append((section, key, [text]))
        state.key = key
    }

    private mutating func appendLine(_ text: [UInt8], section: Int, key: [UInt8], state: inout ReaderState) {
        if let index = state.pending.firstIndex(where: { $0.section == section && $0.key == key }) {
            state.pending[index].lines.append(text)
        }
    }

    private mutating func setValue(_ entry: INIEntry, section: Int) {
        if section < 0 {
            document.defaults.set(entry)
        } else {
            document.sections[section].set(entry)
        }
    }

    /// The index of the section (existing or new), -1 for `[DEFAULT]`.
    private mutating func openSection(_ name: ArraySlice<UInt8>, place: INIPlace) -> Int {
        if let index = document.sections.firstIndex(where: { $0.name.elementsEqual(name) }) { return index }
        if ASCII.equals(name, "DEFAULT") { return -1 }
        document.sections.append(INISection(name: Array(name), place: place, introducedBy: place.file))
        return document.sections.count - 1
    }

    /// `[NAME]...`: NAME runs to the last `]`, and holds at least one character.
    static func sectionName(_ value: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        guard value.first == UInt8(ascii: "["), let close = value.lastIndex(of: UInt8(ascii: "]")),
              close >= value.startIndex + 2 else { return nil }
        return value[(value.startIndex + 1)..<close]
    }

    /// Where a comment starts, or nil. Python looks for `;` and `#` in rounds (the first of
    /// each, then the second of each...) and stops after the first round that finds a
    /// prefix at the line's start or after whitespace, taking the earliest found in that round.
    static func commentStart(_ line: ArraySlice<UInt8>) -> Int? {
        let stripped = PythonText.strip(line)
        if stripped.first == UInt8(ascii: "#") || stripped.first == UInt8(ascii: ";") { return line.startIndex }
        var searchFrom: [(prefix: UInt8, from: Int)] = [(UInt8(ascii: ";"), line.startIndex), (UInt8(ascii: "#"), line.startIndex)]
        while !searchFrom.isEmpty {
            var next: [(prefix: UInt8, from: Int)] = []
            var found: Int? = nil
            for (prefix, from) in searchFrom {
                guard let index = line[from...].firstIndex(of: prefix) else { continue }
                next.append((prefix, index + 1))
                if index == line.startIndex || PythonText.isSpace(PythonText.scalar(before: index, in: line).value) {
                    found = min(found ?? index, index)
                }
            }
            if found != nil { return found }
            searchFrom = next
        }
        return nil
    }

    /// The number of code points of whitespace before the first other character.
    static func indentation(_ line: ArraySlice<UInt8>) -> Int {
        var count = 0
        var index = line.startIndex
        while index < line.endIndex {
            let found = PythonText.scalar(at: index, in: line)
            guard PythonText.isSpace(found.value) else { return count }
            count += 1
            index += found.length
        }
        return 0
    }

    /// The lines of `bytes`, without their ends: LF, CRLF and a lone CR all end one.
    static func lines(_ bytes: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = bytes.startIndex
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == 0x0A || byte == 0x0D {
                lines.append(bytes[start..<index])
                if byte == 0x0D && index + 1 < bytes.endIndex && bytes[index + 1] == 0x0A { index += 1 }
                start = index + 1
            }
            index += 1
        }
        if start < bytes.endIndex { lines.append(bytes[start..<bytes.endIndex]) }
        return lines
    }

    private func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0xF)]], as: UTF8.self)
    }
}
