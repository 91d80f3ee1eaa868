import CLinux

/// The running system's answers to what reading a supervisord configuration asks
/// (`SupervisordHost`): the environment as the kernel passed it, the working directory, the node
/// name, the account files, and the file system.
extension SupervisordHost {
    static func current() -> SupervisordHost {
        var host = SupervisordHost()
        host.environment = withPythonLocale(processEnvironment())
        var buffer = [CChar](repeating: 0, count: 4096)
        if getcwd(&buffer, buffer.count) != nil {
            host.currentDirectory = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        if let name = Processes.readFile("/proc/sys/kernel/hostname", limit: 256) {
            host.hostNodeName = String(decoding: name.prefix { $0 != 0x0A }, as: UTF8.self)
        }
        host.uid = getuid()
        host.users = UserDatabase.parse(Processes.readFile("/etc/passwd") ?? [])
        host.groups = GroupDatabase.parse(Processes.readFile("/etc/group") ?? [])
        host.isDirectory = isDirectory
        host.exists = { path in
            var info = stat()
            return stat(path, &info) == 0
        }
        host.listDirectory = listDirectory
        // Only regular files: opening a FIFO, or reading a terminal or vigil's own stdout pipe
        // (`files=/dev/stdout`, which makes supervisord hang), would block vigil for good.
        host.readFile = { path in isRegularFile(path) ? Processes.readFile(path, limit: INIReader.maximumFileSize + 1) : nil }
        host.temporaryDirectory = temporaryDirectory(host)
        return host
    }

    private static func processEnvironment() -> [(name: String, value: String)] {
        var result: [(name: String, value: String)] = []
        guard var entry = clinux_envp() else { return result }
        while let pointer = entry.pointee {
            let bytes = Array(UnsafeBufferPointer(start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: strlen(pointer)))
            if let equals = bytes.firstIndex(of: UInt8(ascii: "=")) {
                result.append((String(decoding: bytes[..<equals], as: UTF8.self), String(decoding: bytes[(equals + 1)...], as: UTF8.self)))
            }
            entry += 1
        }
        return result
    }

    private static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && Int32(info.st_mode) & S_IFMT == S_IFDIR
    }

    private static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && Int32(info.st_mode) & S_IFMT == S_IFREG
    }

    private static func listDirectory(_ path: String) -> [String]? {
        guard let directory = opendir(path) else { return nil }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: UInt8.self, capacity: 256) { bytes in
                    String(decoding: UnsafeBufferPointer(start: bytes, count: strlen(UnsafeRawPointer(bytes).assumingMemoryBound(to: CChar.self))), as: UTF8.self)
                }
            }
            if ASCII.equals(name, ".") || ASCII.equals(name, "..") { continue }
            names.append(name)
        }
        return names
    }

    /// Python's `tempfile.gettempdir()`: the first writable directory of $TMPDIR, $TEMP, $TMP,
    /// /tmp, /var/tmp, /usr/tmp and the working directory.
    private static func temporaryDirectory(_ host: SupervisordHost) -> String {
        var candidates: [String] = []
        for name in ["TMPDIR", "TEMP", "TMP"] { if let value = host.variable(name) { candidates.append(value) } }
        candidates += ["/tmp", "/var/tmp", "/usr/tmp", host.currentDirectory]
        for candidate in candidates where isDirectory(candidate) && access(candidate, W_OK) == 0 {
            return PythonPath.absolute(candidate, in: host.currentDirectory)
        }
        return "/tmp"
    }
}
