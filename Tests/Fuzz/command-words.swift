// Fuzz target: the command strings of `--init` and `--sidecar` (`CommandWords.split`).
//
// Input: the command string. Whatever it splits into, quoted again word by word with single
// quotes, must split back into the same words.
@testable import VigilCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCommandWords(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let words = try CommandWords.split(text)
        precondition(!words.isEmpty, "an empty command was accepted")
        var quoted: [UInt8] = []
        for word in words {
            if !quoted.isEmpty { quoted.append(0x20) }
            quoted.append(0x27)
            for byte in word.utf8 {
                if byte == 0x27 { quoted += Array("'\\''".utf8) } else { quoted.append(byte) }
            }
            quoted.append(0x27)
        }
        let again = try CommandWords.split(String(decoding: quoted, as: UTF8.self))
        precondition(again == words, "quoted words split differently: \(words) -> \(again)")
    } catch {
        precondition(!error.message.isEmpty && error.column >= 1, "an error without a message or column")
        precondition(!error.message.utf8.contains(0x0A), "a message of several lines")
    }
    return 0
}
