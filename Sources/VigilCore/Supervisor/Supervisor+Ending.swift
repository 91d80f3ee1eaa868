/// The end: what started it, and the report vigil gives when it exits.
extension Supervisor {
    /// The end begins (or goes on) because of `cause`: nothing restarts or starts after this.
    /// The first cause is the one reported.
    mutating func end(_ cause: Ending, at now: Instant) {
        ending = true
        if endedBy == nil { endedBy = cause }
        if stopStartedAt == nil { stopStartedAt = now }
    }

    /// Why vigil exits with `code` at `now`; `leftoversKilled`: how many other processes the
    /// runtime SIGKILLed when the grace ran out.
    func exitReport(code: Int32, at now: Instant, leftoversKilled: Int) -> ExitReport {
        var report = ExitReport(code: code, cause: endedBy, main: mainEnd)
        report.stopTook = stopStartedAt.map { now - $0 }
        report.killed = killedAtGraceEnd
        report.leftoversKilled = leftoversKilled
        report.restarts = processes.filter { $0.spec.kind == .sidecar }.map {
            ExitReport.Restarts(name: $0.spec.name, count: $0.restarts)
        }
        return report
    }
}
