/// The supervisor states a process can be in, with the names events and supervisorctl use.
enum SupervisordProcessState: Int, Equatable {
    case stopped = 0
    case starting = 10
    case running = 20
    case backoff = 30
    case stopping = 40
    case exited = 100
    case fatal = 200
    case unknown = 1000

    var name: String {
        switch self {
        case .stopped: return "STOPPED"
        case .starting: return "STARTING"
        case .running: return "RUNNING"
        case .backoff: return "BACKOFF"
        case .stopping: return "STOPPING"
        case .exited: return "EXITED"
        case .fatal: return "FATAL"
        case .unknown: return "UNKNOWN"
        }
    }

    /// The event a change into this state sends.
    var eventType: ListenerEventType {
        switch self {
        case .stopped: return .processStateStopped
        case .starting: return .processStateStarting
        case .running: return .processStateRunning
        case .backoff: return .processStateBackoff
        case .stopping: return .processStateStopping
        case .exited: return .processStateExited
        case .fatal: return .processStateFatal
        case .unknown: return .processStateUnknown
        }
    }
}

/// One event with its payload, as supervisor's `events.py` renders it, and the envelope a
/// listener reads: a header line, then `len` characters of payload.
struct ListenerEvent: Equatable {
    var type: ListenerEventType
    var payload: [UInt8]

    /// A process changed state: `processname:web groupname:web from_state:STARTING pid:42`, with
    /// `tries:N` for STARTING and BACKOFF, `expected:0|1 pid:N` for EXITED, `pid:N` for RUNNING,
    /// STOPPING and STOPPED, nothing more for FATAL and UNKNOWN.
    static func processState(
        to state: SupervisordProcessState, process: String, group: String, from previous: SupervisordProcessState,
        pid: Int32, tries: Int, expected: Bool
    ) -> ListenerEvent {
        var text = "processname:" + process + " groupname:" + group + " from_state:" + previous.name
        switch state {
        case .starting, .backoff: text += " tries:" + decimal(tries)
        case .exited: text += " expected:" + (expected ? "1" : "0") + " pid:" + decimal(pid)
        case .running, .stopping, .stopped: text += " pid:" + decimal(pid)
        case .fatal, .unknown: break
        }
        return ListenerEvent(type: state.eventType, payload: Array(text.utf8))
    }

    /// Output of a process with `stdout_events_enabled` (or stderr's):
    /// `processname:web groupname:web pid:42 channel:stdout` and a line feed, then the data as
    /// read, or `Undecodable: b'...'` when it is not UTF-8.
    static func processLog(process: String, group: String, pid: Int32, stderr: Bool, data: [UInt8]) -> ListenerEvent {
        var text = Array(("processname:" + process + " groupname:" + group + " pid:" + decimal(pid)
            + " channel:" + (stderr ? "stderr" : "stdout") + "\n").utf8)
        text += decoded(data)
        return ListenerEvent(type: stderr ? .processLogStderr : .processLogStdout, payload: text)
    }

    /// What a process printed between `<!--XSUPERVISOR:BEGIN-->` and `<!--XSUPERVISOR:END-->`.
    static func processCommunication(process: String, group: String, pid: Int32, stderr: Bool, data: [UInt8]) -> ListenerEvent {
        let text = Array(("processname:" + process + " groupname:" + group + " pid:" + decimal(pid) + "\n").utf8) + decoded(data)
        return ListenerEvent(type: stderr ? .processCommunicationStderr : .processCommunicationStdout, payload: text)
    }

    /// SUPERVISOR_STATE_CHANGE_RUNNING or _STOPPING: an empty payload.
    static func supervisorState(running: Bool) -> ListenerEvent {
        ListenerEvent(type: running ? .supervisorStateChangeRunning : .supervisorStateChangeStopping, payload: [])
    }

    /// TICK_5, TICK_60 or TICK_3600: `when:` and the start of the period in seconds since the epoch.
    static func tick(period: Int64, now: Int64) -> ListenerEvent? {
        let type: ListenerEventType
        switch period {
        case 5: type = .tick5
        case 60: type = .tick60
        case 3600: type = .tick3600
        default: return nil
        }
        return ListenerEvent(type: type, payload: Array(("when:" + decimal(tickSlice(period: period, now: now))).utf8))
    }

    /// supervisor's `timeslice`: the start of the period `now` is in.
    static func tickSlice(period: Int64, now: Int64) -> Int64 {
        now - ((now % period) + period) % period
    }

    /// `type:TYPE` and a line feed, then the data (`supervisor.sendRemoteCommEvent`).
    static func remoteCommunication(type: String, data: String) -> ListenerEvent {
        ListenerEvent(type: .remoteCommunication, payload: Array(("type:" + type + "\n" + data).utf8))
    }

    static func processGroup(added: Bool, group: String) -> ListenerEvent {
        ListenerEvent(type: added ? .processGroupAdded : .processGroupRemoved, payload: Array(("groupname:" + group + "\n").utf8))
    }

    private static func decoded(_ data: [UInt8]) -> [UInt8] {
        PythonText.firstInvalidUTF8(data) == nil ? data : Array("Undecodable: ".utf8) + PythonRepr.bytes(data[...])
    }

    /// What a listener reads: `ver:3.0 server:IDENTIFIER serial:N pool:NAME poolserial:N
    /// eventname:NAME len:N`, a line feed, the payload. `len` counts characters (code points) as
    /// Python's `len()` of the text does, which is bytes only for ASCII.
    func envelope(identifier: String, serial: Int64, pool: String, poolSerial: Int64) -> [UInt8] {
        let header = "ver:3.0 server:" + identifier + " serial:" + decimal(serial) + " pool:" + pool + " poolserial:"
            + decimal(poolSerial) + " eventname:" + type.name + " len:" + decimal(PythonText.length(payload[...])) + "\n"
        return Array(header.utf8) + payload
    }
}
