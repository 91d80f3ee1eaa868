import CLinux

// The loop: wait for what can happen, reap every exited child, and let the supervisor decide
// on each event.
extension InitProcess {
    /// Wait, reap, act on deadlines, and during a shutdown watch what is left, until the
    /// supervisor decides to exit.
    mutating func loop(_ channel: SignalChannel) -> Int32 {
        var left = Leftovers.Remaining.children
        var canWait = true
        while true {
            if canWait {
                do throws(SystemError) {
                    if let code = try wait(channel, watching: left) { return code }
                } catch {
                    // Retrying would fail again at once and spin PID 1: say so once, and let
                    // the supervisor stop the tree while vigil sleeps between checks.
                    log.error("cannot wait for events: \(error.description); stopping")
                    canWait = false
                    if let code = handle(.waitFailed) { return code }
                }
            } else {
                ProcessSetup.sleep(10 * Durations.millisecond, until: supervisor.deadline)
            }
            let reaping = reapAll()
            if let code = reaping.exitCode { return code }
            // An empty tree counts before a deadline that passed meanwhile: a long reaping
            // pass must not turn a clean end into a reported one.
            if supervisor.awaitsEmptyTree {
                left = leftovers.remaining(hasChildren: reaping.hasChildren)
                if left == .nothing {
                    log.debug("nothing left")
                    if let code = handle(.nothingLeft) { return code }
                }
            } else {
                left = .children
            }
            if let due = supervisor.deadline, Clock.now() >= due, let code = handle(.deadline) { return code }
        }
    }

    /// Sleeps until a signal, the exit of a watched process, a notify datagram, relayed
    /// output, a check's socket, a control client, or the deadline, and acts on what came.
    /// With nothing but signals to wait for, one sigtimedwait does it. Otherwise signals come
    /// through the signalfd, polled together with the rest; processes that are not vigil's
    /// children are watched through pidfds.
    private mutating func wait(_ channel: SignalChannel, watching left: Leftovers.Remaining) throws(SystemError) -> Int32? {
        var deadline = earliest(earliest(supervisor.deadline, control?.deadline), rpc?.deadline)
        if left == .unwatchable {
            let recheck = Clock.now() + EventWait.recheckInterval
            deadline = min(deadline ?? recheck, recheck)
        }
        var pids: [pid_t] = []
        if case .others(let roots) = left { pids = roots }
        let notify = launcher?.notifySockets ?? []
        let relay = launcher?.relay
        let probes = launcher?.probes
        let programs = launcher?.programs
        let timer = armTimer()
        let services = runitFiles?.pollEntries(supervisor.serviceControlsToRead) ?? (entries: [], parts: [])
        let folderWatch = runitFiles?.watch
        if pids.isEmpty && notify.isEmpty && relay?.isEmpty ?? true && control?.isIdle ?? true && probes?.isEmpty ?? true
            && programs?.isEmpty ?? true && rpc == nil && timer == nil && services.entries.isEmpty && folderWatch == nil {
            guard let signal = try channel.waitForOne(until: deadline) else { return nil }
            return receive(signal)
        }
        var entries = [pollfd(fd: channel.fd, events: Int16(POLLIN), revents: 0)]
        entries += notify.map { pollfd(fd: $0.socket.fd, events: Int16(POLLIN), revents: 0) }
        let notifyEnd = entries.count
        entries += relay?.pollEntries() ?? []
        let relayEnd = entries.count
        entries += control?.pollEntries() ?? []
        let controlEnd = entries.count
        entries += probes?.pollEntries() ?? []
        let probesEnd = entries.count
        entries += programs?.pollEntries() ?? []
        let programsEnd = entries.count
        entries += rpc?.pollEntries() ?? []
        let rpcEnd = entries.count
        entries += services.entries
        if let folderWatch { entries.append(pollfd(fd: folderWatch.fd, events: Int16(POLLIN), revents: 0)) }
        let servicesEnd = entries.count
        if let timer { entries.append(pollfd(fd: timer.fd, events: Int16(POLLIN), revents: 0)) }
        try EventWait.wait(&entries, orExitOf: pids, until: deadline)
        if let timer, entries[servicesEnd].revents != 0, let code = timerRang(timer) { return code }
        if folderWatch != nil, entries[servicesEnd - 1].revents != 0, let code = serviceFolderChanged() { return code }
        // Only what woke vigil is read: a forwarded signal costs no other system call.
        func woke(_ range: Range<Int>) -> Bool { entries[range].contains { $0.revents != 0 } }
        // Checks first, while every polled socket is still the one its entry names.
        if let probes, woke(controlEnd..<probesEnd) {
            for (process, passed) in probes.advance(entries[controlEnd..<probesEnd]) {
                if let code = handle(.checkResult(process: process, passed: passed)) { return code }
            }
        }
        if woke(notifyEnd..<relayEnd) { relay?.pump() }
        if woke(probesEnd..<programsEnd), let code = pumpPrograms() { return code }
        if woke(programsEnd..<rpcEnd) || rpc?.deadline.map({ $0 <= Clock.now() }) == true, let code = serveRPC() { return code }
        if let control, woke(relayEnd..<controlEnd) || control.deadline.map({ $0 <= Clock.now() }) == true {
            if let code = serveControl() { return code }
        }
        if woke(1..<notifyEnd) {
            for (process, sender) in launcher?.readyNotifications() ?? [] {
                if let code = handle(.notified(process: process, sender: sender, senderGroup: Processes.group(of: sender))) { return code }
            }
        }
        for (offset, part) in services.parts.enumerated() where entries[rpcEnd + offset].revents != 0 {
            if let code = serviceControl(part) { return code }
        }
        if entries[0].revents != 0 {
            for signal in try channel.drain() {
                if let code = receive(signal) { return code }
            }
        }
        return nil
    }

