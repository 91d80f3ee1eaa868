/// A Procfile, read as honcho 2 reads it (foreman's rule is the same), so that an application
/// that runs with `honcho start` runs under `vigil --procfile` unchanged:
/// - a process type is a line `NAME: COMMAND` whose NAME, at the very start of the line, is
///   letters, digits, `_` and `-`; the colon may be followed by blanks (Python's `\s`, Unicode
///   spaces included), and COMMAND is the rest of the line as written, trailing blanks too;
/// - lines end where Python's `splitlines` ends them (`\n`, `\r\n`, `\r`, and the rarer breaks
///   `PythonText` lists); the file is UTF-8.
///
/// honcho skips every other line without a word, so that a typo silently drops a process. vigil
/// skips only blank lines and comments (`#` after optional blanks) and refuses any other line,
/// and a NAME with nothing after its colon, with `FILE:LINE: what`. A NAME given twice is an
/// error in both. A NAME longer than `longestType` bytes is refused: each process is named
/// `NAME.N`, and a process name has at most `ProcessName.maximumLength` bytes.
struct Procfile: Equatable {
    struct ProcessType: Equatable {
        var name: String
        var command: String
        /// 1-based, as `PythonText.lines` counts.
        var line: Int
    }

    /// In file order.
    var types: [ProcessType] = []

    /// Room for `.N` with N up to `ProcfilePlan.mostInstances`.
    static let longestType = ProcessName.maximumLength - 5

    static func parse(_ bytes: [UInt8], path: String) throws(ProcfileError) -> Procfile {
        var procfile = Procfile()
        for (offset, range) in try PythonText.lines(of: bytes, path: path).enumerated() {
            let number = offset + 1
            var index = range.lowerBound
            while index < range.upperBound, isNameByte(bytes[index]) { index += 1 }
            let name = PythonText.string(bytes[range.lowerBound..<index])
            guard index > range.lowerBound, index < range.upperBound, bytes[index] == UInt8(ascii: ":") else {
                if isBlankOrComment(bytes, range) { continue }
                throw ProcfileError(path, line: number, "expected NAME: COMMAND with a NAME of letters, digits, '_' and '-' at the start of the line, found '\(PythonText.string(bytes[range]))' (honcho would skip it)")
            }
            index += 1
            while index < range.upperBound, PythonText.space(bytes, at: index) > 0 { index += PythonText.space(bytes, at: index) }
            guard index < range.upperBound else { throw ProcfileError(path, line: number, "no command after '\(name):'") }
            guard name.utf8.count <= longestType else {
                throw ProcfileError(path, line: number, "the process type '\(name)' is longer than \(longestType) bytes")
            }
            if let earlier = procfile.type(named: name) {
                throw ProcfileError(path, line: number, "the process type '\(name)' is already on line \(earlier.line)")
            }
            procfile.types.append(ProcessType(name: name, command: PythonText.string(bytes[index..<range.upperBound]), line: number))
        }
        guard !procfile.types.isEmpty else { throw ProcfileError("\(path): no process types (lines NAME: COMMAND)") }
        return procfile
    }

    func type(named name: String) -> ProcessType? {
        for type in types where ASCII.equals(type.name, name) { return type }
        return nil
    }

    /// What honcho's pattern allows in a NAME: `[A-Za-z0-9_-]`.
    static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: "-")
    }

    private static func isBlankOrComment(_ bytes: [UInt8], _ range: Range<Int>) -> Bool {
        var index = range.lowerBound
        while index < range.upperBound, PythonText.space(bytes, at: index) > 0 { index += PythonText.space(bytes, at: index) }
        return index == range.upperBound || bytes[index] == UInt8(ascii: "#")
    }
}
