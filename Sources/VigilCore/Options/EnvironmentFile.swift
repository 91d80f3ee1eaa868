/// An environment file in Docker's `--env-file` format: one `KEY=VALUE` a line, the value taken
/// as it is (quotes and trailing spaces included); a line of `KEY` alone takes vigil's own
/// value, and is left out when vigil has none; blank lines and lines starting with `#` are
/// skipped, as are spaces and tabs before the key.
enum EnvironmentFile {
    /// A line that is not an entry: its number (from 1) and what is wrong.
    struct LineProblem: Error, Equatable {
        let line: Int
        let message: LogText
    }

    /// The entries, `KEY=VALUE` each, in the file's order. `lookup` gives vigil's own value of a
    /// key named alone.
    static func parse(_ bytes: [UInt8], lookup: (String) -> String?) throws(LineProblem) -> [String] {
        var body = bytes[...]
        if ASCII.hasPrefix(body, "\u{FEFF}") { body = body.dropFirst(3) }
        var entries: [String] = []
        var number = 0
        for rawLine in ByteFields.fields(body, separator: 0x0A) {
            number += 1
            var line = rawLine
            if line.last == 0x0D { line = line.dropLast() }
            while let first = line.first, first == 0x20 || first == 0x09 { line = line.dropFirst() }
            if line.isEmpty || line.first == UInt8(ascii: "#") { continue }
            guard !line.contains(0) else { throw LineProblem(line: number, message: "a NUL byte cannot be passed in the environment") }
            guard isUTF8(line) else { throw LineProblem(line: number, message: "not valid UTF-8") }
            let equals = line.firstIndex(of: UInt8(ascii: "="))
            let key = line[..<(equals ?? line.endIndex)]
            let keyText = String(decoding: key, as: UTF8.self)
            guard !key.isEmpty else {
                throw LineProblem(line: number, message: "no variable name in '\(String(decoding: line, as: UTF8.self))'")
            }
            guard !key.contains(where: { $0 == 0x20 || $0 == 0x09 }) else {
                throw LineProblem(line: number, message: "variable '\(keyText)' contains whitespace")
            }
            if equals != nil {
                entries.append(String(decoding: line, as: UTF8.self))
            } else if let value = lookup(keyText) {
                entries.append(keyText + "=" + value)
            }
        }
        return entries
    }

    /// Whether `bytes` are well-formed UTF-8.
    private static func isUTF8(_ bytes: ArraySlice<UInt8>) -> Bool {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            guard let (_, length) = UTF8Scan.scalar(bytes, at: index) else { return false }
            index += length
        }
        return true
    }
}
