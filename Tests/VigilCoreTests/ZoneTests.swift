import Testing
@testable import VigilCore

/// Writes TZif files for the tests (RFC 8536), so that they need no tzdata.
enum TZifWriter {
    struct TimeType {
        var offset: Int32
        var isDaylight = false
        var abbreviationIndex: UInt8 = 0
    }

    static func file(version: UInt8, transitions: [(Int64, UInt8)], types: [TimeType],
                     abbreviations: String = "LMT\0", footer: String? = nil) -> [UInt8] {
        var bytes = block(version: version, transitions: transitions, types: types, abbreviations: abbreviations, timeSize: 4)
        guard version != 0 else { return bytes }
        bytes += block(version: version, transitions: transitions, types: types, abbreviations: abbreviations, timeSize: 8)
        bytes += Array(("\n" + (footer ?? "") + "\n").utf8)
        return bytes
    }

    static func block(version: UInt8, transitions: [(Int64, UInt8)], types: [TimeType], abbreviations: String, timeSize: Int) -> [UInt8] {
        var bytes = Array("TZif".utf8) + [version] + [UInt8](repeating: 0, count: 15)
        let characters = Array(abbreviations.utf8)
        for count in [0, 0, 0, transitions.count, types.count, characters.count] { bytes += be(UInt64(count), 4) }
        for (time, _) in transitions { bytes += be(UInt64(bitPattern: time), timeSize) }
        for (_, type) in transitions { bytes.append(type) }
        for type in types {
            bytes += be(UInt64(UInt32(bitPattern: type.offset)), 4)
            bytes += [type.isDaylight ? 1 : 0, type.abbreviationIndex]
        }
        return bytes + characters
    }

    static func be(_ value: UInt64, _ size: Int) -> [UInt8] {
        (0..<size).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }
}

@Suite struct PosixZoneRuleTests {
    let berlin = PosixZoneRule.parse(Array("CET-1CEST,M3.5.0,M10.5.0/3".utf8)[...])!
    let spring2025: Int64 = 1_743_296_400  // 2025-03-30T01:00:00Z
    let autumn2025: Int64 = 1_761_440_400  // 2025-10-26T01:00:00Z

    @Test func readsBerlinsRule() {
        #expect(berlin.standardOffset == 3600)
        #expect(berlin.daylight?.offset == 7200)
        #expect(berlin.daylight?.start == .init(day: .weekday(month: 3, week: 5, day: 0), time: 7200))
        #expect(berlin.daylight?.end == .init(day: .weekday(month: 10, week: 5, day: 0), time: 10800))
    }

    @Test func offsetsAndChangesAcrossAYear() {
        #expect(berlin.offset(at: spring2025 - 1) == 3600)
        #expect(berlin.offset(at: spring2025) == 7200)
        #expect(berlin.offset(at: autumn2025 - 1) == 7200)
        #expect(berlin.offset(at: autumn2025) == 3600)
        #expect(berlin.nextChange(after: spring2025 - 100) == spring2025)
        #expect(berlin.nextChange(after: spring2025) == autumn2025)
        #expect(berlin.lastChange(atOrBefore: autumn2025 - 1) == spring2025)
        #expect(berlin.lastChange(atOrBefore: autumn2025) == autumn2025)
    }

    @Test func southernHemisphereAndQuotedNames() {
        let sydney = PosixZoneRule.parse(Array("AEST-10AEDT,M10.1.0,M4.1.0/3".utf8)[...])!
        #expect(sydney.offset(at: 1_736_000_000) == 39_600)  // January 2025: summer
        #expect(sydney.offset(at: 1_750_000_000) == 36_000)  // June 2025: winter
        let tehran = PosixZoneRule.parse(Array("<+0330>-3:30".utf8)[...])!
        #expect(tehran.offset(at: 0) == 12_600 && tehran.daylight == nil)
    }

    @Test func julianDaysAndVersion3Times() {
        // Daylight saving all year (RFC 8536 version 3): no change ever.
        let always = PosixZoneRule.parse(Array("EST5EDT,0/0,J365/25".utf8)[...])!
        #expect(always.offset(at: 1_750_000_000) == -14_400)
        #expect(always.offset(at: 1_735_689_600) == -14_400)  // 2025-01-01T00:00:00Z
        #expect(always.nextChange(after: 1_750_000_000) == nil)
        let negative = PosixZoneRule.parse(Array("<-03>3<-02>,M3.5.0/-2,M10.5.0/-1".utf8)[...])!
        #expect(negative.daylight?.start.time == -7200)
    }

    @Test(arguments: ["", "CET", "CET-1CEST,M3.5.0", "CE-1", "CET-25", "CET-1CEST,M13.1.0,M10.5.0", "CET-1CEST,M3.6.0,M10.5.0",
                      "CET-1CEST,M3.5.7,M10.5.0", "CET-1CEST,J0,J365", "CET-1CEST,366,1", "CET-1CEST,M3.5.0/168,M10.5.0",
                      "CET-1:60", "<AB>1", "CET-1 ", "CET-1CEST,M3.5.0,M10.5.0/3x"])
    func rejects(text: String) {
        #expect(PosixZoneRule.parse(Array(text.utf8)[...]) == nil)
    }
}

