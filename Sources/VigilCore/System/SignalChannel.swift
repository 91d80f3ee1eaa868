import CLinux

/// A signal as vigil received it.
struct ReceivedSignal: Equatable, Sendable {
    var number: Int32
    /// PID of the sender in vigil's namespace; 0 for the kernel or a sender outside it.
    var sender: Int32
    /// `si_code`: SI_USER for kill(2), SI_KERNEL and others for kernel-generated signals.
    var code: Int32

    init(number: Int32, sender: Int32 = 0, code: Int32 = 0) {
        self.number = number
        self.sender = sender
        self.code = code
    }
}

/// The signal configuration vigil was started with, which the child gets back.
struct InheritedSignals {
    /// The mask vigil was started with.
    var mask: sigset_t
    /// Signals vigil changed for itself whose start-up disposition was not SIG_IGN: the child
    /// resets these to SIG_DFL. Every other disposition reaches the child as vigil got it, so
    /// that signals ignored by whoever started vigil (`nohup`) stay ignored.
    var changed: sigset_t
}

/// Every signal, taken synchronously: with sigwaitinfo while vigil waits for signals alone,
/// through a signalfd when it also polls pidfds.
///
/// Every signal is blocked but the fault signals that have vigil's fault handler (SEGV, BUS,
/// ILL, TRAP, FPE, SYS: a blocked fault raised by the kernel would end vigil). Those are still
/// in the set waited for, so that a `kill -SEGV` arriving while vigil waits is taken like any
/// other; one arriving while vigil runs goes to the handler, which keeps it and raises SIGCHLD
/// (`FaultHandler.takeSent`). Either way it reaches the child. vigil is single threaded, so the
/// mask covers the whole process. TTIN and TTOU are also ignored: with both blocked or ignored,
/// the kernel never stops vigil for terminal I/O.
struct SignalChannel {
    /// The two signals glibc keeps for its threads (SIGCANCEL and SIGSETXID).
    static let glibcSignals: [Int32] = [32, 33]

    let fd: Int32
    /// The blocked set: every signal vigil takes.
    let mask: sigset_t
    let inherited: InheritedSignals
    /// Where `drain` reads, made once: a buffer made at each wake-up cost musl an mmap and a
    /// munmap on every signal.
    private let buffer = UnsafeMutablePointer<signalfd_siginfo>.allocate(capacity: SignalChannel.batch)
    private static let batch = 32

    /// Blocks the signals and opens the descriptor. Call before the child exists, so that no
    /// signal (SIGCHLD above all) can arrive unobserved.
    static func open() throws(SystemError) -> SignalChannel {
        // Every signal, glibc's own two included (sigfillset leaves them out): one that vigil
        // does not block would end it.
        var mask = sigset_t()
        clinux_sigset_fill(&mask)
        for signal in SignalChannel.glibcSignals { clinux_sigset_add(&mask, signal) }
        var original = sigset_t()
        if let error = systemCallError("rt_sigprocmask", { clinux_set_signal_mask(&mask, &original) }) { throw error }
        var changed = sigset_t()
        sigemptyset(&changed)
        for signal in [SIGTTIN, SIGTTOU] {
            var wasIgnored: Int32 = 0
            if clinux_ignore_signal(signal, &wasIgnored) == 0 && wasIgnored == 0 { sigaddset(&changed, signal) }
        }
        // posix_spawn makes glibc's own signals SIG_IGN in the child unless told otherwise.
        for signal in SignalChannel.glibcSignals where clinux_spawn_ignores_reserved_signals() == 1 && clinux_signal_is_ignored(signal) == 0 {
            clinux_sigset_add(&changed, signal)
        }
        // The fault signals with vigil's handler: back to the default in the child.
        FaultHandler.addHandled(to: &changed)
        if let error = FaultHandler.unblock() { throw error }
        let fd: Int32
        switch valueOrErrno({ signalfd(-1, &mask, Int32(SFD_CLOEXEC | SFD_NONBLOCK)) }) {
        case .success(let descriptor): fd = descriptor
        case .failure(let errno): throw SystemError("signalfd", errno)
        }
        return SignalChannel(fd: fd, mask: mask, inherited: InheritedSignals(mask: original, changed: changed))
    }

    /// Sleeps until a signal arrives or the deadline passes, and takes that one signal: a
    /// single system call per wake-up, where ppoll and a read of the signalfd take two. Used
    /// whenever vigil has nothing but signals to wait for. Nil when the deadline passed or a
    /// stop and continue of vigil interrupted the wait; throws on any other failure, which
    /// would repeat at once if retried.
    func waitForOne(until deadline: Instant?) throws(SystemError) -> ReceivedSignal? {
        var info = siginfo_t()
        var set = mask
        var timeout = deadline.map { EventWait.remaining(until: $0) } ?? timespec()
        // A stop and continue of vigil interrupts the wait (EINTR): no retry, look around.
        let result = valueOrErrno(retryOnInterrupt: false) {
            deadline == nil ? sigwaitinfo(&set, &info) : sigtimedwait(&set, &info, &timeout)
        }
        switch result {
        case .success(let number):
            return ReceivedSignal(number: number, sender: clinux_siginfo_pid(&info), code: info.si_code)
        case .failure(let errno) where errno.rawValue == EAGAIN || errno.rawValue == EINTR:
            return nil
        case .failure(let errno):
            throw SystemError(deadline == nil ? "sigwaitinfo" : "sigtimedwait", errno)
        }
    }

    /// Takes whatever of `signals` is pending, leaving the rest queued. Never blocks.
    func discardPending(_ signals: [Int32]) -> [Int32] {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        var none = timespec()
        var taken: [Int32] = []
        while case .success(let number) = valueOrErrno({ sigtimedwait(&set, nil, &none) }), number > 0 {
            taken.append(number)
        }
        return taken
    }

    /// Everything queued right now; empty when nothing is. Never blocks.
    func drain() throws(SystemError) -> [ReceivedSignal] {
        var received: [ReceivedSignal] = []
        let capacity = SignalChannel.batch
        let size = MemoryLayout<signalfd_siginfo>.stride
        while true {
            let result = valueOrErrno { read(fd, buffer, capacity * size) }
            let count: Int
            switch result {
            case .success(let value): count = value
            case .failure(let errno) where errno.rawValue == EAGAIN: return received
            case .failure(let errno): throw SystemError("read signalfd", errno)
            }
            guard count > 0 else { return received }
            for index in 0..<(count / size) {
                let info = buffer[index]
                received.append(ReceivedSignal(
                    number: Int32(bitPattern: info.ssi_signo),
                    sender: Int32(bitPattern: info.ssi_pid),
                    code: info.ssi_code))
            }
            if count < capacity * size { return received }
        }
    }
}
