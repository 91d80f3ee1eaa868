import CLinux

/// The processes vigil answers for, besides the main child, and how to stop them.
///
/// As PID 1 that is every process in the PID namespace, including ones that entered it from
/// outside (`docker exec`, `nsenter`) and are not vigil's descendants. As a subreaper it is
/// vigil's descendants only, so that nothing outside its subtree is ever signalled.
struct Leftovers {
    let ownPID: pid_t
    var isNamespaceInit: Bool { ownPID == 1 }

    /// Sends `signal` to every process vigil answers for. Returns what was signalled, read from
    /// /proc, when `describe` asks for it (as PID 1 `kill(-1)` reaches everyone either way).
    @discardableResult
    func signalAll(_ signal: Int32, describe: Bool) -> [ProcessEntry] {
        if isNamespaceInit {
            let table = describe ? ProcessTable.read().entries.filter { $0.pid != ownPID && !$0.isZombie } : []
            _ = kill(-1, signal)
            return table
        }
        // A subreaper's descendants all hang below a living child of its own (orphans are
        // re-parented to it), so with no child there is nothing to signal and no /proc to read.
        guard Processes.peek() != .noChildren else { return [] }
        var signalled: [ProcessEntry] = []
        for entry in ProcessTable.read().descendants(of: ownPID) where Leftovers.signal(entry, signal) {
            signalled.append(entry)
        }
        return signalled
    }

    /// Signals one descendant through a pidfd, after checking that the PID still names the
    /// process seen in /proc (same parent), so that a recycled PID is never hit.
    private static func signal(_ entry: ProcessEntry, _ signal: Int32) -> Bool {
        let pidfd = clinux_pidfd_open(entry.pid)
        guard pidfd >= 0 else { return false }
        defer { closeDescriptor(pidfd) }
        guard let now = ProcessTable.entry(entry.pid), now.parent == entry.parent else { return false }
        return clinux_pidfd_send_signal(pidfd, signal) == 0
    }

    /// What vigil still has to wait for.
    enum Remaining: Equatable {
        case nothing
        /// Children of vigil: their exit raises SIGCHLD.
        case children
        /// Processes that are not vigil's children (the roots of what is left, at most 256):
        /// watched through pidfds, which become readable when they exit.
        case others([pid_t])
        /// Processes exist but cannot be watched; look again soon.
        case unwatchable
    }

    /// `hasChildren`: waitpid reported children still running.
    func remaining(hasChildren: Bool) -> Remaining {
        if hasChildren { return .children }
        guard isNamespaceInit else { return .nothing }
        let table = ProcessTable.read()
        guard table.isComplete else {
            // Without /proc, kill(-1, 0) still tells whether anyone else is there.
            return kill(-1, 0) == 0 ? .unwatchable : .nothing
        }
        let live = table.entries.filter { $0.pid != ownPID && !$0.isZombie }
        if live.isEmpty { return .nothing }
        // With no children left, every live process hangs below one whose parent is outside
        // the namespace (PPID 0); when such a root exits, its children become vigil's.
        let roots = live.filter { $0.parent == 0 }.map { $0.pid }
        return roots.isEmpty || roots.count > 256 ? .unwatchable : .others(roots)
    }
}