@Suite struct TZifTests {
    let cet = TZifWriter.TimeType(offset: 3600, abbreviationIndex: 4)
    let cest = TZifWriter.TimeType(offset: 7200, isDaylight: true, abbreviationIndex: 8)
    let lmt = TZifWriter.TimeType(offset: 3208)

    @Test func version1UsesThe32BitTable() throws {
        let bytes = TZifWriter.file(version: 0, transitions: [(-2_000_000_000, 1), (1_743_296_400, 2)],
                                    types: [lmt, cet, cest], abbreviations: "LMT\0CET\0CEST\0")
        let zone = try TZif.parse(bytes)
        #expect(zone.offset(at: -2_100_000_000) == 3208)
        #expect(zone.offset(at: 0) == 3600)
        #expect(zone.offset(at: 1_743_296_400) == 7200)
        #expect(zone.rule == nil)
    }

    @Test(arguments: [UInt8(ascii: "2"), UInt8(ascii: "3"), UInt8(ascii: "4")])
    func version2AndLaterUseThe64BitTableAndTheFooter(version: UInt8) throws {
        let bytes = TZifWriter.file(version: version, transitions: [(-2_422_054_408, 1), (1_711_846_800, 2), (1_729_990_800, 1)],
                                    types: [lmt, cet, cest], abbreviations: "LMT\0CET\0CEST\0",
                                    footer: "CET-1CEST,M3.5.0,M10.5.0/3")
        let zone = try TZif.parse(bytes)
        #expect(zone.offset(at: 1_711_846_799) == 3600)  // 2024: from the table
        #expect(zone.offset(at: 1_711_846_800) == 7200)
        #expect(zone.offset(at: 1_743_296_400) == 7200)  // 2025: from the footer
        #expect(zone.offset(at: 1_743_296_399) == 3600)
        #expect(zone.nextChange(after: 1_729_990_800) == 1_743_296_400)
        #expect(zone.lastChange(atOrBefore: 1_743_296_399) == 1_729_990_800)
        #expect(zone.nextChange(after: 0) == 1_711_846_800)
        // 2100, far beyond any table: the footer still answers.
        #expect(zone.offset(at: 4_118_000_000) == 7200)
    }

    @Test func anEmptyFooterKeepsTheLastOffset() throws {
        let bytes = TZifWriter.file(version: UInt8(ascii: "2"), transitions: [(0, 1)], types: [lmt, cet],
                                    abbreviations: "LMT\0CET\0", footer: "")
        let zone = try TZif.parse(bytes)
        #expect(zone.offset(at: 4_000_000_000) == 3600)
        #expect(zone.nextChange(after: 0) == nil)
        #expect(zone.lastChange(atOrBefore: 100) == 0)
    }

    @Test func localTimesMayBeUniqueRepeatedOrSkipped() throws {
        let zone = ZoneRules(rule: PosixZoneRule.parse(Array("CET-1CEST,M3.5.0,M10.5.0/3".utf8)[...])!)
        let noon = CivilTime(year: 2025, month: 6, day: 1, hour: 12).seconds
        #expect(zone.instants(ofLocal: noon) == .unique(noon - 7200))
        let skipped = CivilTime(year: 2025, month: 3, day: 30, hour: 2, minute: 30).seconds
        #expect(zone.instants(ofLocal: skipped) == .skipped(change: 1_743_296_400))
        let repeated = CivilTime(year: 2025, month: 10, day: 26, hour: 2, minute: 30).seconds
        #expect(zone.instants(ofLocal: repeated) == .repeated(repeated - 7200, repeated - 3600))
        #expect(ZoneRules.utc.instants(ofLocal: noon) == .unique(noon))
    }

    @Test(arguments: [
        ([UInt8](), "zone file: too short for a TZif header"),
        (Array("TZjf".utf8) + [UInt8](repeating: 0, count: 40), "zone file: not a TZif file"),
    ])
    func refusesWhatIsNotTZif(bytes: [UInt8], message: String) {
        #expect(throws: ScheduleError(LogText(message))) { try TZif.parse(bytes) }
    }

