/// The methods of supervisor's `supervisor` namespace, each with how many parameters it
/// takes (a call with another count gets INCORRECT_PARAMETERS, as Python's TypeError gives it).
enum SupervisordMethod: CaseIterable, Equatable {
    case getAPIVersion, getVersion, getSupervisorVersion, getIdentification, getState, getPID
    case readLog, readMainLog, clearLog, shutdown, restart, reloadConfig, addProcessGroup, removeProcessGroup
    case startProcess, startProcessGroup, startAllProcesses, stopProcess, stopProcessGroup, stopAllProcesses
    case signalProcess, signalProcessGroup, signalAllProcesses, getAllConfigInfo, getProcessInfo, getAllProcessInfo
    case readProcessLog, readProcessStdoutLog, readProcessStderrLog, tailProcessLog, tailProcessStdoutLog, tailProcessStderrLog
    case clearProcessLog, clearProcessLogs, clearAllProcessLogs, sendProcessStdin, sendRemoteCommEvent

    private static let table: [(name: String, least: Int, most: Int)] = [
        ("getAPIVersion", 0, 0), ("getVersion", 0, 0), ("getSupervisorVersion", 0, 0), ("getIdentification", 0, 0),
        ("getState", 0, 0), ("getPID", 0, 0), ("readLog", 2, 2), ("readMainLog", 2, 2), ("clearLog", 0, 0),
        ("shutdown", 0, 0), ("restart", 0, 0), ("reloadConfig", 0, 0), ("addProcessGroup", 1, 1), ("removeProcessGroup", 1, 1),
        ("startProcess", 1, 2), ("startProcessGroup", 1, 2), ("startAllProcesses", 0, 1), ("stopProcess", 1, 2),
        ("stopProcessGroup", 1, 2), ("stopAllProcesses", 0, 1), ("signalProcess", 2, 2), ("signalProcessGroup", 2, 2),
        ("signalAllProcesses", 1, 1), ("getAllConfigInfo", 0, 0), ("getProcessInfo", 1, 1), ("getAllProcessInfo", 0, 0),
        ("readProcessLog", 3, 3), ("readProcessStdoutLog", 3, 3), ("readProcessStderrLog", 3, 3), ("tailProcessLog", 3, 3),
        ("tailProcessStdoutLog", 3, 3), ("tailProcessStderrLog", 3, 3), ("clearProcessLog", 1, 1), ("clearProcessLogs", 1, 1),
        ("clearAllProcessLogs", 0, 0), ("sendProcessStdin", 2, 2), ("sendRemoteCommEvent", 2, 2),
    ]

    private var entry: (name: String, least: Int, most: Int) {
        Self.table[Self.allCases.firstIndex(of: self) ?? 0]
    }

    var name: String { entry.name }

    init?(name: String) {
        guard let index = Self.table.firstIndex(where: { ASCII.equals($0.name, name) }) else { return nil }
        self = Self.allCases[index]
    }

    func takes(_ count: Int) -> Bool { count >= entry.least && count <= entry.most }
}
