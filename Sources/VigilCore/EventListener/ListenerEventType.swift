/// supervisor's event types (`events.EventTypes`), by the names `[eventlistener:x] events=` and
/// the listener protocol's `eventname:` use. A listener subscribed to a family (`PROCESS_STATE`,
/// `TICK`, `EVENT`) gets every type below it, as supervisor matches with `isinstance`.
enum ListenerEventType: CaseIterable, Equatable {
    case event
    case processState, processStateStopped, processStateExited, processStateStarting
    case processStateStopping, processStateBackoff, processStateFatal, processStateRunning, processStateUnknown
    case processCommunication, processCommunicationStdout, processCommunicationStderr
    case processLog, processLogStdout, processLogStderr
    case remoteCommunication
    case supervisorStateChange, supervisorStateChangeRunning, supervisorStateChangeStopping
    case tick, tick5, tick60, tick3600
    case processGroup, processGroupAdded, processGroupRemoved

    /// supervisor's name: `PROCESS_STATE_RUNNING`.
    var name: String {
        switch self {
        case .event: return "EVENT"
        case .processState: return "PROCESS_STATE"
        case .processStateStopped: return "PROCESS_STATE_STOPPED"
        case .processStateExited: return "PROCESS_STATE_EXITED"
        case .processStateStarting: return "PROCESS_STATE_STARTING"
        case .processStateStopping: return "PROCESS_STATE_STOPPING"
        case .processStateBackoff: return "PROCESS_STATE_BACKOFF"
        case .processStateFatal: return "PROCESS_STATE_FATAL"
        case .processStateRunning: return "PROCESS_STATE_RUNNING"
        case .processStateUnknown: return "PROCESS_STATE_UNKNOWN"
        case .processCommunication: return "PROCESS_COMMUNICATION"
        case .processCommunicationStdout: return "PROCESS_COMMUNICATION_STDOUT"
        case .processCommunicationStderr: return "PROCESS_COMMUNICATION_STDERR"
        case .processLog: return "PROCESS_LOG"
        case .processLogStdout: return "PROCESS_LOG_STDOUT"
        case .processLogStderr: return "PROCESS_LOG_STDERR"
        case .remoteCommunication: return "REMOTE_COMMUNICATION"
        case .supervisorStateChange: return "SUPERVISOR_STATE_CHANGE"
        case .supervisorStateChangeRunning: return "SUPERVISOR_STATE_CHANGE_RUNNING"
        case .supervisorStateChangeStopping: return "SUPERVISOR_STATE_CHANGE_STOPPING"
        case .tick: return "TICK"
        case .tick5: return "TICK_5"
        case .tick60: return "TICK_60"
        case .tick3600: return "TICK_3600"
        case .processGroup: return "PROCESS_GROUP"
        case .processGroupAdded: return "PROCESS_GROUP_ADDED"
        case .processGroupRemoved: return "PROCESS_GROUP_REMOVED"
        }
    }

    /// From an upper-case name; nil for a name supervisor does not define.
    init?(name: String) {
        for type in Self.allCases where ASCII.equals(name, type.name) {
            self = type
            return
        }
        return nil
    }

    /// The family it belongs to (nil for `EVENT`, the root).
    var parent: ListenerEventType? {
        switch self {
        case .event: return nil
        case .processState, .processCommunication, .processLog, .remoteCommunication, .supervisorStateChange, .tick, .processGroup:
            return .event
        case .processStateStopped, .processStateExited, .processStateStarting, .processStateStopping,
             .processStateBackoff, .processStateFatal, .processStateRunning, .processStateUnknown:
            return .processState
        case .processCommunicationStdout, .processCommunicationStderr: return .processCommunication
        case .processLogStdout, .processLogStderr: return .processLog
        case .supervisorStateChangeRunning, .supervisorStateChangeStopping: return .supervisorStateChange
        case .tick5, .tick60, .tick3600: return .tick
        case .processGroupAdded, .processGroupRemoved: return .processGroup
        }
    }

    /// Whether a listener subscribed to `subscription` receives an event of this type.
    func isDelivered(to subscription: ListenerEventType) -> Bool {
        var type: ListenerEventType? = self
        while let current = type {
            if current == subscription { return true }
            type = current.parent
        }
        return false
    }

    /// Whether supervisord ever sends it as such (the families are abstract).
    var isConcrete: Bool {
        switch self {
        case .event, .processState, .processCommunication, .processLog, .supervisorStateChange, .tick, .processGroup: return false
        default: return true
        }
    }
}
