// vigil's own restart rule (--restart, --max-restarts), apart from supervisord's
// (`Supervised+Supervisord`).
extension Supervised {
    /// Whether an exit with `code` (the shell's convention) after a run of `ran` is to be
    /// followed by a restart.
    func restartsAfter(exitCode code: Int32, ran: Int64) -> Bool {
        guard spec.kind == .sidecar else { return false }
        let inARow = ran < spec.backoffReset ? restartsInARow : 0
        if let limit = spec.maxRestarts, inARow >= limit { return false }
        switch spec.restart {
        case .always: return true
        case .onFailure: return code != 0
        case .never: return false
        }
    }
}
