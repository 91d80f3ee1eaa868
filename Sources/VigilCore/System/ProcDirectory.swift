import CLinux

/// /proc, listed: the one walk over its process directories, for what vigil stops
/// (`ProcessTable`) and for what `vigil ps` and `vigil check` show (`SnapshotReader`).
/// Each process's files are read through one handle on its /proc/PID directory, so that a
/// reused PID cannot mix two processes.
struct ProcDirectory {
    private let listing: OpaquePointer
    /// The descriptor of /proc itself, for reading its files relative to it.
    let fd: Int32

    /// Opens /proc for listing; fails when it is not there (not mounted in this root).
    static func open() -> Result<ProcDirectory, SystemError> {
        var listing: OpaquePointer? = nil
        let result = valueOrErrno { () -> Int32 in
            listing = opendir("/proc")
            return listing == nil ? -1 : 0
        }
        if case .failure(let errno) = result { return .failure(SystemError("opendir /proc", errno)) }
        return .success(ProcDirectory(listing: listing!, fd: dirfd(listing!)))
    }

    /// Calls `body` with each PID listed. Its files are read relative to `fd` ("PID/stat"):
    /// one open per file, for when one file per process is read.
    func forEachPID(_ body: (pid_t) -> Void) {
        while true {
            let pid = clinux_next_pid_entry(listing)
            if pid == 0 { return }
            body(pid)
        }
    }

    /// Calls `body` with each process's PID and an open descriptor of its /proc/PID directory,
    /// closed when `body` returns, for reading several of its files as one process's. A process
    /// that exits meanwhile is skipped.
    func forEachProcess(_ body: (pid_t, Int32) -> Void) {
        forEachPID { pid in
            guard case .success(let directory) = valueOrErrno({ clinux_open_pid_directory(fd, pid) }) else { return }
            body(pid, directory)
            closeDescriptor(directory)
        }
    }

    func close() {
        closedir(listing)
    }
}
