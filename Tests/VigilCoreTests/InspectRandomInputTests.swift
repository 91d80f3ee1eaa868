import Testing
@testable import VigilCore

/// Deterministic random inputs for every parser and writer of `vigil ps`, checked against
/// invariants rather than expected values. libFuzzer targets (Tests/Fuzz) check the same
/// invariants for as long as one lets them run; these keep a few thousand cases in every
/// `swift test`.
struct RandomBytes {
    var state: UInt64

    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    /// Bytes that are mostly the ones the formats care about, sometimes anything.
    mutating func bytes(maximum: Int = 200) -> [UInt8] {
        let alphabet = Array("()Z S 0123456789-:/\\,#+\n\t.kBmaxNSpidUVmRSS:\u{1B}é".utf8) + [0, 0x7F, 0xC2, 0x9B, 0xE2, 0x80, 0xAE, 0xFF, 0xED, 0xF4]
        return (0..<below(maximum + 1)).map { _ in below(4) == 0 ? UInt8(truncatingIfNeeded: next()) : alphabet[below(alphabet.count)] }
    }

    /// A valid sample with a few bytes changed, inserted or removed.
    mutating func mutate(_ sample: [UInt8]) -> [UInt8] {
        var bytes = sample
        for _ in 0..<(1 + below(4)) {
            let position = bytes.isEmpty ? 0 : below(bytes.count)
            switch below(3) {
            case 0 where !bytes.isEmpty: bytes[position] = UInt8(truncatingIfNeeded: next())
            case 1: bytes.insert(contentsOf: self.bytes(maximum: 8), at: position)
            default: if !bytes.isEmpty { bytes.removeSubrange(position..<min(bytes.count, position + 1 + below(8))) }
            }
        }
        return bytes
    }
}

/// Reverses `TerminalText.append`; nil when the text could not have come from it.
func unescapeTerminal(_ text: [UInt8]) -> [UInt8]? {
    var out: [UInt8] = []
    var index = 0
    func hex(_ byte: UInt8) -> UInt32? {
        switch byte {
        case 0x30...0x39: return UInt32(byte - 0x30)
        case 0x61...0x66: return UInt32(byte - 0x61 + 10)
        default: return nil
        }
    }
    while index < text.count {
        let byte = text[index]
        if byte < 0x20 || byte == 0x7F { return nil }
        guard byte == 0x5C else {
            out.append(byte)
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
            guard index + 3 < text.count, let high = hex(text[index + 2]), let low = hex(text[index + 3]) else { return nil }
            out.append(UInt8(high << 4 | low))
            index += 4
        case UInt8(ascii: "u"):
            guard index + 7 < text.count, text[index + 2] == UInt8(ascii: "{"), text[index + 7] == UInt8(ascii: "}") else { return nil }
            var scalar: UInt32 = 0
            for offset in 3...6 {
                guard let digit = hex(text[index + offset]) else { return nil }
                scalar = scalar << 4 | digit
            }
            guard let unicode = Unicode.Scalar(scalar) else { return nil }
            out.append(contentsOf: Array(String(Character(unicode)).utf8))
            index += 8
        default: return nil
        }
    }
    return out
}

/// Decodes a JSON string literal (RFC 8259) into scalars; nil when it is not one.
func decodeJSONString(_ text: [UInt8]) -> [Unicode.Scalar]? {
    guard text.count >= 2, text.first == 0x22, text.last == 0x22 else { return nil }
    let body = Array(text[1..<(text.count - 1)])
    guard String(validating: body, as: UTF8.self) != nil else { return nil }
    var scalars: [Unicode.Scalar] = []
    var index = 0
    func hex4(_ at: Int) -> UInt32? {
        guard at + 4 <= body.count else { return nil }
        var value: UInt32 = 0
        for byte in body[at..<(at + 4)] {
            switch byte {
            case 0x30...0x39: value = value << 4 | UInt32(byte - 0x30)
            case 0x61...0x66: value = value << 4 | UInt32(byte - 0x61 + 10)
            case 0x41...0x46: value = value << 4 | UInt32(byte - 0x41 + 10)
            default: return nil
            }
        }
        return value
    }
    let decoded = Array(String(decoding: body, as: UTF8.self).unicodeScalars)
    var utf8Offsets: [Int] = []
    var offset = 0
    for scalar in decoded {
        utf8Offsets.append(offset)
        offset += String(Character(scalar)).utf8.count
    }
    var scalarIndex = 0
    while index < body.count {
        while scalarIndex < utf8Offsets.count, utf8Offsets[scalarIndex] < index { scalarIndex += 1 }
        let byte = body[index]
        if byte < 0x20 || byte == 0x22 { return nil }
        if byte != 0x5C {
            let scalar = decoded[scalarIndex]
            scalars.append(scalar)
            index += String(Character(scalar)).utf8.count
            continue
        }
        guard index + 1 < body.count else { return nil }
        let escape = body[index + 1]
        index += 2
        switch escape {
        case 0x22: scalars.append("\"")
        case 0x5C: scalars.append("\\")
        case 0x2F: scalars.append("/")
        case UInt8(ascii: "b"): scalars.append("\u{8}")
        case UInt8(ascii: "f"): scalars.append("\u{C}")
        case UInt8(ascii: "n"): scalars.append("\n")
        case UInt8(ascii: "r"): scalars.append("\r")
        case UInt8(ascii: "t"): scalars.append("\t")
        case UInt8(ascii: "u"):
            guard let unit = hex4(index) else { return nil }
            index += 4
            if unit >= 0xD800 && unit < 0xDC00 {
                guard index + 6 <= body.count, body[index] == 0x5C, body[index + 1] == UInt8(ascii: "u"),
                      let low = hex4(index + 2), low >= 0xDC00, low < 0xE000
                else { return nil }
                index += 6
                scalars.append(Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))!)
            } else {
                guard let scalar = Unicode.Scalar(unit) else { return nil }
                scalars.append(scalar)
            }
        default: return nil
        }
    }
    return scalars
}

