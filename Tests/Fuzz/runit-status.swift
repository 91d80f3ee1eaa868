// Fuzz target: what runit's `sv` reads from `supervise/status` (`SvStatus`) and the control
// letters runsv reads from `supervise/control` (`RunitCommand.commands`), with runsv's
// decisions for them (`RunsvService.control`), `control/X` scripts answering as they like.
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
    let now = Instant(status.taiSeconds & 0xFFFF_FFFF)
    var service = RunsvService(isLog: bytes[16] & 4 != 0, startsDown: status.want != UInt8(ascii: "u"),
                               hasFinish: bytes[16] & 8 != 0, overrides: Array("tdxuhk".utf8), now: now)
    if status.state == 1 && status.pid != 0 {
        _ = service.nextStart(at: now)
        service.started(pid: Int32(bitPattern: status.pid & 0x7FFF_FFFF) | 1, at: now)
    }
    for (index, command) in RunitCommand.commands(Array(bytes.dropFirst(20))).enumerated() {
        let running = service.state == .run
        var actions = service.control(command)
        if service.isBusy { actions += service.overrideEnded(succeeded: index & 1 == 0) }
        for action in actions {
            if case .signal = action { precondition(service.pid != 0 || !running, "signalled nothing") }
        }
        precondition(!service.gotTerm || service.pid != 0)
        let written = service.status(since: TAI64N(seconds: status.taiSeconds))
        let read = SvStatus(written.statusBytes)
        precondition(read?.pid == written.pid && read?.state == written.state.rawValue, "round trip")
        precondition(written.statText.last == 0x0A && written.statText.filter { $0 == 0x0A }.count == 1)
    }
    return 0
}
