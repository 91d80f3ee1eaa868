/// The values a process's settings are made of: its checks, its dependencies, its identity.
extension ProcessSpec {
    /// How vigil knows a sidecar is ready, or that a ready process is still alive (every kind
    /// but `notify`).
    enum Readiness: Equatable {
        /// The command exits 0.
        case exec([String])
        /// A TCP connection to the endpoint succeeds.
        case tcp(Endpoint)
        /// An HTTP GET is answered with a status from 200 to 399.
        case http(HTTPTarget)
        /// The process sends `READY=1` to `NOTIFY_SOCKET` (systemd's sd_notify).
        case notify

        /// A TCP connection to the IPv4 address (host byte order) and port.
        static func tcp(address: UInt32, port: UInt16) -> Readiness {
            .tcp(Endpoint(address: .v4(address), port: port))
        }

        /// The check connects a socket (tcp, http), which the loop polls.
        var usesSocket: Bool {
            switch self {
            case .tcp, .http: return true
            case .exec, .notify: return false
            }
        }
    }

    /// What a process waits for before it starts (`--after`).
    enum Condition: Equatable {
        /// The other process has started.
        case started
        /// Its readiness check passed (it started, when it has none); an init task, that it is done.
        case ready
        /// It exited 0 and stays down: an init task, or a sidecar that does not restart always.
        case done
    }

    /// One entry of `--after`: a process, and the condition (nil: `ready`, or `done` for an
    /// init task).
    struct Dependency: Equatable {
        var name: String
        var condition: Condition?
    }

    /// A user and group to run as, resolved from the image's /etc/passwd and /etc/group.
    struct Identity: Equatable {
        var uid: UInt32
        var gid: UInt32
        /// Supplementary groups.
        var groups: [UInt32]
    }
}
