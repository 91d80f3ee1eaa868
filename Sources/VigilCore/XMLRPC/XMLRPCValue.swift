/// An XML-RPC value, as supervisor's server reads it from a request and writes it in a reply.
indirect enum XMLRPCValue: Equatable {
    /// `<int>` or `<i4>` (XML-RPC allows 32 bits; a request may carry more, as Python reads it).
    case int(Int64)
    case boolean(Bool)
    /// `<string>`, a value without a type, `<base64>` decoded, and the text of an element of a
    /// type supervisor does not know (`<i8>5</i8>` reads as the string "5").
    case string(String)
    /// `<double>`, kept as written (supervisor's API takes none).
    case double(String)
    /// `<dateTime.iso8601>`, kept as written.
    case dateTime(String)
    case array([XMLRPCValue])
    /// Members in order; a repeated name keeps its first place and takes the last value.
    case structure([XMLRPCMember])
    /// `<nil/>`, or an unknown empty element.
    case none

    /// The member named `name` of a structure.
    func member(_ name: String) -> XMLRPCValue? {
        guard case .structure(let members) = self else { return nil }
        return members.first { $0.name.utf8.elementsEqual(name.utf8) }?.value
    }
}

struct XMLRPCMember: Equatable {
    var name: String
    var value: XMLRPCValue
}

/// supervisor's fault codes (`xmlrpc.Faults`) and the text of a fault: the code's name, then
/// `: ` and the detail when there is one (`BAD_NAME: web`).
enum XMLRPCFault: Int32, CaseIterable {
    case unknownMethod = 1
    case incorrectParameters = 2
    case badArguments = 3
    case signatureUnsupported = 4
    case shutdownState = 6
    case badName = 10
    case badSignal = 11
    case noFile = 20
    case notExecutable = 21
    case failed = 30
    case abnormalTermination = 40
    case spawnError = 50
    case alreadyStarted = 60
    case notRunning = 70
    case success = 80
    case alreadyAdded = 90
    case stillRunning = 91
    case cantReread = 92

    var name: String {
        switch self {
        case .unknownMethod: return "UNKNOWN_METHOD"
        case .incorrectParameters: return "INCORRECT_PARAMETERS"
        case .badArguments: return "BAD_ARGUMENTS"
        case .signatureUnsupported: return "SIGNATURE_UNSUPPORTED"
        case .shutdownState: return "SHUTDOWN_STATE"
        case .badName: return "BAD_NAME"
        case .badSignal: return "BAD_SIGNAL"
        case .noFile: return "NO_FILE"
        case .notExecutable: return "NOT_EXECUTABLE"
        case .failed: return "FAILED"
        case .abnormalTermination: return "ABNORMAL_TERMINATION"
        case .spawnError: return "SPAWN_ERROR"
        case .alreadyStarted: return "ALREADY_STARTED"
        case .notRunning: return "NOT_RUNNING"
        case .success: return "SUCCESS"
        case .alreadyAdded: return "ALREADY_ADDED"
        case .stillRunning: return "STILL_RUNNING"
        case .cantReread: return "CANT_REREAD"
        }
    }

    /// `NAME` or `NAME: detail`, as supervisor's RPCError text.
    func text(_ detail: String? = nil) -> String {
        guard let detail else { return name }
        return name + ": " + detail
    }

    /// The `{'faultCode': ..., 'faultString': ...}` struct, as `system.multicall` reports a
    /// failed call inside its results.
    func structure(_ detail: String? = nil) -> XMLRPCValue {
        .structure([XMLRPCMember(name: "faultCode", value: .int(Int64(rawValue))),
                    XMLRPCMember(name: "faultString", value: .string(text(detail)))])
    }
}
