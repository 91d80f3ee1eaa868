import CLinux

/// The log lines whose words depend on `Wording`.
struct Messages {
    let wording: Wording
    let log: Log

    func spawned(_ command: String, _ pid: pid_t, foreground: Bool) {
        switch wording {
        case .vigil: log.debug("started child \(pid)\(foreground ? " in the terminal's foreground" : "")")
        case .tini: log.info("Spawned child process '\(command)' with pid '\(pid)'")
        }
    }

    /// "cannot run 'app': command not found", for a supervised process's line.
    func cannotRunText(_ command: String, errno: Int32) -> LogText {
        "cannot run '\(command)': \(spawnReason(errno))"
    }

    func cannotRun(_ command: String, errno: Int32) {
        switch wording {
        case .vigil: log.error(cannotRunText(command, errno: errno))
        case .tini: log.error("exec \(command) failed: \(SystemError.reason(errno))")
        }
    }

    func mainChildChanged(_ pid: pid_t, _ state: ChildState) {
        switch (wording, state) {
        case (.tini, .exited(let code)): log.info("Main child exited normally (with status '\(code)')")
        case (.tini, .killed(let signal, _)): log.info("Main child exited with signal (with signal '\(signalText(signal))')")
        default: log.info("child \(pid) \(describe(state))")
        }
    }

    /// A process other than the main child was reaped; `name` is known with `-w`.
    func reaped(_ pid: pid_t, _ state: ChildState, name: String?) {
        switch wording {
        case .vigil:
            if let name {
                log.warning("reaped zombie process \(pid) (\(name)), \(describe(state))")
            } else {
                log.debug("reaped process \(pid), \(describe(state))")
            }
        case .tini:
            if let name {
                log.warning("Reaped zombie process with pid=\(pid) (\(name))")
            } else {
                log.debug("Reaped child with pid: '\(pid)'")
            }
        }
    }

    func received(_ signal: Int32, from sender: pid_t) {
        switch wording {
        case .vigil: log.debug("received \(SignalNames.name(of: signal)) from pid \(sender)")
        case .tini: log.debug("Passing signal: '\(signalText(signal))'")
        }
    }

    func registeredSubreaper(_ ownPID: pid_t) {
        switch wording {
        case .vigil: log.info("not PID 1 (pid \(ownPID)); registered as child subreaper")
        case .tini: log.debug("Registered as child subreaper")
        }
    }

    /// tini's warning, word for word, when it can neither be PID 1 nor a subreaper.
    func cannotReap() {
        log.warning("Tini is not running as PID 1 and isn't registered as a child subreaper. Zombie processes will not be re-parented to Tini, so zombie reaping won't work. To fix the problem, use the -s option or set the environment variable TINI_SUBREAPER to register Tini as a child subreaper, or run Tini as PID 1.")
    }

    private func spawnReason(_ errno: Int32) -> String {
        switch errno {
        case ENOENT: return "command not found"
        case EACCES: return "permission denied"
        case ENOEXEC: return "not an executable format"
        default: return SystemError.reason(errno)
        }
    }

    /// strsignal's text ("Terminated"), as tini prints it.
    private func signalText(_ signal: Int32) -> String {
        guard let text = clinux_signal_text(signal) else { return SignalNames.name(of: signal) }
        return String(cString: text)
    }
}
