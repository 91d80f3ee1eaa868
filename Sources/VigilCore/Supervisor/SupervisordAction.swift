/// The runtime's part in supervisord's world: listeners' stdin, vigil's stdout, the XML-RPC
/// clients, the log files (`SupervisorAction.supervisord`).
enum SupervisordAction: Equatable {
    /// Write an event's envelope to a listener's stdin.
    case writeInput(process: Int, [UInt8])
    /// Print on vigil's stdout (what `supervisor_stdout:event_handler` prints).
    case print([UInt8])
    /// Send the XML-RPC client this reply's body.
    case reply(client: Int, RPCReply)
    /// Reopen the programs' log files (SIGUSR2).
    case reopenLogs
}

/// An answer to an XML-RPC request, as the server sends it.
enum RPCReply: Equatable {
    /// A `<methodResponse>` body.
    case body([UInt8])
    /// An HTTP error status (500: supervisord's answer to a reply it cannot write).
    case status(Int)
}

/// What supervisord logs about its processes and listeners, in its words.
enum SupervisordNote: Equatable {
    case spawned(name: String, pid: Int32)
    case spawnError(name: String, message: String)
    case running(name: String, seconds: Int64)
    case exited(name: String, how: ChildState, expected: Bool)
    case gaveUp(name: String)
    case stopped(name: String, how: ChildState, expected: Bool)
    case listenerUnknown(name: String)
    case eventRejected(name: String)
    case bufferOverflow(pool: String, serial: Int64)
    /// SIGHUP: supervisord would reload its configuration; vigil does not.
    case reloadRefused
    case logsReopened
}
