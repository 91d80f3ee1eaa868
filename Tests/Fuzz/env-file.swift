// Fuzz target: environment files (`--env-file NAME=FILE`, `env-file = "..."`),
// `EnvironmentFile.parse`.
//
// Input: the file's bytes.
@testable import VigilCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEnvironmentFile(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let entries = try EnvironmentFile.parse(bytes, lookup: { $0.utf8.count % 2 == 0 ? "even" : nil })
        for entry in entries {
            // Every entry is KEY=VALUE with a key of no blanks, and no NUL anywhere.
            let utf8 = Array(entry.utf8)
            guard let equals = utf8.firstIndex(of: UInt8(ascii: "=")) else { preconditionFailure("'\(entry)' has no =") }
            precondition(equals > 0 && !utf8[..<equals].contains(where: { $0 == 0x20 || $0 == 0x09 }), "'\(entry)'")
            precondition(!utf8.contains(0), "'\(entry)' holds a NUL")
        }
    } catch {
        precondition(error.line >= 1, "line \(error.line)")
    }
    return 0
}
