/// Where a forwarded signal goes.
public enum SignalTarget: Equatable, Sendable {
    case process(Int32)
    case processGroup(Int32)
}

/// Something the runtime must do. The supervisor decides; the runtime performs.
public enum SupervisorAction: Equatable, Sendable {
    case send(signal: Int32, to: SignalTarget)
    case exit(code: Int32)
}

/// vigil's decisions as a plain value: events in, actions out, no system calls. Tests drive
/// it directly; the runtime feeds it what the kernel reports.
public struct Supervisor: Sendable {
    public struct Policy: Equatable, Sendable {
        public var forwardToGroup = false
        public var exitMap = ExitMap()

        public init(forwardToGroup: Bool = false, exitMap: ExitMap = ExitMap()) {
            self.forwardToGroup = forwardToGroup
            self.exitMap = exitMap
        }

        public init(_ configuration: Configuration) {
            self.init(forwardToGroup: configuration.forwardToGroup, exitMap: configuration.exitMap)
        }
    }

    public let policy: Policy
    /// The main child while it runs.
    public private(set) var mainChild: Int32?

    public init(policy: Policy) {
        self.policy = policy
    }

    public mutating func started(mainChild pid: Int32) {
        mainChild = pid
    }

    /// A signal arrived for vigil (never SIGCHLD, which only means "reap").
    public func received(_ signal: Int32) -> [SupervisorAction] {
        guard let child = mainChild else { return [] }
        return [.send(signal: signal, to: policy.forwardToGroup ? .processGroup(child) : .process(child))]
    }

    /// A child was reaped.
    public mutating func reaped(_ pid: Int32, _ state: ChildState) -> [SupervisorAction] {
        guard pid == mainChild, let code = state.exitCode else { return [] }
        mainChild = nil
        return [.exit(code: policy.exitMap.apply(code))]
    }
}
