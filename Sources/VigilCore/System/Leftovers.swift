import CLinux

/// The processes vigil answers for, besides the main child, and how to stop them.
///
/// As PID 1 that is every process in the PID namespace, including ones that entered it from
/// outside (`docker exec`, `nsenter`) and are not vigil's descendants. As a subreaper it is
/// vigil's descendants only, so that nothing outside its subtree is ever signalled.
///
/// Both need /proc to name them, and a subreaper needs it to find them at all. Without a /proc
/// of its own namespace vigil does what it can: as PID 1 `kill(-1)` still reaches everyone; as
/// a subreaper only the process group the main child started is reachable.
struct Leftovers {
    let ownPID: pid_t
    /// /proc shows vigil's own PID namespace (checked once, at start-up).
    let procIsOwn: Bool
    /// The process group the main child started, when it had one of its own.
    let childGroup: pid_t?

    var isNamespaceInit: Bool { ownPID == 1 }

    /// The most passes of the freeze before vigil kills what it has: a process stuck in the
    /// kernel (D state) never shows as stopped.
    static let freezeRounds = 32

    /// Sends `signal` to every process vigil answers for. Returns what was signalled, read from
    /// /proc, when `describe` asks for it (as PID 1 `kill(-1)` reaches everyone either way).
    @discardableResult
    func signalAll(_ signal: Int32, describe: Bool) -> [ProcessEntry] {
        if isNamespaceInit {
            let table = describe ? live(ProcessTable.read()) : []
            Processes.signal(-1, signal)
            return table
        }
        // A subreaper's descendants all hang below a living child of its own (orphans are
        // re-parented to it), so with no child there is nothing to signal and no /proc to read.
        guard Processes.peek() != .noChildren else { return [] }
        guard let table = ownTable() else {
            if let childGroup { Processes.signal(-childGroup, signal) }
            return []
        }
        var signalled: [ProcessEntry] = []
        for entry in table.descendants(of: ownPID) where Processes.signal(entry, signal) {
            signalled.append(entry)
        }
        return signalled
    }

    /// SIGKILLs everything vigil answers for, leaving nothing that could escape: as a
    /// subreaper, every descendant is first stopped (SIGSTOP), pass after pass until a scan
    /// finds none still running, so that nothing can fork or be re-parented out of sight, and
    /// only then killed. Returns what was killed.
    func killAll() -> [ProcessEntry] {
        if isNamespaceInit {
            // The kernel's kill(-1) reaches every process at once; one forking meanwhile has
            // the SIGKILL pending and cannot finish the fork.
            let table = live(ProcessTable.read())
            Processes.signal(-1, SIGKILL)
            return table
        }
        guard Processes.peek() != .noChildren else { return [] }
        guard ownTable() != nil else {
            if let childGroup {
                Processes.signal(-childGroup, SIGSTOP)
                Processes.signal(-childGroup, SIGKILL)
            }
            return []
        }
        for _ in 0..<Leftovers.freezeRounds {
            guard let table = ownTable() else { break }
            let running = table.descendants(of: ownPID).filter { !$0.isStopped }
            if running.isEmpty { break }
            for entry in running { _ = Processes.signal(entry, SIGSTOP) }
        }
        var killed: [ProcessEntry] = []
        for entry in ownTable()?.descendants(of: ownPID) ?? [] where Processes.signal(entry, SIGKILL) {
            killed.append(entry)
        }
        return killed
    }

    /// What is still alive, for the log: descendants as a subreaper, the namespace as PID 1.
    func stillAlive() -> [ProcessEntry] {
        guard let table = ownTable() else { return [] }
        return isNamespaceInit ? live(table) : table.descendants(of: ownPID)
    }

    /// /proc, read whole, when it is this namespace's.
    private func ownTable() -> ProcessTable? {
        guard procIsOwn else { return nil }
        let table = ProcessTable.read()
        return table.isComplete ? table : nil
    }

    private func live(_ table: ProcessTable) -> [ProcessEntry] {
        guard procIsOwn else { return [] }
        return table.entries.filter { $0.pid != ownPID && !$0.isZombie }
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
        guard let table = ownTable() else {
            // Without /proc, kill(-1, 0) still tells whether anyone else is there.
            return Processes.anyoneElse() ? .unwatchable : .nothing
        }
        let live = live(table)
        if live.isEmpty { return .nothing }
        // With no children left, every live process hangs below one whose parent is outside
        // the namespace (PPID 0); when such a root exits, its children become vigil's.
        let roots = live.filter { $0.parent == 0 }.map { $0.pid }
        return roots.isEmpty || roots.count > 256 ? .unwatchable : .others(roots)
    }
}
