/// A `supervise/status` file as runit's `sv` reads it, and the text `sv status` prints from it
/// (sv.c's `svstatus_print`), byte for byte but the seconds, which depend on the time:
///
///     run: web: (pid 123) 5s, normally down, paused, want down, got TERM; run: log: (pid 124) 5s
///     down: web: 9s, normally up, want up
///
/// The name is the service as given to `sv`; the log service is always `log`. Each addition
/// appears only where it says something: `normally down` for a running service with a `down`
/// file, `normally up` for a stopped one without; `want up` only when stopped, `paused`, `want
/// down` and `got TERM` only when running (a pid is set).
struct SvStatus: Equatable {
    var taiSeconds: UInt64
    var pid: UInt32
    var paused: Bool
    /// `u` or `d`.
    var want: UInt8
    var gotTerm: Bool
    /// 0 down, 1 run, 2 finish; sv prints no state word for any other.
    var state: UInt8

    /// nil unless exactly 20 bytes, as sv refuses a file of any other size ("bad format").
    init?(_ bytes: [UInt8]) {
        guard bytes.count == 20 else { return nil }
        taiSeconds = bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
        pid = bytes[12..<16].reversed().reduce(0) { $0 << 8 | UInt32($1) }
        paused = bytes[16] != 0
        want = bytes[17]
        gotTerm = bytes[18] != 0
        state = bytes[19]
    }

    /// One service's part of the line: `run: NAME: (pid N) Ss...`, without a newline.
    /// `normallyUp`: the service folder has no `down` file. `now`: a TAI64 label.
    func text(name: [UInt8], normallyUp: Bool, now: UInt64) -> [UInt8] {
        var text: [UInt8] = []
        switch state {
        case 0: text += "down: ".utf8
        case 1: text += "run: ".utf8
        case 2: text += "finish: ".utf8
        default: break
        }
        text += name
        text += ": ".utf8
        // sv reads the pid into an int: past 2^31 it prints the sign-extended value.
        let shownPid = UInt64(bitPattern: Int64(Int32(bitPattern: pid)))
        if state != 0 {
            text += "(pid ".utf8
            SvStatus.appendDecimal(shownPid, to: &text)
            text += ") ".utf8
        }
        SvStatus.appendDecimal(now < taiSeconds ? 0 : now - taiSeconds, to: &text)
        text.append(UInt8(ascii: "s"))
        if pid != 0 && !normallyUp { text += ", normally down".utf8 }
        if pid == 0 && normallyUp { text += ", normally up".utf8 }
        if pid != 0 && paused { text += ", paused".utf8 }
        if pid == 0 && want == UInt8(ascii: "u") { text += ", want up".utf8 }
        if pid != 0 && want == UInt8(ascii: "d") { text += ", want down".utf8 }
        if pid != 0 && gotTerm { text += ", got TERM".utf8 }
        return text
    }

    private static func appendDecimal(_ value: UInt64, to text: inout [UInt8]) {
        var digits: [UInt8] = []
        var rest = value
        repeat {
            digits.append(0x30 + UInt8(rest % 10))
            rest /= 10
        } while rest > 0
        text += digits.reversed()
    }

    /// The whole line `sv status NAME` prints for a service, and for its log service when the
    /// service has a `log` folder.
    static func line(name: [UInt8], _ service: SvStatus, normallyUp: Bool,
                     log: (status: SvStatus, normallyUp: Bool)?, now: UInt64) -> [UInt8] {
        var text = service.text(name: name, normallyUp: normallyUp, now: now)
        if let log { text += "; ".utf8 + log.status.text(name: Array("log".utf8), normallyUp: log.normallyUp, now: now) }
        text.append(0x0A)
        return text
    }
}
