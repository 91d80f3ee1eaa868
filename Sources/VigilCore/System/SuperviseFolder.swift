import CLinux

/// A service's `supervise/` folder, kept as runsv keeps it, so that runit's `sv` works with
/// vigil: the folder (0700; where `supervise` is a symbolic link, its target is made), `lock`
/// (0600, locked while vigil runs: a runsv already there keeps it, and vigil leaves the service
/// alone), the `control` FIFO (0600) held open at both ends so that `sv` can always write and
/// vigil never reads an end of file, the `ok` FIFO (0600) held open for reading (`sv` opens it
/// for writing, without blocking, to learn that something supervises the service), and the
/// three files runsv writes (0644 but for the umask), each through a `.new` file renamed over
/// it: `pid` (when it changed), `stat`, then `status`. They are written in the folder opened at
/// the start, as runsv writes them from inside it: a service folder renamed, or removed and
/// made again, does not get the old service's status in the new folder.
///
/// Nothing here blocks: every descriptor is non-blocking and close-on-exec; a read of
/// `control` takes at most `largestRead` bytes.
final class SuperviseFolder {
    static let largestRead = 64

    let path: String
    let control: Int32
    private let controlWriter: Int32
    private let ok: Int32
    private let lock: Int32
    private let folder: Int32

    private init(path: String, control: Int32, controlWriter: Int32, ok: Int32, lock: Int32, folder: Int32) {
        self.path = path
        self.control = control
        self.controlWriter = controlWriter
        self.ok = ok
        self.lock = lock
        self.folder = folder
    }

    /// Makes or takes `folder`/supervise.
    static func open(_ folder: String) -> Result<SuperviseFolder, SystemError> {
        let path = folder + "/supervise"
        if let error = makeFolder(path) { return .failure(error) }
        let lock: Int32
        switch openFile(path + "/lock", O_WRONLY | O_NONBLOCK | O_APPEND | O_CREAT, 0o600) {
        case .success(let fd): lock = fd
        case .failure(let error): return .failure(error)
        }
        var opened = [lock]
        if let error = systemCallError("lock " + path + "/lock", { flock(lock, LOCK_EX | LOCK_NB) }) {
            return close(opened, error)
        }
        if let error = makeFIFO(path + "/control") { return close(opened, error) }
        for flags in [O_RDONLY | O_NONBLOCK, O_WRONLY | O_NONBLOCK] {
            switch openFile(path + "/control", flags, 0) {
            case .success(let fd): opened.append(fd)
            case .failure(let error): return close(opened, error)
            }
        }
        if let error = makeFIFO(path + "/ok") { return close(opened, error) }
        switch openFile(path + "/ok", O_RDONLY | O_NONBLOCK, 0) {
        case .success(let fd): opened.append(fd)
        case .failure(let error): return close(opened, error)
        }
        switch openFile(path, O_PATH | O_DIRECTORY, 0) {
        case .success(let fd):
            return .success(SuperviseFolder(path: path, control: opened[1], controlWriter: opened[2], ok: opened[3], lock: lock, folder: fd))
        case .failure(let error): return close(opened, error)
        }
    }

    private static func openFile(_ path: String, _ flags: Int32, _ mode: UInt32) -> Result<Int32, SystemError> {
        systemCall("open " + path) { path.withCString { clinux_open_mode($0, flags, mode) } }
    }

    private static func close(_ descriptors: [Int32], _ error: SystemError) -> Result<SuperviseFolder, SystemError> {
        for fd in descriptors { closeDescriptor(fd) }
        return .failure(error)
    }

    /// mkdir 0700; an existing folder is taken as it is, and a dangling symbolic link gets
    /// its target made, as runsv does.
    private static func makeFolder(_ path: String) -> SystemError? {
        switch valueOrErrno({ mkdir(path, 0o700) }) {
        case .success: return nil
        case .failure(let errno) where errno.rawValue != EEXIST: return SystemError("mkdir " + path, errno)
        case .failure: if ServiceFolders.kind(path) == .folder { return nil }
        }
        var buffer = [CChar](repeating: 0, count: 256)
        let length = buffer.withUnsafeMutableBufferPointer { readlink(path, $0.baseAddress!, 255) }
        guard length > 0 else { return SystemError(path + " is not a folder", errno: ENOTDIR) }
        let target = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let resolved = target.utf8.first == UInt8(ascii: "/") ? target : folderOf(path) + "/" + target
        return systemCallError("mkdir " + resolved) { mkdir(resolved, 0o700) }
    }

    private static func folderOf(_ path: String) -> String {
        let bytes = Array(path.utf8)
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return "." }
        return String(decoding: bytes[..<slash], as: UTF8.self)
    }

    /// mkfifo 0600, or an existing FIFO; anything else there is refused.
    private static func makeFIFO(_ path: String) -> SystemError? {
        if case .failure(let errno) = valueOrErrno({ mkfifo(path, 0o600) }), errno.rawValue != EEXIST {
            return SystemError("mkfifo " + path, errno)
        }
        var info = stat()
        guard case .success = valueOrErrno({ stat(path, &info) }), info.st_mode & UInt32(S_IFMT) == UInt32(S_IFIFO) else {
            return SystemError(path + " exists but is not a FIFO", errno: EEXIST)
        }
        return nil
    }

    /// What `sv` wrote into `control`, at most `largestRead` bytes; empty when nothing waits.
    func readControl() -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: SuperviseFolder.largestRead)
        let result = bytes.withUnsafeMutableBytes { raw in valueOrErrno { read(control, raw.baseAddress, raw.count) } }
        guard case .success(let count) = result, count > 0 else { return [] }
        return Array(bytes[0..<count])
    }

    /// Writes the state as runsv does, `status.since` being the TAI64N label to write.
    func write(_ status: RunitStatus, pidChanged: Bool) -> SystemError? {
        if pidChanged, let error = replace("pid", status.pidText) { return error }
        if let error = replace("stat", status.statText) { return error }
        return replace("status", status.statusBytes)
    }

    private func replace(_ name: String, _ bytes: [UInt8]) -> SystemError? {
        let fresh = name + ".new"
        let shown = path + "/" + fresh
        let opened = systemCall("open " + shown) {
            fresh.withCString { clinux_openat_mode(folder, $0, O_WRONLY | O_NONBLOCK | O_TRUNC | O_CREAT, 0o644) }
        }
        guard case .success(let fd) = opened else {
            if case .failure(let error) = opened { return error }
            return nil
        }
        let written = bytes.withUnsafeBytes { raw in valueOrErrno { CLinux.write(fd, raw.baseAddress, raw.count) } }
        closeDescriptor(fd)
        guard case .success(let count) = written, count == bytes.count else { return SystemError("write " + shown, errno: EIO) }
        return systemCallError("rename " + shown) { clinux_renameat(folder, fresh, name) }
    }

    /// The TAI64N label of the monotonic time `since`, by the wall clock now.
    static func label(_ since: Instant) -> TAI64N {
        var wall = timespec()
        clock_gettime(CLOCK_REALTIME, &wall)
        let ago = max(0, Clock.now() - since)
        let wallNanoseconds = Int64(wall.tv_sec) * 1_000_000_000 + Int64(wall.tv_nsec) - ago
        let seconds = wallNanoseconds >= 0 ? wallNanoseconds / 1_000_000_000 : (wallNanoseconds - 999_999_999) / 1_000_000_000
        return TAI64N(unixSeconds: seconds, nanoseconds: UInt32(wallNanoseconds - seconds * 1_000_000_000))
    }

    func close() {
        for fd in [control, controlWriter, ok, lock, folder] { closeDescriptor(fd) }
    }
}
