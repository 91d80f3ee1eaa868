// Fuzz target: what `vigil ps` prints, `TerminalText`, `JSONText` and `PsFormatter`.
//
// Input: bytes that are escaped both ways, and also read as a small snapshot (see
// `snapshot(from:)`) that is formatted as a flat table, a tree and JSON. Terminal text must
// have no control byte and unescape back to the input; a JSON string must decode to what
// Swift's own UTF-8 decoding gives; a table has exactly one line per process.
@testable import VigilCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPsOutput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    var terminal: [UInt8] = []
    TerminalText.append(input, to: &terminal)
    precondition(!terminal.contains { $0 < 0x20 || $0 == 0x7F }, "a control byte on the terminal")
    precondition(unescape(terminal) == input, "terminal escaping is not reversible")
    var json: [UInt8] = []
    JSONText.appendString(input, to: &json)
    precondition(decodeJSONString(json) == Array(String(decoding: input, as: UTF8.self).unicodeScalars),
                 "the JSON string does not decode to the input")

    let snapshot = snapshot(from: input)
    let header = snapshot.target == nil ? 2 : 3
    for tree in [false, true] {
        let text = PsFormatter.text(snapshot, tree: tree)
        precondition(text.filter { $0 == 0x0A }.count == header + snapshot.processes.count, "one line per process")
        precondition(!text.contains { ($0 < 0x20 && $0 != 0x0A) || $0 == 0x7F }, "a control byte in the table")
    }
    let output = PsFormatter.json(snapshot)
    precondition(!output.contains { $0 < 0x20 && $0 != 0x0A }, "a raw control byte in JSON")
    precondition(String(validating: output, as: UTF8.self) != nil, "JSON that is not UTF-8")
    return 0
}

/// Records of 8 bytes (pid, parent, group, state, uid, flags, name length, command length),
/// each followed by its name and command line bytes, until the input runs out.
private func snapshot(from input: [UInt8]) -> ProcessSnapshot {
    var snapshot = ProcessSnapshot()
    var index = 0
    snapshot.clockTicks = UInt64(input.first ?? 100)
    if input.count % 3 == 0 { snapshot.target = TargetNamespace(hostPID: 7, inode: 9) }
    while index + 8 <= input.count, snapshot.processes.count < 64 {
        let field = input[index..<(index + 8)].map { Int32($0) }
        index += 8
        var record = ProcessRecord(
            pid: field[0] - 16, parent: field[1] - 16, processGroup: field[2] - 16, state: UInt8(field[3]),
            uid: field[4] == 255 ? nil : UInt32(field[4]), residentKiB: UInt64(field[5]) << 40,
            cpuTicks: UInt64(field[4]) << 50, startTicks: UInt64(field[5]) << 20)
        record.hostPID = field[0] << 24
        let nameEnd = min(input.count, index + Int(field[6]) % 20)
        let lineEnd = min(input.count, nameEnd + Int(field[7]))
        snapshot.append(record, name: input[index..<nameEnd], commandLine: input[nameEnd..<lineEnd],
                        truncated: field[5] & 1 == 1)
        index = lineEnd
    }
    snapshot.users = UserDatabase.parse(input)
    snapshot.sortByPID()
    return snapshot
}

/// Reverses `TerminalText.append`; nil when the text could not have come from it.
private func unescape(_ text: [UInt8]) -> [UInt8]? {
    var out: [UInt8] = []
    var index = 0
    func hex(_ at: Int, _ count: Int) -> UInt32? {
        guard at + count <= text.count else { return nil }
        var value: UInt32 = 0
        for byte in text[at..<(at + count)] {
            switch byte {
            case 0x30...0x39: value = value << 4 | UInt32(byte - 0x30)
            case 0x61...0x66: value = value << 4 | UInt32(byte - 0x61 + 10)
            default: return nil
            }
        }
        return value
    }
    while index < text.count {
        guard text[index] == 0x5C else {
            out.append(text[index])
            index += 1
            continue
        }
        guard index + 1 < text.count else { return nil }
        switch text[index + 1] {
        case UInt8(ascii: "n"): out.append(0x0A); index += 2
        case UInt8(ascii: "t"): out.append(0x09); index += 2
        case UInt8(ascii: "r"): out.append(0x0D); index += 2
        case 0x5C: out.append(0x5C); index += 2
        case UInt8(ascii: "x"):
            guard let byte = hex(index + 2, 2) else { return nil }
            out.append(UInt8(byte))
            index += 4
        case UInt8(ascii: "u"):
            guard index + 7 < text.count, text[index + 2] == UInt8(ascii: "{"), text[index + 7] == UInt8(ascii: "}"),
                  let value = hex(index + 3, 4), let scalar = Unicode.Scalar(value)
            else { return nil }
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
            index += 8
        default: return nil
        }
    }
    return out
}

/// Decodes a JSON string literal (RFC 8259) into scalars; nil when it is not one, or holds a
/// surrogate escape (JSONText writes none: it escapes only scalars of the first plane).
private func decodeJSONString(_ text: [UInt8]) -> [Unicode.Scalar]? {
    guard text.count >= 2, text.first == 0x22, text.last == 0x22,
          let body = String(validating: text[1..<(text.count - 1)], as: UTF8.self)
    else { return nil }
    var scalars: [Unicode.Scalar] = []
    var iterator = body.unicodeScalars.makeIterator()
    while let scalar = iterator.next() {
        if scalar.value < 0x20 || scalar == "\"" { return nil }
        guard scalar == "\\" else {
            scalars.append(scalar)
            continue
        }
        guard let escape = iterator.next() else { return nil }
        switch escape {
        case "\"", "\\", "/": scalars.append(escape)
        case "b": scalars.append("\u{8}")
        case "f": scalars.append("\u{C}")
        case "n": scalars.append("\n")
        case "r": scalars.append("\r")
        case "t": scalars.append("\t")
        case "u":
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let digit = iterator.next(), let number = UInt32(String(digit), radix: 16) else { return nil }
                value = value << 4 | number
            }
            guard let decoded = Unicode.Scalar(value) else { return nil }
            scalars.append(decoded)
        default: return nil
        }
    }
    return scalars
}