    /// Accepts, reads and answers what the control channel's clients sent.
    private mutating func serveControl() -> Int32? {
        guard let control else { return nil }
        for request in control.pump(now: Clock.now(), log: log) {
            if let code = answer(request, on: control) { return code }
        }
        return nil
    }

    /// Answers one control request, and performs what it asks. What changes a process is
    /// logged at the default verbosity, with who asked: the container's log shows it.
    private mutating func answer(_ received: ControlChannel.Request, on control: ControlChannel) -> Int32? {
        let request: ControlProtocol.Request
        do {
            request = try ControlProtocol.parse(received.line, realtime: .current)
        } catch {
            control.answer(received.client, ControlProtocol.Reply(error: error.message))
            return nil
        }
        replyingTo = (received, request)
        defer { replyingTo = nil }
        return handle(.control(request, ownPID: ownPID))
    }

    /// Forwards or otherwise acts on one signal vigil received. SIGCHLD means "reap", and may
    /// announce fault signals sent with kill() that the fault handler kept; the kernel's
    /// connection signal means a control client is waiting. A SIGPIPE that vigil raised on
    /// itself by writing to a closed stderr is not the child's, nor are 32 and 33.
    private mutating func receive(_ signal: ReceivedSignal) -> Int32? {
        if signal.number == SIGCHLD { return receiveSentFaults() }
        if ControlChannel.announcesConnection(signal) { return serveControl() }
        if signal.number == SIGPIPE && signal.sender == ownPID && signal.code == SI_USER { return nil }
        messages.received(signal.number, from: signal.sender)
        return handle(.signal(signal.number, sender: signal.sender))
    }

    /// Drains every exited child. Coalesced SIGCHLDs lose nothing because this runs on every
    /// wake-up until waitpid has nothing more.
    private mutating func reapAll() -> (exitCode: Int32?, hasChildren: Bool) {
        while true {
            var name: String? = nil
            let result: ReapResult
            if configuration.warnOnReap {
                // -w names each process, so look before reaping while /proc still has it.
                switch Processes.peek() {
                case .noneReady: return (nil, true)
                case .noChildren: return (nil, false)
                case .child(let pid):
                    if !supervisor.isMainChild(pid) { name = procIsOwn ? ProcessTable.entry(pid)?.name ?? "?" : "?" }
                    result = Processes.reap(pid)
                }
            } else {
                result = Processes.reapOne()
            }
            guard case .reaped(let pid, let status) = result else { return (nil, result != .noChildren) }
            let state = ChildState(waitStatus: status)
            if supervisor.isMainChild(pid) {
                noteMainReaped(status)
                messages.mainChildChanged(pid, state)
            } else if state.exitCode == nil {
                log.debug("process \(pid) \(describe(state))")
            } else {
                messages.reaped(pid, state, name: name)
            }
            if let code = handle(.reaped(pid: pid, state)) { return (code, true) }
        }
    }

    /// Lets the supervisor decide, then performs its decision. Returns the exit code when the
    /// decision is to exit. Out of line: it is called from many places.
    @inline(never)
    mutating func handle(_ event: SupervisorEvent) -> Int32? {
        let actions = supervisor.handle(event, at: Clock.now(), wall: timer == nil ? nil : Clock.wallNow())
        publishRecoveryState(after: actions)
        return perform(actions)
    }
}

private func earliest(_ a: Instant?, _ b: Instant?) -> Instant? {
    guard let a else { return b }
    guard let b else { return a }
    return min(a, b)
}
