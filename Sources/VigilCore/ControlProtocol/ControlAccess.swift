/// Who may use the control channel, decided from the peer's credentials (SO_PEERCRED) alone.
///
/// The channel is an abstract socket, and abstract names belong to the network namespace,
/// which a pod's containers (and `--network host` or `container:X` ones) share: the name is
/// no secret. So a client must be inside the container, visible in vigil's PID namespace,
/// and be root or vigil's own user. The kernel gives a peer that vigil's PID namespace cannot
/// see the PID 0; `docker exec`, `kubectl exec`, `nsenter --pid` and the container's own
/// processes are all visible.
enum ControlAccess {
    enum Refusal: Equatable {
        /// The peer is not visible in vigil's PID namespace: another container, or the host.
        case outsidePIDNamespace
        /// Neither root nor vigil's own user.
        case otherUser

        /// The one-line error the client gets.
        var message: String {
            switch self {
            case .outsidePIDNamespace:
                return "permission denied: the client is outside this container's PID namespace "
                    + "(run it inside, with docker exec, kubectl exec or nsenter --target PID --pid --mount --net)"
            case .otherUser:
                return "permission denied: only root or vigil's own user"
            }
        }
    }

    /// Why a peer with this uid and pid (as vigil's namespaces see them) is refused; nil when
    /// it may use the channel.
    static func refusal(uid: UInt32, pid: Int32, ownUID: UInt32) -> Refusal? {
        if pid <= 0 { return .outsidePIDNamespace }
        if uid != 0 && uid != ownUID { return .otherUser }
        return nil
    }

    /// Whether a client may trust the process that listens on the channel's name: the name
    /// is no secret, and a process outside the container could bind it first (guessing the
    /// namespaces' numbers) to answer in vigil's place. vigil itself is always visible from
    /// inside its container.
    static func trusts(listenerPID pid: Int32) -> Bool { pid > 0 }

    static let untrustedListener = "the control channel's name is held by a process outside this container; not asking it"

    /// Which refusals are logged: the first from each peer (uid and pid), for at most
    /// `maximumPeers` peers; then one line says that no more are. A flood of refused
    /// connections costs log lines only once.
    struct RefusalLog: Equatable {
        static let maximumPeers = 32

        struct Peer: Equatable {
            let uid: UInt32
            let pid: Int32
        }

        private(set) var logged: [Peer] = []
        /// The refusals not logged, since the first one that was.
        private(set) var unlogged = 0

        enum LogDecision: Equatable {
            /// Log this refusal.
            case log
            /// Log it, and say that later refusals are not logged.
            case logLast
            case skip
        }

        /// Whether the refusal of this peer is to be logged.
        mutating func refused(uid: UInt32, pid: Int32) -> LogDecision {
            let peer = Peer(uid: uid, pid: pid)
            guard !logged.contains(peer), logged.count < RefusalLog.maximumPeers else {
                unlogged += 1
                return .skip
            }
            logged.append(peer)
            return logged.count == RefusalLog.maximumPeers ? .logLast : .log
        }
    }
}
