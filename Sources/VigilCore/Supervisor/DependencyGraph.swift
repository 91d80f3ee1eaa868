/// Who waits for whom, as a plain value. A process that declares its dependencies (`--after`,
/// `after = [...]`) waits for those; one that declares none waits for the process before it in
/// the start order (init tasks, then sidecars, each as given), so that without declarations the
/// start is today's chain. The main process waits for what it declares, by default every
/// other process but the scheduled tasks; a scheduled task's runs begin likewise. The stop runs the graph backwards: a process is stopped once everything that
/// waits for it has exited.
struct DependencyGraph: Equatable {
    struct Edge: Equatable {
        /// The process waited for, by its index.
        let process: Int
        let condition: ProcessSpec.Condition
        /// Declared with `--after`; false for the start order's.
        let declared: Bool
    }

    /// What each process waits for before its first start, by index.
    let waitsFor: [[Edge]]
    /// What the main process waits for.
    let mainWaitsFor: [Edge]

    /// The graph of `processes` (in start order) and `main`. Names that match no process are
    /// left out: `check` refuses them before anything starts.
    init(processes: [ProcessSpec], main: ProcessSpec? = nil) {
        waitsFor = processes.indices.map { DependencyGraph.edges(of: processes[$0], at: $0, in: processes) }
        mainWaitsFor = main?.after.map { DependencyGraph.resolve($0, in: processes) } ?? DependencyGraph.everyOther(processes)
    }

    /// What the main process, and a scheduled task, waits for by default: every init task
    /// done and every sidecar ready. Nothing waits for a scheduled task.
    private static func everyOther(_ processes: [ProcessSpec]) -> [Edge] {
        processes.indices.filter { processes[$0].kind != .task }.map {
            Edge(process: $0, condition: defaultCondition(processes[$0]), declared: false)
        }
    }

    /// `ready` for a sidecar; for an init task, that it is done.
    static func defaultCondition(_ spec: ProcessSpec) -> ProcessSpec.Condition {
        spec.kind == .initTask ? .done : .ready
    }

    private static func edges(of spec: ProcessSpec, at index: Int, in processes: [ProcessSpec]) -> [Edge] {
        if let declared = spec.after { return resolve(declared, in: processes) }
        if spec.kind == .task { return everyOther(processes) }
        guard index > 0 else { return [] }
        return [Edge(process: index - 1, condition: defaultCondition(processes[index - 1]), declared: false)]
    }

    private static func resolve(_ declared: [ProcessSpec.Dependency], in processes: [ProcessSpec]) -> [Edge] {
        declared.compactMap { dependency in
            guard let index = processes.firstIndex(where: { ASCII.equals($0.name, dependency.name) }) else { return nil }
            return Edge(process: index, condition: dependency.condition ?? defaultCondition(processes[index]), declared: true)
        }
    }

    /// The processes that wait for `index`, directly or through others: in the stop, they all
    /// go first, so that a log shipper started first outlives everything that writes to it.
    func dependents(of index: Int) -> [Int] {
        var found = [Bool](repeating: false, count: waitsFor.count)
        var queue = [index]
        while let next = queue.popLast() {
            for waiter in waitsFor.indices where !found[waiter] && waitsFor[waiter].contains(where: { $0.process == next }) {
                found[waiter] = true
                queue.append(waiter)
            }
        }
        return found.indices.filter { found[$0] && $0 != index }
    }

    /// The first cycle, as the indices along it, the first repeated at the end: `[a, b, a]`
    /// reads "a waits for b, which waits for a". Nil when there is none.
    func cycle() -> [Int]? {
        // 0: not seen, 1: on the current path, 2: done.
        var mark = [UInt8](repeating: 0, count: waitsFor.count)
        for start in waitsFor.indices where mark[start] == 0 {
            var path: [(node: Int, next: Int)] = [(start, 0)]
            mark[start] = 1
            while let top = path.last {
                let edges = waitsFor[top.node]
                guard top.next < edges.count else {
                    mark[top.node] = 2
                    path.removeLast()
                    continue
                }
                path[path.count - 1].next += 1
                let target = edges[top.next].process
                if mark[target] == 1 {
                    let from = path.firstIndex { $0.node == target } ?? 0
                    return path[from...].map { $0.node } + [target]
                }
                if mark[target] == 0 {
                    mark[target] = 1
                    path.append((target, 0))
                }
            }
        }
        return nil
    }
}
