// Fuzz target: what runit's `sv` reads from `supervise/status` (`SvStatus`) and the control
// letters runsv reads from `supervise/control` (`RunitCommand.commands`), with runsv's
// decisions for them (`RunsvService.control`).
//
// Input: 20 bytes of a status file (shorter inputs must be refused), then control bytes.
// A status vigil writes reads back the same; the text sv prints is one line; no decision
// sends a signal to a service that does not run, or leaves it marked TERMed with no pid.
@testable import VigilCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRunitStatus(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let status = SvStatus(Array(bytes.prefix(20))) else {
        precondition(bytes.count < 20, "20 bytes refused")
        return 0
    }
    let text = status.text(name: Array("web".utf8), normallyUp: bytes[16] & 2 == 0, now: status.taiSeconds &+ 5)
    precondition(!text.contains(0x0A))
    var service = RunsvService(isLog: bytes[16] & 4 != 0, startsDown: status.want != UInt8(ascii: "u"), now: TAI64N(seconds: status.taiSeconds))
    if status.state == 1 && status.pid != 0 { service.started(pid: status.pid, now: TAI64N(seconds: status.taiSeconds)) }
    for command in RunitCommand.commands(Array(bytes.dropFirst(20))) {
        let running = service.status.state == .run
        let actions = service.control(command, override: { $0 & 1 == 0 })
        for action in actions {
            if case .signal = action { precondition(running, "signalled a service that does not run") }
        }
        precondition(!service.status.gotTerm || service.status.pid != 0)
        let written = service.status.statusBytes
        let read = SvStatus(written)
        precondition(read?.pid == service.status.pid && read?.state == service.status.state.rawValue, "round trip")
        precondition(service.status.statText.last == 0x0A && service.status.statText.filter { $0 == 0x0A }.count == 1)
    }
    return 0
}
