// Fuzz target: the configuration file (`TOML.parse`, the TOML subset vigil reads).
//
// Input: the file's bytes. A document that parses keeps positions inside the input, and an
// error names a line and column inside it, with a one-line message.
@testable import VigilCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfigFile(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let lines = bytes.filter { $0 == 0x0A }.count + 1
    do {
        let document = try TOML.parse(bytes)
        precondition(!document.tables.isEmpty && document.tables[0].path.isEmpty, "no root table")
        for table in document.tables {
            precondition(table.position.line >= 1 && table.position.line <= lines, "table outside the input")
            for entry in table.entries {
                precondition(entry.position.line >= 1 && entry.position.line <= lines, "key outside the input")
            }
        }
    } catch {
        precondition(error.line >= 1 && error.line <= lines && error.column >= 1, "error outside the input")
        precondition(!error.message.isEmpty && !error.message.utf8.contains(0x0A), "a message of several lines")
    }
    return 0
}
