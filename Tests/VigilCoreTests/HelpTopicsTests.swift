import Testing
@testable import VigilCore

/// `--help` fits one screen; `--help TOPIC` holds the rest, each topic at most 80 columns.
@Suite struct HelpTopicsTests {
    let parser = VigilCommandLine(realtime: RealtimeSignals(min: 34, max: 64))

    func lines(_ text: String) -> [String] {
        Array(text.utf8).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func theDefaultHelpFitsOneScreen() {
        let help = lines(Usage.text())
        #expect(help.count <= 24)
        #expect(help.allSatisfy { $0.utf8.count <= 80 })
        #expect(Usage.text().contains("ENTRYPOINT [\"/vigil\", \"--\"]"))
        #expect(Usage.text().contains("README.md and docs/"))
        for name in HelpTopics.names { #expect(Usage.text().contains(name)) }
    }

    @Test func everyTopicFitsEightyColumns() {
        for name in HelpTopics.names {
            guard let text = HelpTopics.text(name) else { Issue.record("no text for \(name)"); continue }
            for line in lines(text) { #expect(line.utf8.count <= 80, "\(name): \(line)") }
            #expect(text.utf8.last == UInt8(ascii: "\n"), "\(name)")
        }
    }

    @Test func everyOptionOfTheTableIsInATopic() {
        for spec in OptionTable.all {
            let topics = HelpTopics.Topic.allCases.filter { HelpTopics.options($0).contains(spec.id) }
            #expect(topics.count == 1, "--\(spec.long) is in \(topics.count) topics")
        }
    }

    @Test func helpTopicAndAnUnknownTopic() throws {
        #expect(try parser.parse(["vigil", "--help", "signals"], environment: { _ in nil })
            == .show(HelpTopics.text("signals")!))
        #expect(try parser.parse(["vigil", "-h", "exit-codes"], environment: { _ in nil })
            == .show(HelpTopics.text("exit-codes")!))
        #expect(try parser.parse(["vigil", "--help", "-g"], environment: { _ in nil }) == .show(Usage.text()))
        do {
            _ = try parser.parse(["vigil", "--help", "nope"], environment: { _ in nil })
            Issue.record("an unknown topic parsed")
        } catch {
            #expect(error.message == "no help topic 'nope'; topics: options, signals, processes, restarts, tasks, checks, settings, environment, exit-codes, inspect, drop-ins")
        }
    }

    @Test func theVerbosityVariableTakesALevel() {
        let environment = HelpTopics.environment()
        #expect(environment.contains("VIGIL_VERBOSITY         a level: 0 errors only, 1 warnings (default), 2 info,"))
        #expect(!environment.contains("same as"))
    }

    @Test func tcpChecksAreNamedOneWay() {
        let all = HelpTopics.names.compactMap { HelpTopics.text($0) }.joined() + Usage.text()
        #expect(all.contains("tcp:HOST:PORT"))
        #expect(!all.contains("tcp:IP:") && !all.contains("IPV4"))
    }

    @Test func wrapping() {
        #expect(Usage.wrap("a bb ccc dddd", width: 6) == ["a bb", "ccc", "dddd"])
        #expect(Usage.wrap("toolongword x", width: 4) == ["toolongword", "x"])
        #expect(Usage.wrap("", width: 10) == [])
    }
}
