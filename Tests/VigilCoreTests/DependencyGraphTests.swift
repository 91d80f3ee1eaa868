import Testing
@testable import VigilCore

func after(_ spec: ProcessSpec, _ list: String) -> ProcessSpec {
    var spec = spec
    spec.after = try? DependencyList.parse(list, place: "--after")
    return spec
}

/// The `--after` list, and the graph it makes with the start order: edges, cycles, mistakes.
@Suite struct DependencyListTests {
    @Test func entriesWithAndWithoutConditions() throws {
        #expect(try DependencyList.parse("db, migrate:done,cache:started", place: "--after") == [
            .init(name: "db", condition: nil), .init(name: "migrate", condition: .done), .init(name: "cache", condition: .started),
        ])
        #expect(try DependencyList.parse("", place: "--after") == [])
    }

    @Test(arguments: [
        ("db:healthy", "--after: unknown condition 'healthy'; expected started, ready or done"),
        ("db,,x", "--after: expected NAME[:started|ready|done] entries separated by commas, got 'db,,x'"),
        ("db,", "--after: expected NAME[:started|ready|done] entries separated by commas, got 'db,'"),
        ("a b", "--after: expected NAME[:started|ready|done] entries separated by commas, got 'a b'"),
        ("db,db:done", "--after: 'db' is named twice"),
    ])
    func mistakes(text: String, message: String) {
        #expect(throws: UsageError(LogText(message))) { try DependencyList.parse(text, place: "--after") }
    }
}

@Suite struct DependencyGraphTests {
    @Test func withoutDeclarationsEachWaitsForTheOneBefore() {
        let graph = DependencyGraph(processes: [initTask("i"), sidecar("a"), sidecar("b")])
        #expect(graph.waitsFor == [[], [.init(process: 0, condition: .done, declared: false)],
                                   [.init(process: 1, condition: .ready, declared: false)]])
        #expect(graph.mainWaitsFor.map(\.process) == [0, 1, 2])
        // The stop runs backwards, through everything that waits: i's dependents are a and b.
        #expect(graph.dependents(of: 0) == [1, 2] && graph.dependents(of: 2) == [])
    }

    @Test func declaredDependenciesReplaceTheStartOrder() {
        let graph = DependencyGraph(processes: [sidecar("a"), after(sidecar("b"), ""), after(sidecar("c"), "a:started,b")],
                                    main: after(ProcessSpec(name: "main", kind: .main, command: []), "c"))
        #expect(graph.waitsFor[1] == [])
        #expect(graph.waitsFor[2] == [.init(process: 0, condition: .started, declared: true),
                                      .init(process: 1, condition: .ready, declared: true)])
        #expect(graph.mainWaitsFor == [.init(process: 2, condition: .ready, declared: true)])
    }

    func problem(_ processes: [ProcessSpec], main: String? = nil) -> String? {
        var mainSpec = ProcessSpec(name: "main", kind: .main, command: [])
        if let main { mainSpec = after(mainSpec, main) }
        do {
            try DependencyGraph.check(processes: processes, main: mainSpec)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func mistakesAreRefusedBeforeAnythingStarts() {
        #expect(problem([sidecar("a"), after(sidecar("b"), "a")]) == nil)
        #expect(problem([after(sidecar("a"), "x")]) == "--after: a waits for 'x', but no process has that name")
        #expect(problem([after(sidecar("a"), "a")]) == "--after: a cannot wait for itself")
        #expect(problem([after(sidecar("a"), "main")]) == "--after: a cannot wait for the main process, which starts last")
        #expect(problem([sidecar("a")], main: "a,nope") == "--after: main waits for 'nope', but no process has that name")
        #expect(problem([sidecar("a"), after(sidecar("b"), "a:done")])
            == "--after: b waits for a to be done, but a restarts always; give it --restart a=on-failure or never")
        #expect(problem([sidecar("a") { $0.restart = .onFailure }, after(sidecar("b"), "a:done")]) == nil)
        #expect(problem([initTask("i"), after(sidecar("b"), "i:done")]) == nil)
    }

    @Test func cyclesAreNamed() {
        #expect(problem([after(sidecar("a"), "b"), after(sidecar("b"), "c"), after(sidecar("c"), "a")])
            == "--after: dependency cycle: a -> b -> c -> a")
        // Through the start order: b has no --after, so it waits for a.
        #expect(problem([after(sidecar("a"), "b"), sidecar("b")])
            == "--after: dependency cycle: a -> b -> a (a process without --after waits for the one before it in the start order)")
        let graph = DependencyGraph(processes: [sidecar("x"), after(sidecar("a"), "b"), after(sidecar("b"), "a")])
        #expect(graph.cycle() == [1, 2, 1])
    }
}