@Suite struct InspectRandomInputTests {
    static let iterations = 3000

    @Test func theStatParserFindsTheNameOrNothing() {
        var random = RandomBytes(state: 0x1234_5678_9ABC_DEF1)
        let sample = statLine(comm: "a) b")
        for _ in 0..<Self.iterations {
            let input = random.below(2) == 0 ? random.mutate(sample) : random.bytes()
            guard let stat = ProcessStat.parse(input) else { continue }
            let open = input.firstIndex(of: UInt8(ascii: "("))!
            let close = input.lastIndex(of: UInt8(ascii: ")"))!
            #expect(stat.comm == Array(input[(open + 1)..<close]))
            #expect(stat.pid > 0)
            #expect(stat.state > 0x20 && stat.state < 0x7F)
        }
    }

    @Test func lineParsersNeverStumble() {
        var random = RandomBytes(state: 0xDEAD_BEEF_CAFE_F00D)
        let samples = [bytes(sampleStatus), bytes("12:pids:/a\n0::/b\n"),
                       bytes("39 31 0:36 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n"),
                       bytes("root:x:0:0:root:/root:/bin/sh\nwheel:x:10:a,b\n"), bytes("max\n"), bytes("12.34 5.6\n")]
        for _ in 0..<Self.iterations {
            let input = random.below(2) == 0 ? random.mutate(samples[random.below(samples.count)]) : random.bytes()
            let status = ProcessStatus.parse(input)
            #expect(status.namespacePIDs.count <= 33)
            for entry in CgroupMembership.parse(input) { #expect(entry.path.first == UInt8(ascii: "/")) }
            _ = MountInfo.cgroupMounts(input)
            _ = PidsLimit.parse(input)
            _ = KernelFigures.parseUptime(input)
            _ = KernelFigures.parsePidMax(input)
            let users = UserDatabase.parse(input)
            for account in users.accounts {
                #expect(!account.name.isEmpty && !account.name.contains(UInt8(ascii: ":")) && !account.name.contains(0x0A))
                #expect(users.user(named: account.name)?.name == account.name)
                #expect(users.user(id: account.uid)?.uid == account.uid)
            }
            for group in GroupDatabase.parse(input).groups {
                #expect(!group.name.isEmpty && group.members.allSatisfy { !$0.isEmpty && !$0.contains(UInt8(ascii: ",")) })
            }
        }
    }

    @Test func escapingIsReversibleAndSafe() {
        var random = RandomBytes(state: 0x0123_4567_89AB_CDEF)
        for _ in 0..<Self.iterations {
            let input = random.bytes(maximum: 40)
            var terminal: [UInt8] = []
            TerminalText.append(input, to: &terminal)
            #expect(String(validating: terminal, as: UTF8.self) != nil)
            #expect(!terminal.contains { $0 < 0x20 || $0 == 0x7F })
            #expect(unescapeTerminal(terminal) == input)
            var json: [UInt8] = []
            JSONText.appendString(input, to: &json)
            #expect(decodeJSONString(json) == Array(String(decoding: input, as: UTF8.self).unicodeScalars))
        }
    }

    @Test func everySnapshotFormatsToOneLinePerProcess() {
        var random = RandomBytes(state: 0x5555_AAAA_3333_CCCC)
        for _ in 0..<300 {
            var snapshot = ProcessSnapshot()
            snapshot.clockTicks = UInt64(random.below(3))
            snapshot.uptimeHundredths = random.next() % 1_000_000
            let count = random.below(12)
            for _ in 0..<count {
                var record = ProcessRecord(
                    pid: Int32(random.below(20)), parent: Int32(random.below(22)) - 1,
                    processGroup: Int32(random.below(22)) - 1, state: random.bytes(maximum: 1).first ?? 0x53,
                    uid: random.below(3) == 0 ? nil : UInt32(random.below(3)), residentKiB: random.next() % 100_000,
                    cpuTicks: random.next(), startTicks: random.next(), threads: Int64(random.below(9)) - 1)
                record.hostPID = Int32(truncatingIfNeeded: random.next())
                snapshot.append(record, name: random.bytes(maximum: 16), commandLine: random.bytes(maximum: 60),
                                truncated: random.below(2) == 0)
            }
            snapshot.sortByPID()
            if random.below(2) == 0 { snapshot.target = TargetNamespace(hostPID: 1, inode: random.next()) }
            let header = snapshot.target == nil ? 2 : 3
            for tree in [false, true] {
                let text = PsFormatter.text(snapshot, tree: tree)
                #expect(text.filter { $0 == 0x0A }.count == header + count)
                #expect(!text.contains { ($0 < 0x20 && $0 != 0x0A) || $0 == 0x7F })
                #expect(String(validating: text, as: UTF8.self) != nil)
            }
            let json = PsFormatter.json(snapshot)
            #expect(String(validating: json, as: UTF8.self) != nil)
            #expect(!json.contains { $0 < 0x20 && $0 != 0x0A })
        }
    }
}
