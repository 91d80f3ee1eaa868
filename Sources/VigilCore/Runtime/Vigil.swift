import CLinux

/// The program: read the options, then supervise. Returns the exit code.
public func vigilMain() -> Int32 {
    let parentAtStart = getppid()
    let arguments = ProcessArguments.current()
    let log = Log()
    let invocation: Invocation
    do {
        invocation = try CommandLineParser().parse(arguments.strings, environment: ProcessArguments.environment)
    } catch {
        Output.write(error.rendered(programName: log.programName), to: 2)
        return ExitCodes.usage
    }
    switch invocation {
    case .help:
        Output.write(Usage.text(), to: 1)
        return 0
    case .version:
        Output.write("vigil \(VigilVersion.string)\n", to: 1)
        return 0
    case .run(let configuration, let commandIndex):
        var process = InitProcess(
            configuration: configuration, policy: Supervisor.Policy(configuration),
            log: Log(verbosity: configuration.verbosity), parentAtStart: parentAtStart)
        return process.run(argv: arguments.raw + commandIndex, envp: arguments.environmentVector)
    case .pause(let configuration):
        var process = InitProcess(
            configuration: configuration, policy: Supervisor.Policy(configuration),
            log: Log(verbosity: configuration.verbosity), parentAtStart: parentAtStart)
        return process.run(argv: nil, envp: arguments.environmentVector)
    }
}

/// The argument vector and environment as the kernel passed them.
struct ProcessArguments {
    let raw: UnsafePointer<UnsafeMutablePointer<CChar>?>
    let environmentVector: UnsafePointer<UnsafeMutablePointer<CChar>?>
    /// Decoded for option parsing only; the child gets `raw`.
    let strings: [String]

    static func current() -> ProcessArguments {
        let count = Int(clinux_argc())
        let argv = UnsafePointer<UnsafeMutablePointer<CChar>?>(clinux_argv()!)
        var strings: [String] = []
        strings.reserveCapacity(count)
        for index in 0..<count {
            strings.append(String(cString: argv[index]!))
        }
        return ProcessArguments(
            raw: argv,
            environmentVector: UnsafePointer<UnsafeMutablePointer<CChar>?>(clinux_envp()!),
            strings: strings)
    }

    static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }
}