    @Test func refusesHostileCountsTruncationsAndOrder() {
        let good = TZifWriter.file(version: UInt8(ascii: "2"), transitions: [(0, 1), (100, 0)], types: [lmt, cet],
                                   abbreviations: "LMT\0CET\0", footer: "CET-1")
        #expect((try? TZif.parse(good)) != nil)
        for length in 0..<good.count {
            #expect((try? TZif.parse(Array(good[..<length]))) == nil, "a prefix of \(length) bytes")
        }
        var huge = good
        huge[32..<36] = [0xFF, 0xFF, 0xFF, 0xFF]  // transition count
        #expect((try? TZif.parse(huge)) == nil)
        let backwards = TZifWriter.file(version: UInt8(ascii: "2"), transitions: [(100, 1), (0, 0)], types: [lmt, cet],
                                        abbreviations: "LMT\0CET\0", footer: "")
        #expect(throws: ScheduleError("zone file: transition times out of order")) { try TZif.parse(backwards) }
        let missingType = TZifWriter.file(version: 0, transitions: [(0, 5)], types: [lmt], abbreviations: "LMT\0")
        #expect(throws: ScheduleError("zone file: a transition names a missing type")) { try TZif.parse(missingType) }
        let wild = TZifWriter.file(version: 0, transitions: [], types: [.init(offset: 200_000)], abbreviations: "LMT\0")
        #expect(throws: ScheduleError("zone file: a UTC offset beyond 26 hours")) { try TZif.parse(wild) }
        let badFooter = TZifWriter.file(version: UInt8(ascii: "3"), transitions: [], types: [lmt], abbreviations: "LMT\0", footer: "nonsense")
        #expect(throws: ScheduleError("zone file: a bad TZ string in its footer")) { try TZif.parse(badFooter) }
    }

    @Test func pseudoRandomBytesNeverTrap() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let base = TZifWriter.file(version: UInt8(ascii: "2"), transitions: [(0, 1), (100, 0)], types: [lmt, cet],
                                   abbreviations: "LMT\0CET\0", footer: "CET-1CEST,M3.5.0,M10.5.0/3")
        for _ in 0..<2000 {
            var bytes = base
            for _ in 0..<3 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                bytes[Int(state >> 33) % bytes.count] = UInt8(truncatingIfNeeded: state >> 17)
            }
            if let zone = try? TZif.parse(bytes) {
                _ = zone.offset(at: 1_743_296_400)
                _ = zone.nextChange(after: 0)
            }
        }
    }

    /// The machine's own Berlin file, when it has tzdata: the same answers as the rule.
    @Test(.enabled(if: Processes.readFile("/usr/share/zoneinfo/Europe/Berlin") != nil))
    func theSystemsBerlinFile() throws {
        let zone = try TZif.parse(Processes.readFile("/usr/share/zoneinfo/Europe/Berlin")!)
        #expect(zone.offset(at: 1_743_296_399) == 3600)
        #expect(zone.offset(at: 1_743_296_400) == 7200)
        #expect(zone.nextChange(after: 1_743_296_400) == 1_761_440_400)
        #expect(zone.offset(at: -1_000_000_000) == 3600)  // 1938
        #expect(zone.offset(at: 4_118_000_000) == 7200)  // 2100
    }
}

@Suite struct ZoneNameTests {
    @Test(arguments: ["Europe/Berlin", "America/New_York", "Etc/GMT+1", "UTC", "America/Argentina/Buenos_Aires", "right/UTC"])
    func accepts(name: String) throws {
        try ZoneName.validate(name)
    }

    @Test(arguments: ["", "/etc/passwd", "../etc/passwd", "Europe/../../etc", "Europe/..", "a..b", "Europe//Berlin",
                      "Europe/", "./UTC", "Europe/Berlin\0", "Europe/Berlin x", "Zürich", String(repeating: "a", count: 129)])
    func refuses(name: String) {
        #expect(throws: ScheduleError.self) { try ZoneName.validate(name) }
    }

    @Test func namesLeadToFilesOrRules() throws {
        var asked: [String] = []
        let berlin = TZifWriter.file(version: UInt8(ascii: "2"), transitions: [], types: [.init(offset: 3600)],
                                     abbreviations: "CET\0", footer: "CET-1CEST,M3.5.0,M10.5.0/3")
        let zone = try ZoneRules.named(":Europe/Berlin", directory: "/zones/", readFile: { asked.append($0); return berlin })
        #expect(asked == ["/zones/Europe/Berlin"] && zone.offset(at: 1_743_296_400) == 7200)
        #expect(try ZoneRules.named("UTC", directory: "/none", readFile: { _ in nil }) == .utc)
        #expect(try ZoneRules.named("UTC0", directory: "/none", readFile: { _ in nil }).offset(at: 0) == 0)
        #expect(try ZoneRules.named("CET-1CEST,M3.5.0,M10.5.0/3", directory: "/none", readFile: { _ in nil })
            .offset(at: 1_743_296_400) == 7200)
        #expect(throws: ScheduleError("unknown time zone 'Mars/Olympus' (no file /none/Mars/Olympus)")) {
            try ZoneRules.named("Mars/Olympus", directory: "/none", readFile: { _ in nil })
        }
        #expect(throws: ScheduleError("time zone 'Bad': zone file: not a TZif file (/none/Bad)")) {
            try ZoneRules.named("Bad", directory: "/none", readFile: { _ in Array("#!/bin/sh and more than forty-four bytes of it".utf8) })
        }
    }
}
