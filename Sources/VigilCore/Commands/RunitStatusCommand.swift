import CLinux

/// `vigil runit-status down|run|finish [pid=N] [want=up|down|exit] [paused] [term]
/// [normally-down] [name=NAME]`, a developer's command left out of the help: prints what vigil
/// would write into a service's `supervise/` folder for that state, begun now (`RunitStatus`),
/// and what runit's `sv status NAME` would print from it (`SvStatus`), so that tests compare
/// both with runsv and sv:
///
///     status HEX        the 20 bytes of `status`
///     stat "TEXT"       `stat`, a JSON string
///     pid "TEXT"        `pid`
///     sv "TEXT"         the line `sv status` prints, without its newline
///
/// Exit status: 0 printed; 2 a word it does not know (one line on stderr). Debug builds only:
/// the release leaves it out for size.
enum RunitStatusCommand {
    static func run(_ arguments: [String]) -> Int32 {
        #if hasFeature(Embedded)
        return developerOnly("runit-status")
        #else
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var status = RunitStatus(since: TAI64N(unixSeconds: Int64(now.tv_sec), nanoseconds: UInt32(now.tv_nsec)))
        var name = Array("service".utf8)
        var normallyUp = true
        for argument in arguments {
            let word = Array(argument.utf8)
            let value = word.split(separator: UInt8(ascii: "="), maxSplits: 1).last ?? []
            if let state = ["down", "run", "finish"].firstIndex(where: { ASCII.equals(word, $0) }) {
                status.state = RunitStatus.RunState(rawValue: UInt8(state)) ?? .down
            } else if ASCII.hasPrefix(word, "pid="), let pid = ASCII.parseInteger(value) {
                status.pid = UInt32(pid)
            } else if ASCII.equals(word, "want=down") || ASCII.equals(word, "want=exit") {
                status.want = word.count == 9 && word[5] == UInt8(ascii: "d") ? .down : .exit
            } else if ASCII.equals(word, "paused") || ASCII.equals(word, "term") {
                if word.count == 4 { status.gotTerm = true } else { status.paused = true }
            } else if ASCII.equals(word, "normally-down") {
                normallyUp = false
            } else if ASCII.hasPrefix(word, "name=") {
                name = Array(value)
            } else if !ASCII.equals(word, "want=up") {
                return fail("runit-status", UsageError("unknown word '\(argument)'"), code: 2)
            }
        }
        let bytes = status.statusBytes
        var text: [UInt8] = Array("status ".utf8)
        for byte in bytes { text += [UTF8Scan.hexDigit(UInt32(byte) >> 4), UTF8Scan.hexDigit(UInt32(byte))] }
        let sv = SvStatus(bytes)?.text(name: name, normallyUp: normallyUp, now: status.since.seconds) ?? []
        for (label, value) in [("\nstat ", status.statText), ("\npid ", status.pidText), ("\nsv ", sv)] {
            text += label.utf8
            JSONText.appendString(value, to: &text)
        }
        text.append(0x0A)
        return Output.write(text, to: 1) ? 0 : 1
        #endif
    }
}
