/// vigil under supervisorctl's name. The client is not written yet (its command line and the
/// XML-RPC client's parsers are: SupervisorctlCommandLine, XMLRPCReply): until it is, one clear
/// line says so, and Debian's supervisorctl works against vigil's `[unix_http_server]`.
enum SupervisorctlCommand {
    static func run(_ arguments: [String]) -> Int32 {
        Output.write("supervisorctl: not available in this vigil yet; use supervisor's own supervisorctl, which works against vigil's [unix_http_server]\n", to: 2)
        return ExitCodes.vigil.usage
    }
}
