// Fuzz target: honcho's `.env` files (`ProcfileEnvironment.parse`), read with `Shlex` words.
//
// Input: the file's bytes. What parses sets each name once, names that start with a letter or
// `_` and hold no `=` or NUL; skipped lines are in order; an error is one line with FILE:LINE.
@testable import VigilCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProcfileEnvironment(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let environment = try ProcfileEnvironment.parse(bytes, path: ".env")
        for (index, variable) in environment.variables.enumerated() {
            let name = Array(variable.name.utf8)
            precondition(!name.isEmpty && !name.contains(UInt8(ascii: "=")) && !name.contains(0))
            precondition(name[0] == UInt8(ascii: "_") || (name[0] | 0x20 >= 0x61 && name[0] | 0x20 <= 0x7A), "name '\(variable.name)'")
            precondition(!variable.value.utf8.contains(0))
            for other in environment.variables[..<index] { precondition(other.name != variable.name, "'\(variable.name)' twice") }
        }
        precondition(environment.skippedLines == environment.skippedLines.sorted())
    } catch {
        precondition(!error.text.bytes.contains(0x0A), "a message of several lines: \(error.message)")
        precondition(error.text.bytes.starts(with: ".env:".utf8), "no FILE:LINE: \(error.message)")
    }
    return 0
}
