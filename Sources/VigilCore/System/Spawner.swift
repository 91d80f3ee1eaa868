import CLinux

/// Starts the main child, the supervised processes and their readiness checks.
///
/// The usual path is posix_spawn, which needs no fork: glibc clones with CLONE_VM and
/// CLONE_VFORK and runs only async-signal-safe steps before exec. Four things are beyond it,
/// and only those go through CLinux's fork-based `clinux_spawn`: taking stdin's terminal as
/// the controlling terminal of a new session (TIOCSCTTY), switching user and groups, setting
/// a umask of the child's own, and execvp's /bin/sh fallback for a file that is not an
/// executable format, tried only after posix_spawn reported ENOEXEC. A scheduled task's run
/// also forks, without waiting for the exec (`waitsForExec`).
enum Spawner {
    struct Request {
        /// NULL-terminated argv, passed to exec exactly as given.
        var argv: UnsafePointer<UnsafeMutablePointer<CChar>?>
        /// NULL-terminated environment, passed exactly as given.
        var envp: UnsafePointer<UnsafeMutablePointer<CChar>?>
        var grouping: Configuration.Grouping
        /// Make the child's own group the terminal's foreground group (stdin).
        var takeTerminal = false
        /// Run a file without `#!` through /bin/sh, as execvp does.
        var shellFallback = false
        /// Reset to SIG_DFL in the child: what vigil changed for itself.
        var signalDefaults: sigset_t
        /// The child's signal mask.
        var signalMask: sigset_t
        /// Its working directory (nil: vigil's, at the time).
        var directory: String? = nil
        /// The user and groups it runs as (nil: vigil's).
        var identity: ProcessSpec.Identity? = nil
        /// Descriptors that become its stdout and stderr (nil: vigil's).
        var stdout: Int32? = nil
        var stderr: Int32? = nil
        /// The descriptor that becomes its stdin (nil: vigil's).
        var stdin: Int32? = nil
        /// Its file mode creation mask, 0 to 0o777 (nil: vigil's).
        var umask: Int32? = nil
        /// Wait until the child has exec'd, to learn whether it could (posix_spawn, vfork).
        /// A scheduled task's run does not: a plain fork lets vigil go straight back to sleep,
        /// once PATH was searched; what fails later the child says itself, exiting 127 or 126.
        var waitsForExec = true
    }

    /// Returns the child's PID, or the errno of the failed spawn or exec.
    static func spawn(_ request: Request) -> Result<pid_t, SystemError> {
        if (request.grouping == .newSession && isatty(0) == 1) || request.identity != nil || request.umask != nil
            || !request.waitsForExec {
            return forkAndExec(request)
        }
        let result = posixSpawn(request)
        if case .failure(let error) = result, error.errno == EMFILE || error.errno == ENFILE { return forkAndExec(request) }
        if case .failure(let error) = result, error.errno == ENOEXEC, request.shellFallback {
            return forkAndExec(request)
        }
        return result
    }

    private static func posixSpawn(_ request: Request) -> Result<pid_t, SystemError> {
        // execvp refuses an empty name; glibc's PATH search would try the directories.
        if request.argv[0]![0] == 0 { return .failure(SystemError("exec", errno: ENOENT)) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }

        // The child must not inherit vigil's blocked signals or its ignored TTIN/TTOU; what
        // vigil was given (ignored signals, with tini's rule the mask too) it passes on.
        var defaults = request.signalDefaults
        var mask = request.signalMask
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &mask)
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        switch request.grouping {
        case .ownGroup:
            // Its own process group, so that a signal sent to vigil's group does not reach it
            // twice, and so that -g can address its whole group.
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
            if request.takeTerminal {
                // Runs in the child after setpgid and before exec, with all signals still
                // blocked (so no SIGTTOU): the child owns the terminal before its program starts.
                if clinux_spawn_add_tcsetpgrp(&actions, 0) != 0 { return forkAndExec(request) }
            }
        case .callersGroup:
            break
        case .newSession:
            flags |= POSIX_SPAWN_SETSID
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        if let fd = request.stdin { posix_spawn_file_actions_adddup2(&actions, fd, 0) }
        if let fd = request.stdout { posix_spawn_file_actions_adddup2(&actions, fd, 1) }
        if let fd = request.stderr { posix_spawn_file_actions_adddup2(&actions, fd, 2) }
        if let directory = request.directory { posix_spawn_file_actions_addchdir_np(&actions, directory) }

        var pid: pid_t = 0
        let result = posix_spawnp(&pid, request.argv[0]!, &actions, &attributes, request.argv, request.envp)
        if result != 0 { return .failure(SystemError("exec", errno: result)) }
        return .success(pid)
    }

    private static func forkAndExec(_ request: Request) -> Result<pid_t, SystemError> {
        var flags: Int32 = 0
        switch request.grouping {
        case .ownGroup:
            flags |= Int32(CLINUX_SPAWN_GROUP)
            if request.takeTerminal { flags |= Int32(CLINUX_SPAWN_FOREGROUND) }
        case .callersGroup:
            break
        case .newSession:
            flags |= Int32(CLINUX_SPAWN_SESSION)
        }
        if request.shellFallback { flags |= Int32(CLINUX_SPAWN_SHELL_FALLBACK) }
        if !request.waitsForExec { flags |= Int32(CLINUX_SPAWN_NO_WAIT) }
        var pid: pid_t = 0
        var defaults = request.signalDefaults
        var mask = request.signalMask
        let groups: [gid_t] = request.identity?.groups ?? []
        let result = withUnsafePointer(to: &defaults) { defaults in
            withUnsafePointer(to: &mask) { mask in
                groups.withUnsafeBufferPointer { groups in
                    spawnWithDirectory(request, flags, defaults, mask, groups, &pid)
                }
            }
        }
        if result != 0 { return .failure(SystemError("exec", errno: result)) }
        return .success(pid)
    }

    private static func spawnWithDirectory(
        _ request: Request, _ flags: Int32, _ defaults: UnsafePointer<sigset_t>, _ mask: UnsafePointer<sigset_t>,
        _ groups: UnsafeBufferPointer<gid_t>, _ pid: inout pid_t
    ) -> Int32 {
        var options = clinux_spawn_options(
            flags: flags, defaults: defaults, mask: mask, directory: nil, switch_ids: request.identity == nil ? 0 : 1,
            uid: request.identity?.uid ?? 0, gid: request.identity?.gid ?? 0, group_count: groups.count,
            groups: groups.baseAddress, stdout_fd: request.stdout ?? -1, stderr_fd: request.stderr ?? -1,
            stdin_fd: request.stdin ?? -1, umask: request.umask ?? -1)
        guard let directory = request.directory else { return clinux_spawn(request.argv, request.envp, &options, &pid) }
        return directory.withCString { path in
            options.directory = path
            return clinux_spawn(request.argv, request.envp, &options, &pid)
        }
    }
}
