import CLinux

// Reading the pipes, writing the sinks and listeners' stdin, each only as far as it goes
// without blocking.
extension ProgramStreams {
    /// What to wait for: pipes to read (unless their sink is backed up), vigil's stdout or
    /// stderr to write, listeners' stdin to write.
    func pollEntries() -> [pollfd] {
        var entries: [pollfd] = []
        for source in sources where !isBackedUp(source) {
            entries.append(pollfd(fd: source.readEnd, events: Int16(POLLIN), revents: 0))
        }
        for sink: Int32 in [1, 2] where !waiting[Int(sink) - 1].isEmpty {
            entries.append(pollfd(fd: sink, events: Int16(POLLOUT), revents: 0))
        }
        for input in inputs where !input.pending.isEmpty {
            entries.append(pollfd(fd: input.writeEnd, events: Int16(POLLOUT), revents: 0))
        }
        return entries
    }

    private func isBackedUp(_ source: Source) -> Bool {
        if case .descriptor(let fd) = source.sink, fd == 1 || fd == 2 { return waiting[Int(fd) - 1].count >= ProgramStreams.backlog }
        return false
    }

    /// Reads what the pipes hold and writes what can be written: what listeners said and what
    /// programs printed for PROCESS_LOG, for the supervisor.
    func pump() -> [SupervisordEvent] {
        var events: [SupervisordEvent] = []
        var index = 0
        while index < sources.count {
            let source = sources[index]
            if isBackedUp(source) {
                index += 1
                continue
            }
            switch read(source.readEnd) {
            case .some(let data) where data.isEmpty:
                // A listener's stdout ended: it has exited.
                closeDescriptor(source.readEnd)
                removeSource(at: index)
                continue
            case .some(let data):
                if source.listener {
                    events.append(.listenerOutput(process: source.process, data))
                } else {
                    deliver(data, to: source.sink)
                    if source.events { events.append(.output(process: source.process, stderr: source.stderr, data)) }
                }
            case .none:
                break
            }
            index += 1
        }
        writeWaiting()
        writeInputs()
        return events
    }

    /// A chunk of at most 128 KiB, as supervisord reads; empty at the end; nil when nothing is there.
    private func read(_ fd: Int32) -> [UInt8]? {
        var chunk = [UInt8](repeating: 0, count: 128 * 1024)
        let result = chunk.withUnsafeMutableBytes { raw in valueOrErrno { CLinux.read(fd, raw.baseAddress, raw.count) } }
        switch result {
        case .success(let count): return Array(chunk[0..<count])
        case .failure(let errno) where errno.rawValue == EAGAIN: return nil
        case .failure: return []
        }
    }

    private func deliver(_ data: [UInt8], to sink: Sink) {
        switch sink {
        case .descriptor(let fd) where fd == 1 || fd == 2: waiting[Int(fd) - 1] += data
        case .descriptor(let fd): Output.write(data, to: fd)
        case .log(let file): file.write(data[...])
        case .discard: break
        }
    }

    /// Prints on vigil's stdout (what `supervisor_stdout:event_handler` prints).
    func print(_ bytes: [UInt8]) {
        waiting[0] += bytes
        writeWaiting()
    }

    /// Queues an event's envelope for a listener's stdin.
    func send(_ bytes: [UInt8], to process: Int) {
        guard let index = inputs.firstIndex(where: { $0.process == process }) else { return }
        inputs[index].pending += bytes
        writeInputs()
    }

    private func writeWaiting() {
        for slot in 0..<2 where !waiting[slot].isEmpty {
            let sink = Int32(slot + 1)
            let result = waiting[slot].withUnsafeBufferPointer { buffer in
                valueOrErrno { clinux_write_without_blocking(sink, buffer.baseAddress, min(buffer.count, LogOutput.longestLine)) }
            }
            switch result {
            case .success(let written) where written > 0: waiting[slot].removeFirst(written)
            case .failure(let errno) where errno.rawValue != EAGAIN: waiting[slot] = []
            default: continue
            }
        }
    }

    private func writeInputs() {
        for index in inputs.indices where !inputs[index].pending.isEmpty {
            let fd = inputs[index].writeEnd
            let result = inputs[index].pending.withUnsafeBufferPointer { buffer in valueOrErrno { CLinux.write(fd, buffer.baseAddress, buffer.count) } }
            switch result {
            case .success(let written): inputs[index].pending.removeFirst(written)
            case .failure(let errno) where errno.rawValue != EAGAIN: inputs[index].pending = []
            case .failure: break
            }
        }
    }

    /// SIGUSR2: every log file is reopened (after an outside rotation, say).
    func reopenLogs() {
        for source in sources { if case .log(let file) = source.sink { file.open() } }
    }

    /// At exit: what the pipes hold, as far as it goes now.
    func flush() {
        _ = pump()
    }
}
