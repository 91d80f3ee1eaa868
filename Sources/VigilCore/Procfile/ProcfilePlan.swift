/// The processes `honcho start [-c TYPE=N,...] [-p PORT] [TYPE...]` runs for a Procfile, as
/// vigil runs them:
/// - the chosen types in the order they were chosen (all types in file order when none was),
///   each `N` times (1 unless `concurrency` says; 0 runs none), named `TYPE.1`, `TYPE.2` ...;
/// - each by `/bin/sh -c COMMAND`, with, over vigil's own environment and in this order,
///   `HONCHO_PROCESS_NAME=TYPE.N`, the `.env` variables, and `PORT`;
/// - `PORT` counts from a base: the `.env` file's `PORT`, else `port` (honcho's `-p`), else
///   vigil's own `PORT`, else 5000. Instance N of a type gets base + N - 1, and each next type
///   (chosen or not started) starts 100 higher, as honcho computes it;
/// - output lines prefixed `NAME | `, the name padded to the longest one and to at least the six
///   characters of honcho's own `system` (honcho prints a time before it).
enum ProcfilePlan {
    struct Options: Equatable {
        /// Empty: every type.
        var types: [String] = []
        var concurrency: [Instances] = []
        /// `--port`, as given.
        var port: String? = nil
        /// `PORT` of vigil's own environment.
        var inheritedPort: String? = nil
    }

    struct Instances: Equatable {
        var type: String
        var count: Int
    }

    struct PlannedProcess: Equatable {
        /// `TYPE.N`.
        var name: String
        var type: String
        var argv: [String]
        var port: Int
        /// `NAME=value`, in order: added to vigil's environment, a later one winning.
        var environment: [String]
        var prefix: String
    }

    static let defaultPort = 5000
    static let mostInstances = 1000

    static func processes(_ procfile: Procfile, environment: ProcfileEnvironment, options: Options,
                          environmentPath: String = ".env") throws(ProcfileError) -> [PlannedProcess] {
        var port = try basePort(environment: environment, options: options, environmentPath: environmentPath)
        var processes: [PlannedProcess] = []
        var width = 6
        for type in try chosenTypes(procfile, options.types) {
            var count = 1
            for instances in options.concurrency where ASCII.equals(instances.type, type.name) { count = instances.count }
            for instance in 0..<count {
                let name = type.name + "." + decimal(instance + 1)
                guard port + instance <= 65535 else {
                    throw ProcfileError("\(name) would listen on port \(port + instance), past 65535: choose a lower PORT")
                }
                processes.append(PlannedProcess(name: name, type: type.name, argv: ["/bin/sh", "-c", type.command], port: port + instance,
                                         environment: variables(name, port + instance, environment), prefix: ""))
                width = max(width, name.utf8.count)
            }
            port += 100
        }
        for index in processes.indices {
            var prefix = Array(processes[index].name.utf8)
            while prefix.count < width { prefix.append(0x20) }
            processes[index].prefix = PythonText.string((prefix + " | ".utf8)[...])
        }
        return processes
    }

    /// As honcho builds the dictionary: its name first (the `.env` file's value if it sets
    /// one), the file's variables in their order, `PORT` where the file had it, else last.
    private static func variables(_ name: String, _ port: Int, _ environment: ProcfileEnvironment) -> [String] {
        let portValue = decimal(port)
        var first = "HONCHO_PROCESS_NAME=" + name
        var list: [String] = []
        var portSet = false
        for variable in environment.variables {
            if ASCII.equals(variable.name, "HONCHO_PROCESS_NAME") {
                first = "HONCHO_PROCESS_NAME=" + variable.value
                continue
            }
            let isPort = ASCII.equals(variable.name, "PORT")
            portSet = portSet || isPort
            list.append(variable.name + "=" + (isPort ? portValue : variable.value))
        }
        return [first] + list + (portSet ? [] : ["PORT=" + portValue])
    }

    /// `web,worker` or `web worker` as `["web", "worker"]`, each once, every one in the file.
    private static func chosenTypes(_ procfile: Procfile, _ names: [String]) throws(ProcfileError) -> [Procfile.ProcessType] {
        if names.isEmpty { return procfile.types }
        var chosen: [Procfile.ProcessType] = []
        for name in names {
            guard let type = procfile.type(named: name) else {
                throw ProcfileError("no process type '\(name)' in the Procfile")
            }
            if !chosen.contains(where: { ASCII.equals($0.name, name) }) { chosen.append(type) }
        }
        return chosen
    }

    private static func basePort(environment: ProcfileEnvironment, options: Options,
                                 environmentPath: String) throws(ProcfileError) -> Int {
        let (text, source): (String?, LogText) = if let value = environment.value(of: "PORT") {
            (value, "PORT in \(environmentPath)")
        } else if let value = options.port {
            (value, "--port")
        } else {
            (options.inheritedPort, "the environment's PORT")
        }
        guard let text else { return defaultPort }
        guard let port = number(Array(text.utf8)[...]), port <= 65535 else {
            throw ProcfileError("\(source): expected a port number from 0 to 65535, got '\(text)'")
        }
        return Int(port)
    }

    /// honcho's `-c web=2,worker=3`: how many of each type; every type must be in the Procfile.
    static func concurrency(_ text: String, in procfile: Procfile) throws(ProcfileError) -> [Instances] {
        var result: [Instances] = []
        for item in ByteFields.fields(Array(text.utf8)[...], separator: UInt8(ascii: ",")) {
            let parts = ByteFields.fields(item, separator: UInt8(ascii: "="))
            let type = PythonText.string(parts[0])
            guard parts.count == 2, let count = number(parts[1]), count <= mostInstances else {
                throw ProcfileError("--concurrency: expected TYPE=N with N from 0 to \(mostInstances), got '\(PythonText.string(item))'")
            }
            guard procfile.type(named: type) != nil else {
                throw ProcfileError("--concurrency: no process type '\(type)' in the Procfile")
            }
            result.append(Instances(type: type, count: Int(count)))
        }
        return result
    }

    /// A whole number as Python's `int()` reads the usual ones: blanks around, an optional `+`.
    private static func number(_ bytes: ArraySlice<UInt8>) -> Int64? {
        let digits = ByteFields.trim(bytes)
        return ASCII.parseInteger(digits.first == UInt8(ascii: "+") ? digits.dropFirst() : digits)
    }
}
