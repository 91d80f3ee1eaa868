// Fuzz target: /proc/PID/stat, `ProcessStat.parse` (read by `vigil ps` for every process, and
// meant to replace `ProcessTable.entry`'s inline parsing).
//
// Input: the file's contents. A parsed name must be exactly the bytes between the first '('
// and the last ')', and the state a printable byte.
@testable import VigilCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProcStat(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    guard let stat = ProcessStat.parse(input) else { return 0 }
    let open = input.firstIndex(of: UInt8(ascii: "("))!
    let close = input.lastIndex(of: UInt8(ascii: ")"))!
    precondition(stat.comm == Array(input[(open + 1)..<close]), "name is not what the parentheses hold")
    precondition(stat.pid > 0, "pid \(stat.pid)")
    precondition(stat.state > 0x20 && stat.state < 0x7F, "state \(stat.state)")
    // The same bytes as a slice of a larger buffer parse the same way.
    let padded = [UInt8(ascii: "x")] + input + [UInt8(ascii: "y")]
    precondition(ProcessStat.parse(padded[1..<(padded.count - 1)]) == stat, "slice parses differently")
    return 0
}
