// Fuzz target: my_init's command line (`MyInitCommandLine.parse`), as argparse reads it.
//
// Input: the words after `my_init`, separated by 0 bytes. What parses keeps every word that is
// not an option, in order; `--skip-runit` comes with a command; an error is one line.
@testable import VigilCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMyInitCommandLine(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let words = bytes.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    do {
        let line = try MyInitCommandLine.parse(size == 0 ? [] : words)
        precondition(line.help || !line.skipRunit || !line.command.isEmpty)
        precondition(line.command.count <= words.count)
    } catch {
        precondition(!error.text.bytes.contains(0x0A), "a message of several lines: \(error.message)")
    }
    return 0
}
