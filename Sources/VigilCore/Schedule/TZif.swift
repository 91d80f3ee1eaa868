/// Reads a TZif file (RFC 8536: versions 1 to 4), the format of /usr/share/zoneinfo: bytes in,
/// a `ZoneRules` out. Of a version 2 or later file, the 64-bit data block and the footer (a
/// POSIX TZ string for the times after the table) are used; of a version 1 file, its 32-bit
/// block. Every count is checked against the bytes before anything is read, so hostile input
/// ends in an error, never in a trap or a large allocation.
enum TZif {
    /// Larger than any real zone file (the largest are about 3 kB).
    static let maximumSize = 256 * 1024

    static func parse(_ bytes: [UInt8]) throws(ScheduleError) -> ZoneRules {
        guard bytes.count <= maximumSize else { throw ScheduleError("zone file: larger than \(maximumSize / 1024) KiB") }
        let first = try header(bytes, at: 0)
        guard first.version >= 2 else { return try block(bytes, first, at: 44, timeSize: 4).rules }
        let secondStart = 44 + first.blockSize(timeSize: 4)
        let second = try header(bytes, at: secondStart)
        let data = try block(bytes, second, at: secondStart + 44, timeSize: 8)
        var rules = data.rules
        rules.rule = try footer(bytes, at: data.end)
        return rules
    }

    struct Header {
        var version: Int
        var utLocalCount, standardWallCount, leapCount, transitionCount, typeCount, characterCount: Int

        func blockSize(timeSize: Int) -> Int {
            transitionCount * (timeSize + 1) + typeCount * 6 + characterCount
                + leapCount * (timeSize + 4) + standardWallCount + utLocalCount
        }
    }

    private static func header(_ bytes: [UInt8], at start: Int) throws(ScheduleError) -> Header {
        guard bytes.count >= start + 44 else { throw ScheduleError("zone file: too short for a TZif header") }
        guard bytes[start..<start + 4].elementsEqual("TZif".utf8) else { throw ScheduleError("zone file: not a TZif file") }
        let versionByte = bytes[start + 4]
        let version: Int
        switch versionByte {
        case 0: version = 1
        case UInt8(ascii: "2")...UInt8(ascii: "9"): version = Int(versionByte - UInt8(ascii: "0"))
        default: throw ScheduleError("zone file: unknown TZif version")
        }
        func count(_ index: Int) -> Int { Int(readUInt32(bytes, start + 20 + 4 * index)) }
        let header = Header(version: version, utLocalCount: count(0), standardWallCount: count(1), leapCount: count(2),
                            transitionCount: count(3), typeCount: count(4), characterCount: count(5))
        guard header.typeCount >= 1 && header.typeCount <= 256, header.characterCount >= 1,
              header.utLocalCount == 0 || header.utLocalCount == header.typeCount,
              header.standardWallCount == 0 || header.standardWallCount == header.typeCount,
              header.transitionCount <= maximumSize, header.leapCount <= maximumSize, header.characterCount <= maximumSize
        else { throw ScheduleError("zone file: inconsistent counts in the TZif header") }
        guard header.leapCount == 0 else {
            throw ScheduleError("zone file: leap-second zones (right/...) are not supported")
        }
        return header
    }

    private static func block(_ bytes: [UInt8], _ header: Header, at start: Int, timeSize: Int) throws(ScheduleError) -> (rules: ZoneRules, end: Int) {
        let end = start + header.blockSize(timeSize: timeSize)
        guard end <= bytes.count else { throw ScheduleError("zone file: truncated data block") }
        let indexStart = start + header.transitionCount * timeSize
        let typeStart = indexStart + header.transitionCount
        var typeOffsets: [Int32] = []
        for type in 0..<header.typeCount {
            let offset = Int32(bitPattern: readUInt32(bytes, typeStart + 6 * type))
            guard offset >= -89_999 && offset <= 93_599 else { throw ScheduleError("zone file: a UTC offset beyond 26 hours") }
            guard Int(bytes[typeStart + 6 * type + 5]) < header.characterCount, bytes[typeStart + 6 * type + 4] <= 1 else {
                throw ScheduleError("zone file: a bad local time type")
            }
            typeOffsets.append(offset)
        }
        var transitions: [Int64] = []
        var offsets: [Int32] = []
        transitions.reserveCapacity(header.transitionCount)
        for index in 0..<header.transitionCount {
            let time = timeSize == 4
                ? Int64(Int32(bitPattern: readUInt32(bytes, start + 4 * index)))
                : Int64(bitPattern: UInt64(readUInt32(bytes, start + 8 * index)) << 32 | UInt64(readUInt32(bytes, start + 8 * index + 4)))
            guard time >= -(1 << 59) && time <= 1 << 59 else { throw ScheduleError("zone file: a transition time out of range") }
            if let last = transitions.last, time <= last { throw ScheduleError("zone file: transition times out of order") }
            let type = Int(bytes[indexStart + index])
            guard type < header.typeCount else { throw ScheduleError("zone file: a transition names a missing type") }
            transitions.append(time)
            offsets.append(typeOffsets[type])
        }
        return (ZoneRules(transitions: transitions, offsets: offsets, initialOffset: typeOffsets[0]), end)
    }

    /// `\nTZ-STRING\n` after the 64-bit block; an empty string means none.
    private static func footer(_ bytes: [UInt8], at start: Int) throws(ScheduleError) -> PosixZoneRule? {
        guard start < bytes.count, bytes[start] == 0x0A,
              let end = bytes[(start + 1)...].firstIndex(of: 0x0A) else {
            throw ScheduleError("zone file: missing its footer")
        }
        if end == start + 1 { return nil }
        guard let rule = PosixZoneRule.parse(bytes[(start + 1)..<end]) else {
            throw ScheduleError("zone file: a bad TZ string in its footer")
        }
        return rule
    }

    private static func readUInt32(_ bytes: [UInt8], _ index: Int) -> UInt32 {
        UInt32(bytes[index]) << 24 | UInt32(bytes[index + 1]) << 16 | UInt32(bytes[index + 2]) << 8 | UInt32(bytes[index + 3])
    }
}
