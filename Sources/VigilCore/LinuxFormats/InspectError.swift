/// Why a snapshot could not be taken, as one line for the user.
struct InspectError: Error, Equatable {
    let message: String
    init(_ message: String) { self.message = message }

    /// "cannot read /proc/PID/status: No such file or directory". Out of line, like `proc`:
    /// inlined string building costs about a kilobyte per message in the Embedded binary.
    @inline(never)
    init(_ action: String, _ path: String, errno: Int32, _ hint: String = "") {
        message = action + " " + path + ": " + SystemError.reason(errno) + hint
    }

    /// "/proc/PID/NAME", or "/proc/PID" when `name` is empty.
    @inline(never)
    static func proc(_ pid: Int32, _ name: String = "") -> String {
        var path = "/proc/"
        path += String(pid)
        if !name.isEmpty { path += "/" + name }
        return path
    }
}
