import CLinux

/// vigil's own exit codes: for a bad command line, for its own failure, and for a command that
/// could not be started. Anything else is the child's.
struct ExitCodes: Equatable {
    /// The code for one errno of a failed start.
    struct SpawnFailure: Equatable {
        let errno: Int32
        let code: Int32

        init(_ errno: Int32, _ code: Int32) {
            self.errno = errno
            self.code = code
        }
    }

    /// Bad command line or environment variable.
    var usage: Int32
    /// vigil itself could not work (a system call it depends on failed).
    var internalFailure: Int32
    var spawnFailures: [SpawnFailure]
    /// A failed start with any other errno.
    var otherSpawnFailure: Int32
    /// The main process failed its liveness check (and vigil stopped it): 124, as `timeout`
    /// exits when its command did not finish in time. Also the status by which a sidecar
    /// stopped for the same reason counts as failed.
    var livenessFailure: Int32 = 124

    /// The code for a command that could not be started.
    func forSpawnFailure(errno: Int32) -> Int32 {
        for failure in spawnFailures where failure.errno == errno { return failure.code }
        return otherSpawnFailure
    }

    /// vigil's own: 2 usage, 125 vigil failed (as Docker uses for its own failures), and the
    /// shell's 127 (not found) and 126 (cannot be executed).
    static let vigil = ExitCodes(
        usage: 2, internalFailure: 125,
        spawnFailures: [SpawnFailure(ENOENT, 127), SpawnFailure(ENOTDIR, 127), SpawnFailure(EAGAIN, 125),
                        SpawnFailure(ENOMEM, 125)],
        otherSpawnFailure: 126)
}
