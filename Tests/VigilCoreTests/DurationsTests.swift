import Testing
@testable import VigilCore

@Suite struct DurationsTests {
    @Test(arguments: [
        ("5s", 5_000_000_000), ("5", 5_000_000_000), ("0", 0), ("0s", 0), ("500ms", 500_000_000),
        ("1.5s", 1_500_000_000), ("0.25", 250_000_000), (".5s", 500_000_000), ("2m", 120_000_000_000),
        ("1h", 3_600_000_000_000), ("1.5ms", 1_500_000), ("10s", 10_000_000_000),
        // Parts one after the other, as Go and Docker write durations.
        ("1m30s", 90_000_000_000), ("1h2m3s", 3_723_000_000_000), ("1m0.5s", 60_500_000_000),
        ("2s500ms", 2_500_000_000), ("1.5h", 5_400_000_000_000), ("23h59m60s", 86_400_000_000_000),
    ] as [(String, Int64)])
    func parses(text: String, nanoseconds: Int64) {
        #expect(Durations.parse(text) == nanoseconds)
    }

    @Test(arguments: ["", "s", "-1s", "5x", "5 s", "1.s", "1..5s", "ms", "5sec", "25h", "1e3", "99999999999",
                      "1m30", "30s1", "1m30x", "24h1ms", "23h60m1s", "1m 30s", "1m-30s", "5.s1m"])
    func rejects(text: String) {
        #expect(Durations.parse(text) == nil)
    }

    @Test func theErrorNamesTheFormsAndTheLimit() {
        #expect(Durations.accepted.string
            == "a duration such as 5s, 500ms, 1m30s or 1.5h (units h, m, s, ms; a plain number is seconds; at most 24h)")
    }

    @Test func formats() {
        #expect(Durations.format(5_000_000_000) == "5s")
        #expect(Durations.format(0) == "0s")
        #expect(Durations.format(250_000_000) == "250ms")
        #expect(Durations.format(1_500_000_000) == "1.5s")
    }
}
