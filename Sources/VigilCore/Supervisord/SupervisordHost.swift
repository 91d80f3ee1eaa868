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
    /// The bytes of a file, nil when it cannot be opened (a directory cannot).
    var readFile: (String) -> [UInt8]? = { _ in nil }

    /// `$NAME`, the first definition.
    func variable(_ name: String) -> String? {
        environment.first { $0.name.utf8.elementsEqual(name.utf8) }?.value
    }
}
