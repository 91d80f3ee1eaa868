// Fuzz target: what a vigil re-executed after a fault reads from its argv: the recovery state
// (`RecoveryState.parse`) and the fault's description (`FaultReport.parse`). Anyone may start
// vigil with those arguments, so they are outside input.
//
// Input: the text of either. A state that parses writes back as text that parses to the same
// text, and a supervisor adopting it takes the events of a stop without trapping.
@testable import VigilCore
import CLinux

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRecoveryState(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let fault = FaultReport.parse(text) {
        precondition(fault.signal >= 1 && fault.signal <= 64 && fault.code > 0, "fault \(fault)")
        precondition(FaultReport.parse(fault.encodedForTest) == fault, "fault \(fault) reads back differently")
    }
    let state: RecoveryState
    do {
        state = try RecoveryState.parse(text)
    } catch {
        precondition(!error.message.isEmpty && !error.message.contains("\n"), "error '\(error.message)'")
        return 0
    }
    let encoded = state.encoded()
    guard let again = try? RecoveryState.parse(String(decoding: encoded, as: UTF8.self)) else {
        preconditionFailure("'\(String(decoding: encoded, as: UTF8.self))' does not parse back")
    }
    precondition(again.encoded() == encoded, "the state writes back differently")
    precondition(state.main == nil || state.phase == .running, "a main child outside the running phase")
    adopt(state)
    return 0
}

/// A supervisor adopts the state, and takes a stop: a TERM, every process (and a shutdown
/// script) reaped, the deadlines.
private func adopt(_ state: RecoveryState) {
    let policy = Policy(state.adoptedConfiguration, isNamespaceInit: true)
    // my_init's shutdown scripts, as the recovery lists them again.
    let runit = state.myInitStop.map { stop in
        RunitSettings(directory: "/etc/service", stopTimeout: stop.timeout, preShutdown: ["/pre/a", "/pre/b"], postShutdown: ["/post/a"])
    }
    var supervisor = Supervisor(adopting: state, policy: policy, runit: runit, at: 0)
    _ = supervisor.resume(state, at: 0)
    _ = supervisor.handle(.signal(SIGTERM), at: 1)
    if case .script(_, _, let pid?, _, _) = state.myInitStop?.step { _ = supervisor.handle(.reaped(pid: pid, .exited(code: 1)), at: 2) }
    _ = supervisor.handle(.runit(.scriptSpawned(pid: nil)), at: 2)
    for process in state.processes { _ = supervisor.handle(.reaped(pid: process.pid, .exited(code: 0)), at: 2) }
    if let main = state.main { _ = supervisor.handle(.reaped(pid: main.pid, .killed(signal: 9, coreDumped: false)), at: 3) }
    _ = supervisor.handle(.deadline, at: Instant.max / 2)
    _ = supervisor.handle(.nothingLeft, at: Instant.max / 2)
}

private extension FaultReport {
    var encodedForTest: String {
        decimal(signal) + ":" + decimal(code) + ":" + hexadecimal(address) + ":" + decimal(at)
    }
}
