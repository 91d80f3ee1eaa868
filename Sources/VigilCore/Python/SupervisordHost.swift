/// What reading a supervisord configuration asks of the system, given by the caller so that the
/// reading stays a pure function: supervisord checks that directories exist, looks users up,
/// expands globs and reads the files they match, all while it parses.
struct SupervisordHost {
    /// The environment, in order (`%(ENV_NAME)s`); the first of two equal names counts, as in
    /// Python's `os.environ`.
    var environment: [(name: String, value: String)] = []
    /// The working directory: relative paths (`-c`, `logfile`, `pidfile`) start there.
    var currentDirectory = "/"
    /// `%(host_node_name)s`: the node name of uname(2).
    var hostNodeName = "localhost"
    /// The default `childlogdir` (Python's `tempfile.gettempdir()`).
    var temporaryDirectory = "/tmp"
    /// The user vigil runs as (FastCGI sockets are chowned to a program's user when it differs).
    var uid: UInt32 = 0
    var users = UserDatabase()
    var groups = GroupDatabase()
    /// Whether a path names a directory (following symbolic links).
    var isDirectory: (String) -> Bool = { _ in false }
    /// Whether anything exists at a path (a dangling symbolic link too).
    var exists: (String) -> Bool = { _ in false }
    /// The names in a directory (without `.` and `..`), nil when it cannot be listed.
    var listDirectory: (String) -> [String]? = { _ in nil }
    /// The bytes of a file, nil when it cannot be opened or is not a regular file (a directory,
    /// a FIFO or a device: supervisord would try, and could block for good).
    var readFile: (String) -> [UInt8]? = { _ in nil }

    /// `$NAME`, the first definition.
    func variable(_ name: String) -> String? {
        environment.first { PythonText.same($0.name, name) }?.value
    }
}

extension SupervisordHost {
    /// The environment supervisord's Python sees: with the C locale (no LC_ALL, and LC_CTYPE or
    /// else LANG unset, empty, `C` or `POSIX`), Python 3.7 and later set `LC_CTYPE=C.UTF-8`
    /// before it starts (PEP 538), in place or at the end, unless PYTHONCOERCECLOCALE=0. So
    /// `%(ENV_LC_CTYPE)s` expands under supervisord, and its children inherit the variable.
    /// (Python also coerces when a named locale is not installed; that is not checked here.)
    static func withPythonLocale(_ environment: [(name: String, value: String)]) -> [(name: String, value: String)] {
        func value(_ name: String) -> String? { environment.first { PythonText.same($0.name, name) }?.value }
        if let all = value("LC_ALL"), !all.isEmpty { return environment }
        if let coerce = value("PYTHONCOERCECLOCALE"), ASCII.equals(coerce, "0") { return environment }
        let category = value("LC_CTYPE").flatMap { $0.isEmpty ? nil : $0 } ?? value("LANG") ?? ""
        guard category.isEmpty || ASCII.equals(category, "C") || ASCII.equals(category, "POSIX") else { return environment }
        var result = environment
        if let index = result.firstIndex(where: { PythonText.same($0.name, "LC_CTYPE") }) {
            result[index].value = "C.UTF-8"
        } else {
            result.append((name: "LC_CTYPE", value: "C.UTF-8"))
        }
        return result
    }
}
