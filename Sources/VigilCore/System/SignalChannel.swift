import CLinux

/// A signal as vigil received it.
public struct ReceivedSignal: Equatable, Sendable {
    public var number: Int32
    /// PID of the sender in vigil's namespace; 0 for the kernel or a sender outside it.
    public var sender: Int32
    /// `si_code`: SI_USER for kill(2), SI_KERNEL and others for kernel-generated signals.
    public var code: Int32

    public init(number: Int32, sender: Int32 = 0, code: Int32 = 0) {
        self.number = number
        self.sender = sender
        self.code = code
    }
}

/// All asynchronous signals, taken synchronously: with sigwaitinfo while vigil waits for
/// signals alone, through a signalfd when it also polls pidfds.
///
/// Every signal is blocked except the synchronous fault signals, which must keep their
/// default action so that a bug in vigil ends it rather than looping. vigil is single
/// threaded, so the mask covers the whole process. TTIN and TTOU are also ignored: with both
/// blocked or ignored, the kernel never stops vigil for terminal I/O.
struct SignalChannel {
    static let faultSignals: [Int32] = [SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS]

    let fd: Int32
    /// The blocked set: every signal vigil takes.
    let mask: sigset_t

    /// Blocks the signals and opens the descriptor. Call before the child exists, so that no
    /// signal (SIGCHLD above all) can arrive unobserved.
    static func open() throws(SystemError) -> SignalChannel {
        var mask = sigset_t()
        sigfillset(&mask)
        for signal in faultSignals { sigdelset(&mask, signal) }
        guard sigprocmask(SIG_SETMASK, &mask, nil) == 0 else { throw .last("sigprocmask") }
        _ = clinux_ignore_signal(SIGTTIN)
        _ = clinux_ignore_signal(SIGTTOU)
        let fd = signalfd(-1, &mask, Int32(SFD_CLOEXEC | SFD_NONBLOCK))
        guard fd >= 0 else { throw .last("signalfd") }
        return SignalChannel(fd: fd, mask: mask)
    }

    /// Sleeps until a signal arrives or the deadline passes, and takes that one signal: a
    /// single system call per wake-up, where ppoll and a read of the signalfd take two. Used
    /// whenever vigil has nothing but signals to wait for.
    func waitForOne(until deadline: Instant?) -> ReceivedSignal? {
        var info = siginfo_t()
        var set = mask
        let number: Int32
        if let deadline {
            var timeout = EventWait.remaining(until: deadline)
            number = sigtimedwait(&set, &info, &timeout)
        } else {
            number = sigwaitinfo(&set, &info)
        }
        // -1: the deadline passed (EAGAIN), or a stop and continue of vigil interrupted it.
        guard number > 0 else { return nil }
        return ReceivedSignal(number: number, sender: info._sifields._kill.si_pid, code: info.si_code)
    }

    /// Takes whatever of `signals` is pending, leaving the rest queued. Never blocks.
    func discardPending(_ signals: [Int32]) -> [Int32] {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        var none = timespec()
        var taken: [Int32] = []
        while true {
            let number = sigtimedwait(&set, nil, &none)
            if number <= 0 { return taken }
            taken.append(number)
        }
    }

    /// Everything queued right now; empty when nothing is. Never blocks.
    func drain() -> [ReceivedSignal] {
        var received: [ReceivedSignal] = []
        let capacity = 32
        let size = MemoryLayout<signalfd_siginfo>.stride
        var buffer = [signalfd_siginfo](repeating: signalfd_siginfo(), count: capacity)
        while true {
            let count = buffer.withUnsafeMutableBytes { raw in
                retryingInterrupts { Int32(truncatingIfNeeded: read(fd, raw.baseAddress, capacity * size)) }
            }
            guard count > 0 else { return received }
            for index in 0..<(Int(count) / size) {
                let info = buffer[index]
                received.append(ReceivedSignal(
                    number: Int32(bitPattern: info.ssi_signo),
                    sender: Int32(bitPattern: info.ssi_pid),
                    code: info.ssi_code))
            }
            if Int(count) < capacity * size { return received }
        }
    }
}
