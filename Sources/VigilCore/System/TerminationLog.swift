import CLinux

/// The termination message: why vigil exited, written where the orchestrator reads it
/// (Kubernetes shows `/dev/termination-log` in `kubectl describe pod`). It never holds vigil
/// up: the file is opened non-blocking, written once, at most `longest` bytes, and a failure is
/// only reported back.
enum TerminationLog {
    /// Kubernetes' default terminationMessagePath.
    static let defaultPath = "/dev/termination-log"
    /// Kubernetes keeps at most 4096 bytes of a container's message.
    static let longest = 4096

    /// Writes `text` to `path`: created when `create` (a path vigil was given), else only if
    /// it exists and is writable. Returns the failure, if any.
    static func write(_ text: [UInt8], to path: String, create: Bool) -> SystemError? {
        let opened = valueOrErrno { path.withCString { clinux_open_for_writing($0, create ? 1 : 0) } }
        guard case .success(let fd) = opened else {
            if case .failure(let errno) = opened { return SystemError("open " + path, errno) }
            return nil
        }
        defer { closeDescriptor(fd) }
        let bytes = Array(text.prefix(longest))
        let written = bytes.withUnsafeBytes { raw in valueOrErrno { CLinux.write(fd, raw.baseAddress, raw.count) } }
        if case .failure(let errno) = written { return SystemError("write " + path, errno) }
        return nil
    }
}
