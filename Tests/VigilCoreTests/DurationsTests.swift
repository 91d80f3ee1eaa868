import Testing
@testable import VigilCore

@Suite struct DurationsTests {
    @Test(arguments: [
        ("5s", 5_000_000_000), ("5", 5_000_000_000), ("0", 0), ("0s", 0), ("500ms", 500_000_000),
        ("1.5s", 1_500_000_000), ("0.25", 250_000_000), (".5s", 500_000_000), ("2m", 120_000_000_000),
        ("1h", 3_600_000_000_000), ("1.5ms", 1_500_000), ("10s", 10_000_000_000),
    ] as [(String, Int64)])
    func parses(text: String, nanoseconds: Int64) {
        #expect(Durations.parse(text) == nanoseconds)
    }

    @Test(arguments: ["", "s", "-1s", "5x", "5 s", "1.s", "1..5s", "ms", "5sec", "25h", "1e3", "99999999999"])
    func rejects(text: String) {
        #expect(Durations.parse(text) == nil)
    }

    @Test func formats() {
        #expect(Durations.format(5_000_000_000) == "5s")
        #expect(Durations.format(0) == "0s")
        #expect(Durations.format(250_000_000) == "250ms")
        #expect(Durations.format(1_500_000_000) == "1.5s")
    }
}
