import CLinux

/// vigil's own faults (CLinux's fault.c). A fault the kernel raises in vigil (SIGSEGV, SIGBUS,
/// SIGILL, SIGTRAP, SIGFPE, SIGSYS) re-executes vigil with the state published here, keeping
/// its PID and children; the new image adopts them (`Recovery`). The same signals sent with
/// kill() are kept by the handler for the loop, which forwards them as any other.
enum FaultHandler {
    /// The argument that marks the re-execution after a fault.
    static let recoveryFlag = "--recover-after-fault"

    /// Installs the handler. `recovery`: this image is the recovery, and a fault ends it.
    /// Returns false when the kernel refused (vigil then dies of a fault, as before).
    @discardableResult
    static func install(program: String, recovery: Bool) -> Bool {
        clinux_fault_install(program, recovery ? 1 : 0) == 0
    }

    /// Adds the signals that have the handler to `set`.
    static func addHandled(to set: inout sigset_t) {
        clinux_fault_handled(&set)
    }

    /// Unblocks the fault signals that have the handler: call with every other signal blocked.
    static func unblock() -> SystemError? {
        systemCallError("rt_sigprocmask") { clinux_fault_unblock() }
    }

    /// Puts `state` (text) and the descriptors a recovery keeps in force. False when there was
    /// no memory for them: the previous state is then still in force.
    static func publish(_ state: [UInt8], descriptors: [Int32]) -> Bool {
        state.withUnsafeBufferPointer { text in
            descriptors.withUnsafeBufferPointer { fds in
                text.withMemoryRebound(to: CChar.self) { chars in
                    clinux_fault_publish(chars.baseAddress, chars.count, fds.baseAddress, fds.count) == 0
                }
            }
        }
    }

    /// No state in force: a fault ends vigil.
    static func disarm() {
        clinux_fault_disarm()
    }

    /// A fault signal sent with kill() that the handler kept, if one waits.
    static func takeSent() -> ReceivedSignal? {
        var number: Int32 = 0
        var sender: pid_t = 0
        var code: Int32 = 0
        guard clinux_fault_take_sent(&number, &sender, &code) == 1 else { return nil }
        return ReceivedSignal(number: number, sender: sender, code: code)
    }
}
