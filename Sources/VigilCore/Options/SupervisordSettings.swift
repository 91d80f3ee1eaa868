/// What a supervisord configuration asks of vigil beyond its processes: the XML-RPC servers
/// supervisorctl talks to, the names it goes by, the files supervisord would write, and what
/// to say at the start about settings a container makes moot (`Configuration.supervisord`).
struct SupervisordSettings: Equatable {
    /// `[supervisord] identifier`: the `server:` of listener envelopes, `getIdentification`.
    var identifier = "supervisor"
    /// Written with vigil's PID at the start, removed at the end (listeners that kill
    /// supervisord read it).
    var pidfile: String? = nil
    var servers: [RPCServerSettings] = []
    /// Old `AUTO` log files of this identifier are removed from here at the start (supervisord's
    /// clean-up, unless `nocleanup`).
    var autoLogCleanup: String? = nil
    /// Lines said once at the start: what vigil takes differently, as info or warnings.
    var notices: [SupervisordNotice] = []
}

/// `[unix_http_server]` or `[inet_http_server]`: where the XML-RPC server listens and who may use it.
struct RPCServerSettings: Equatable {
    enum Address: Equatable {
        /// A socket file, given `mode`, and `uid`/`gid` (-1: left as they are).
        case unix(path: String, mode: UInt32, uid: Int64, gid: Int64)
        /// A TCP port on `host` (empty: every address, as supervisord takes `*:PORT` and `PORT`).
        case inet(host: String, port: UInt16)
    }

    var section: String
    var address: Address
    /// Both or neither: with them, every request needs HTTP Basic authentication.
    var username: String? = nil
    var password: String? = nil
}
