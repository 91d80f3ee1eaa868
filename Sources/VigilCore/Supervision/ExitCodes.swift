import CLinux

/// vigil's own exit codes. Anything else is the child's.
public enum ExitCodes {
    /// Bad command line or environment variable.
    public static let usage: Int32 = 2
    /// vigil itself could not work (a system call it depends on failed).
    public static let internalFailure: Int32 = 125
    /// The command exists but cannot be executed.
    public static let notExecutable: Int32 = 126
    /// The command was not found.
    public static let notFound: Int32 = 127

    /// The code for a command that could not be started, by errno, the way shells choose.
    public static func forSpawnFailure(errno: Int32) -> Int32 {
        switch errno {
        case ENOENT, ENOTDIR: return notFound
        case EAGAIN, ENOMEM: return internalFailure
        default: return notExecutable
        }
    }
}
