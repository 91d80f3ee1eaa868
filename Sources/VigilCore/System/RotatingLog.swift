import CLinux

/// A program's log file as supervisord writes it (`stdout_logfile=PATH`): appended to, and
/// once it reaches `maxBytes` (0: never) renamed to PATH.1 (PATH.1 to PATH.2, and so on up to
/// `backups`; with none it starts over), and a new one begun. vigil is never blocked by it:
/// the file is opened non-blocking, and what a full pipe or terminal refuses is dropped.
final class RotatingLog {
    let path: String
    let maxBytes: Int64
    let backups: Int64
    private var fd: Int32 = -1
    private var size: Int64 = 0
    /// Only a regular file is rotated (a FIFO, a terminal or /dev/null is written as it is).
    private var isRegular = false

    init(path: String, maxBytes: Int64, backups: Int64) {
        self.path = path
        self.maxBytes = maxBytes
        self.backups = backups
    }

    /// Opens (or reopens) the file for appending.
    @discardableResult
    func open(truncate: Bool = false) -> SystemError? {
        close()
        switch valueOrErrno({ clinux_open_log(path, truncate ? 1 : 0) }) {
        case .success(let descriptor): fd = descriptor
        case .failure(let errno): return SystemError("open " + path, errno)
        }
        var info = stat()
        isRegular = fstat(fd, &info) == 0 && Int32(info.st_mode) & S_IFMT == S_IFREG
        size = isRegular ? Int64(info.st_size) : 0
        return nil
    }

    func write(_ bytes: ArraySlice<UInt8>) {
        guard fd >= 0, !bytes.isEmpty else { return }
        let descriptor = fd
        let result = bytes.withUnsafeBufferPointer { buffer in valueOrErrno { CLinux.write(descriptor, buffer.baseAddress, buffer.count) } }
        guard case .success(let written) = result else { return }
        size += Int64(written)
        if isRegular && maxBytes > 0 && size >= maxBytes { rotate() }
    }

    private func rotate() {
        close()
        for (from, to) in RotatingLog.renames(path, backups: backups) { _ = rename(from, to) }
        open(truncate: true)
    }

    /// What a rollover renames, in order: PATH.N-1 to PATH.N, ..., PATH to PATH.1.
    static func renames(_ path: String, backups: Int64) -> [(String, String)] {
        guard backups > 0 else { return [] }
        var pairs: [(String, String)] = []
        var index = min(backups, 1000) - 1
        while index > 0 {
            pairs.append((path + "." + decimal(index), path + "." + decimal(index + 1)))
            index -= 1
        }
        pairs.append((path, path + ".1"))
        return pairs
    }

    func close() {
        if fd >= 0 { closeDescriptor(fd) }
        fd = -1
    }
}
