import CLinux

/// One buffer for every small file a snapshot reads.
struct ReadBuffer {
    private var storage: [UInt8]
    /// The errno of the last `read` that returned nil.
    private(set) var lastError: Int32 = 0
    /// A file read whole may grow the buffer up to this size: /proc/PID/status puts the
    /// Groups line, as long as the process's supplementary groups, before NSpid.
    static let maximum = 1 << 20

    init(capacity: Int) {
        storage = [UInt8](repeating: 0, count: capacity)
    }

    /// Reads `name` under `directory`, whole (up to `maximum`) or up to `limit` bytes; nil
    /// when it cannot be opened or read. The bytes are then `self[count]`, until the next read.
    @inline(never)
    mutating func read(_ directory: Int32, _ name: String, limit: Int? = nil) -> Int? {
        let fd: Int32
        switch valueOrErrno({ name.withCString { clinux_openat_read(directory, $0) } }) {
        case .success(let opened): fd = opened
        case .failure(let errno):
            lastError = errno.rawValue
            return nil
        }
        defer { closeDescriptor(fd) }
        var filled = 0
        while true {
            if filled == storage.count {
                guard limit == nil, storage.count < ReadBuffer.maximum else { break }
                storage.append(contentsOf: repeatElement(0, count: storage.count))
            }
            let wanted = min(limit ?? storage.count, storage.count) - filled
            if wanted <= 0 { break }
            let result = storage.withUnsafeMutableBytes { raw in
                valueOrErrno { CLinux.read(fd, raw.baseAddress! + filled, wanted) }
            }
            guard case .success(let count) = result else {
                if case .failure(let errno) = result { lastError = errno.rawValue }
                return nil
            }
            if count == 0 { break }
            filled += count
        }
        return filled
    }

    /// The first `count` bytes. Use the slice within one statement: holding it across the next
    /// `read` would make that read copy the buffer.
    subscript(count: Int) -> ArraySlice<UInt8> { storage[0..<count] }
}
