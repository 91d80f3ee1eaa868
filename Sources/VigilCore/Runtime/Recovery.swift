import CLinux

/// The entry of the image that a fault of vigil's own re-executed (CLinux's fault.c): argv is
/// exactly `vigil --recover-after-fault FAULT STATE`. It reads both as outside input (anyone
/// may start vigil so), then adopts the running tree (`InitProcess.recover`). A fault here ends
/// vigil with one line on stderr: there is no second recovery.
enum Recovery {
    /// Whether `arguments` are the re-execution's.
    static func isRequested(_ arguments: [String]) -> Bool {
        arguments.count == 4 && ASCII.equals(arguments[1], FaultHandler.recoveryFlag)
    }

    /// Returns the exit code: the main process's, as ever, or 2 for arguments that are not a
    /// state vigil wrote.
    static func run(_ arguments: [String]) -> Int32 {
        // Everything is blocked across the re-execution; a fault from here on gets its line.
        FaultHandler.install(program: "vigil", recovery: true)
        _ = FaultHandler.unblock()
        // The name ps and pgrep see, which the exec of /proc/self/exe made "exe".
        _ = clinux_set_process_name(arguments[0])
        guard let fault = FaultReport.parse(arguments[2]) else {
            return refuse(UsageError("bad fault description '\(arguments[2])'"))
        }
        let state: RecoveryState
        do {
            state = try RecoveryState.parse(arguments[3])
        } catch {
            return refuse(error)
        }
        var configuration = state.adoptedConfiguration
        if let stop = state.myInitStop {
            var runit = RunitSettings(directory: MyInitSettings.servicesDirectory, stopTimeout: stop.timeout)
            MyInitSetup.listShutdownScripts(&runit)
            configuration.runit = runit
        }
        switch configuration.logStyle {
        case .named(let program), .bracketed(let program): FaultHandler.install(program: program, recovery: true)
        }
        var process = InitProcess(configuration: configuration, parentAtStart: getppid(), hasMain: state.hasMain)
        return process.recover(state, after: fault)
    }

    /// Says what is wrong with the arguments; returns the exit code for it.
    private static func refuse(_ error: UsageError) -> Int32 {
        let hint = "\(FaultHandler.recoveryFlag) is for vigil's own use, after a fault."
        Output.write(UsageError(error.text, hint: hint).rendered(programName: "vigil"), to: 2)
        return ExitCodes.vigil.usage
    }
}
