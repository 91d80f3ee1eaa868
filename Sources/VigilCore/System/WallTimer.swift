import CLinux

/// The one timer of scheduled tasks: a timerfd on CLOCK_REALTIME armed at the earliest due
/// run (absolute wall-clock time, so the schedule needs no conversion to monotonic time), and
/// told to report when the wall clock is set, after which the schedule is computed again. The
/// loop polls it with everything else: between runs vigil sleeps, with no wake-up of its own.
struct WallTimer {
    let fd: Int32

    /// What a readable timer says.
    enum Reading: Equatable {
        /// The time it was armed for has come.
        case expired
        /// The wall clock was set: it must be armed again.
        case clockSet
        /// Nothing (a spurious wake-up).
        case nothing
    }

    static func open() -> Result<WallTimer, SystemError> {
        systemCall("timerfd_create") { clinux_wall_timer() }.map { WallTimer(fd: $0) }
    }

    /// Arms it for `wall` (disarms it for nil). A time already past expires at once.
    func arm(at wall: WallTime?) -> SystemError? {
        systemCallError("timerfd_settime") { clinux_wall_timer_set(fd, wall.map { max($0, 1) } ?? 0) }
    }

    func read() -> Reading {
        var expirations: UInt64 = 0
        let result = withUnsafeMutableBytes(of: &expirations) { buffer in
            valueOrErrno { CLinux.read(fd, buffer.baseAddress, 8) }
        }
        switch result {
        case .success(let count): return count == 8 ? .expired : .nothing
        case .failure(let errno): return errno.rawValue == ECANCELED ? .clockSet : .nothing
        }
    }
}
