// The order of the rows of `vigil ps --tree`, and the branches drawn before each command.
extension PsFormatter {
    /// Rows in tree order, each with the prefix that draws its branch. Processes whose parent
    /// is not in the snapshot are roots. A malformed snapshot with a parent cycle still lists
    /// every process once.
    static let maximumIndent = 32

    static func treeOrder(_ snapshot: ProcessSnapshot) -> [(index: Int, prefix: [UInt8])] {
        let processes = snapshot.processes
        // Keys sorted by (parent, position): each process's children form one run, in PID order.
        var byParent = processes.indices.map { KeySort.key(processes[$0].parent, $0) }
        KeySort.sort(&byParent)
        func children(of pid: Int32) -> [Int] {
            var kids: [Int] = []
            guard var next = KeySort.first(major: pid, in: byParent) else { return kids }
            while next < byParent.count, KeySort.major(byParent[next]) == pid {
                kids.append(KeySort.minor(byParent[next]))
                next += 1
            }
            return kids
        }
        var result: [(index: Int, prefix: [UInt8])] = []
        result.reserveCapacity(processes.count)
        var visited = [Bool](repeating: false, count: processes.count)
        var lastFlags: [Bool] = []
        var stack: [(index: Int, depth: Int, last: Bool)] = []

        func walk(from root: Int) {
            stack.append((root, 0, true))
            while let (index, depth, last) = stack.popLast() {
                if visited[index] { continue }
                visited[index] = true
                if lastFlags.count > depth { lastFlags.removeLast(lastFlags.count - depth) }
                lastFlags.append(last)
                var prefix: [UInt8] = []
                if depth > 0 {
                    // Deeper than `maximumIndent`, only the nearest levels are drawn, after a
                    // "…": the output then grows linearly, not with the square of the depth.
                    let first = max(1, depth - maximumIndent + 1)
                    if first > 1 { append("…", to: &prefix) }
                    for level in first..<depth { append(lastFlags[level] ? "   " : "│  ", to: &prefix) }
                    append(last ? "└─ " : "├─ ", to: &prefix)
                }
                result.append((index, prefix))
                let pid = processes[index].pid
                let kids = children(of: pid).filter { $0 != index && !visited[$0] }
                for (position, child) in kids.enumerated().reversed() {
                    stack.append((child, depth + 1, position == kids.count - 1))
                }
            }
        }
        for index in processes.indices where !visited[index] {
            let parent = processes[index].parent
            if parent == processes[index].pid || snapshot.index(of: parent) == nil { walk(from: index) }
        }
        // Only a parent cycle leaves anything unvisited.
        for index in processes.indices where !visited[index] { walk(from: index) }
        return result
    }
}
