/// Parses the command line the way the tool vigil was run as would.
public enum InvocationParser {
    public static func parse(
        _ arguments: [String], environment: (String) -> String?, realtime: RealtimeSignals = .current
    ) throws(UsageError) -> Invocation {
        switch Personality.detect(arguments.first ?? "vigil") {
        case .vigil: return try CommandLineParser(realtime: realtime).parse(arguments, environment: environment)
        case .tini: return try TiniCommandLine(realtime: realtime).parse(arguments, environment: environment)
        case .dumbInit: return try DumbInitCommandLine(realtime: realtime).parse(arguments, environment: environment)
        }
    }
}
