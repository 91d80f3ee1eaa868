/// What runsv records of one service in its `supervise/` folder, and the three files it writes
/// from it after every change (runsv.c's `update_status`), so that runit's own `sv` reads from
/// vigil what it would read from runsv:
/// - `status`, 20 bytes: the TAI64N time the state began (8 bytes of seconds and 4 of
///   nanoseconds, big-endian; runsv packs 16 bytes of TAI64NA and overwrites the last 4), the
///   pid (4 bytes, little-endian, 0 when nothing runs), 1 when paused, `u` when it wants up
///   (`d` for down and for exit), 1 when it sent TERM, and the state (0 down, 1 run, 2 finish);
/// - `stat`: `run`, `down` or `finish`, then `, paused`, `, got TERM`, and unless down,
///   `, want down` or `, want exit`, and a newline;
/// - `pid`: the pid and a newline, or nothing when nothing runs.
struct RunitStatus: Equatable {
    enum RunState: UInt8 {
        case down = 0, run = 1, finish = 2
    }

    enum Wanted: Equatable {
        case up, down, exit
    }

    /// When the state began.
    var since: TAI64N
    /// Of `run`, or of `finish` while it runs; 0 when nothing runs.
    var pid: UInt32 = 0
    var state = RunState.down
    var want = Wanted.up
    var paused = false
    /// TERM was sent and the process has not exited yet.
    var gotTerm = false

    var statusBytes: [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 20)
        for index in 0..<8 { bytes[index] = UInt8(truncatingIfNeeded: since.seconds >> UInt64(56 - 8 * index)) }
        for index in 0..<4 {
            bytes[8 + index] = UInt8(truncatingIfNeeded: since.nanoseconds >> UInt32(24 - 8 * index))
            bytes[12 + index] = UInt8(truncatingIfNeeded: pid >> UInt32(8 * index))
        }
        bytes[16] = paused ? 1 : 0
        bytes[17] = want == .up ? UInt8(ascii: "u") : UInt8(ascii: "d")
        bytes[18] = gotTerm ? 1 : 0
        bytes[19] = state.rawValue
        return bytes
    }

    var statText: [UInt8] {
        var text: [UInt8] = Array((state == .run ? "run" : state == .down ? "down" : "finish").utf8)
        if paused { text += ", paused".utf8 }
        if gotTerm { text += ", got TERM".utf8 }
        if state != .down && want != .up { text += (want == .down ? ", want down" : ", want exit").utf8 }
        text.append(0x0A)
        return text
    }

    var pidText: [UInt8] {
        pid == 0 ? [] : Array((decimal(Int64(pid)) + "\n").utf8)
    }
}

/// A TAI64N time as runit's libtai keeps it: a TAI64 label and nanoseconds.
struct TAI64N: Equatable {
    var seconds: UInt64
    var nanoseconds: UInt32 = 0

    init(seconds: UInt64, nanoseconds: UInt32 = 0) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    /// A UNIX time as libtai's `taia_now` labels it: 2^62, plus the 10 seconds TAI was ahead
    /// of UTC in 1972 (leap seconds since are not counted, as in runit).
    init(unixSeconds: Int64, nanoseconds: UInt32 = 0) {
        self.init(seconds: 0x4000_0000_0000_000A &+ UInt64(bitPattern: unixSeconds), nanoseconds: nanoseconds)
    }

    /// Earlier than `other` by less than a second.
    func isLessThanASecond(before other: TAI64N) -> Bool {
        // other < self + 1 s, compared in nanoseconds without overflow.
        guard other.seconds >= seconds else { return true }
        let gap = other.seconds - seconds
        return gap == 0 || (gap == 1 && other.nanoseconds < nanoseconds)
    }
}
