import CLinux

// The rule for every system call vigil makes: it goes through `valueOrErrno` (or
// `systemCall`, which names it), so that EINTR is retried in one place and errno is read
// right after the call that set it; descriptors vigil owns are closed by `closeDescriptor`.

/// The one errno rule: calls `body`, a system call that returns -1 and sets errno on failure,
/// again while it fails with EINTR (unless told not to), and reads errno right after the call
/// that failed. Any integer result type, so that `ssize_t` needs no truncating cast.
@inline(__always)
func valueOrErrno<T: FixedWidthInteger>(retryOnInterrupt: Bool = true, _ body: () -> T) -> Result<T, Errno> {
    while true {
        let result = body()
        guard result == -1 else { return .success(result) }
        let errno = Errno(rawValue: clinux_errno())
        if retryOnInterrupt && errno.rawValue == EINTR { continue }
        return .failure(errno)
    }
}

/// `valueOrErrno`, with a failure named by `operation` for the log.
@inline(__always)
func systemCall<T: FixedWidthInteger>(_ operation: String, _ body: () -> T) -> Result<T, SystemError> {
    switch valueOrErrno(body) {
    case .success(let value): return .success(value)
    case .failure(let errno): return .failure(SystemError(operation, errno))
    }
}

/// `systemCall` for a call whose result means nothing but success: the error, or nil.
@inline(__always)
func systemCallError<T: FixedWidthInteger>(_ operation: String, _ body: () -> T) -> SystemError? {
    if case .failure(let error) = systemCall(operation, body) { return error }
    return nil
}

/// Closes a descriptor vigil owns: the one place that does. Never retried: on Linux the
/// descriptor is gone even when close reports EINTR.
func closeDescriptor(_ fd: Int32) {
    _ = close(fd)
}
