/// A `.env` file as honcho reads it for `honcho start` (not Docker's `--env-file` format, whose
/// lines are taken literally). Each line is split into words by `Shlex`; it sets a variable
/// when it has at least three words, the second is `=` and the first starts with a letter or
/// `_`: the value is the remaining words joined with nothing between them, then `\n` and `\t`
/// (backslash and letter, as left by quotes) become a newline and a tab. So:
/// - blanks outside quotes vanish (`A=b c` sets `bc`), `#` outside quotes starts a comment,
///   and quotes and backslashes work as in a shell, `A = 1` included;
/// - `A=` sets nothing (write `A=''` for an empty value), nor does `export A=1`, `A-B=1` or
///   `1A=2`: honcho skips such lines silently, and vigil lists them in `skippedLines` so that
///   it can warn;
/// - an unclosed quote or a backslash ending the line stops honcho with a traceback; vigil
///   refuses it with `FILE:LINE`, and a variable whose name holds `=` or whose name or value
///   holds a NUL byte (which no environment can hold).
/// A variable set twice keeps its first place and takes the later value, across files too.
struct ProcfileEnvironment: Equatable {
    struct Variable: Equatable {
        var name: String
        var value: String
    }

    var variables: [Variable] = []
    /// 1-based numbers of lines that are neither blank nor comments and set nothing.
    var skippedLines: [Int] = []

    static func parse(_ bytes: [UInt8], path: String) throws(ProcfileError) -> ProcfileEnvironment {
        var environment = ProcfileEnvironment()
        for (offset, range) in try PythonText.lines(of: bytes, path: path).enumerated() {
            let words: [[UInt8]]
            do {
                words = try Shlex.words(bytes, range)
            } catch {
                let what: LogText = error == .noClosingQuote ? "a quote is not closed" : "a backslash ends the line"
                throw ProcfileError(path, line: offset + 1, what)
            }
            if words.isEmpty { continue }
            guard words.count >= 3, ASCII.equals(words[1], "="), let first = words[0].first,
                  first == UInt8(ascii: "_") || (first | 0x20 >= 0x61 && first | 0x20 <= 0x7A) else {
                environment.skippedLines.append(offset + 1)
                continue
            }
            let name = words[0]
            let value = unescaped(words[2...].flatMap { $0 })
            guard !name.contains(UInt8(ascii: "=")) && !name.contains(0) && !value.contains(0) else {
                throw ProcfileError(path, line: offset + 1, "a variable name cannot hold '=', nor a name or value a NUL byte")
            }
            environment.set(PythonText.string(name[...]), PythonText.string(value[...]))
        }
        return environment
    }

    /// The value of `name`, if set.
    func value(of name: String) -> String? {
        for variable in variables where ASCII.equals(variable.name, name) { return variable.value }
        return nil
    }

    /// Sets `name`, in place when it is set already.
    mutating func set(_ name: String, _ value: String) {
        for index in variables.indices where ASCII.equals(variables[index].name, name) {
            variables[index].value = value
            return
        }
        variables.append(Variable(name: name, value: value))
    }

    /// `other`'s variables over these, as honcho reads several files (`-e a,b`) as one.
    mutating func merge(_ other: ProcfileEnvironment) {
        for variable in other.variables { set(variable.name, variable.value) }
    }

    /// `\n` and `\t` as a newline and a tab.
    private static func unescaped(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count,
               bytes[index + 1] == UInt8(ascii: "n") || bytes[index + 1] == UInt8(ascii: "t") {
                result.append(bytes[index + 1] == UInt8(ascii: "n") ? 0x0A : 0x09)
                index += 2
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return result
    }
}
