// Fuzz target: crontab files (`--crontab FILE`), `Crontab.parse`.
//
// Input: the file's bytes. What parses has its entries in line order, each with a command and
// a valid zone name if any; an error is one line that starts with the file's name.
@testable import VigilCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCrontab(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let crontab = try Crontab.parse(bytes, path: "crontab")
        var line = 0
        for entry in crontab.entries {
            precondition(entry.line > line, "entries out of order")
            line = entry.line
            precondition(!entry.command.isEmpty && !entry.shell.isEmpty)
            if let zone = entry.zone { precondition((try? ZoneName.validate(zone)) != nil, "zone '\(zone)'") }
            for variable in entry.environment { precondition(variable.utf8.contains(UInt8(ascii: "="))) }
        }
    } catch {
        precondition(!error.text.bytes.contains(0x0A), "a message of several lines: \(error.message)")
        precondition(error.text.bytes.starts(with: "crontab:".utf8), "no FILE:LINE: \(error.message)")
    }
    return 0
}
