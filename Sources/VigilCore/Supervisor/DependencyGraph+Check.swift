/// The graph's mistakes, refused before anything starts: a name that is no process, a process
/// waiting for itself or for the main process, a condition that cannot happen, a cycle.
extension DependencyGraph {
    /// Throws the first mistake, as a one-line usage error.
    static func check(processes: [ProcessSpec], main: ProcessSpec) throws(UsageError) {
        for spec in processes + [main] {
            guard let declared = spec.after else { continue }
            for dependency in declared {
                try checkEntry(dependency, of: spec, in: processes)
            }
        }
        let graph = DependencyGraph(processes: processes, main: main)
        guard let cycle = graph.cycle() else { return }
        let names = cycle.map { processes[$0].name }.joined(separator: " -> ")
        let place = cycle.lazy.compactMap { processes[$0].after == nil ? nil : processes[$0].afterPlace }.first ?? "--after"
        var implicit = false
        for (from, to) in zip(cycle, cycle.dropFirst()) where !graph.waitsFor[from].contains(where: { $0.process == to && $0.declared }) {
            implicit = true
        }
        let note: LogText = implicit ? " (a process without --after waits for the one before it in the start order)" : ""
        throw UsageError("\(place): dependency cycle: \(names)\(note)")
    }

    private static func checkEntry(_ dependency: ProcessSpec.Dependency, of spec: ProcessSpec, in processes: [ProcessSpec]) throws(UsageError) {
        let place = spec.afterPlace
        let name = dependency.name
        if ASCII.equals(name, spec.name) { throw UsageError("\(place): \(spec.name) cannot wait for itself") }
        if ASCII.equals(name, "main") { throw UsageError("\(place): \(spec.name) cannot wait for the main process, which starts last") }
        guard let other = processes.first(where: { ASCII.equals($0.name, name) }) else {
            throw UsageError("\(place): \(spec.name) waits for '\(name)', but no process has that name")
        }
        if other.kind == .task {
            throw UsageError("\(place): \(spec.name) waits for \(name), a scheduled task, which nothing can wait for")
        }
        if dependency.condition == .done && other.kind == .sidecar && other.restart == .always {
            throw UsageError("\(place): \(spec.name) waits for \(name) to be done, but \(name) restarts always; give it --restart \(name)=on-failure or never")
        }
    }
}
