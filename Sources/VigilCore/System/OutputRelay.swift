import CLinux

/// Relays processes' output to vigil's own stdout and stderr line by line, each line prefixed
/// `name | ` (`--prefix-output`).
///
/// It never blocks vigil. Each process writes into a pipe; vigil reads what is there and
/// writes whole lines to its stdout or stderr only when that cannot block. When vigil's
/// stdout is stuck, the lines wait, vigil stops reading the pipes that feed it, and the
/// writers block on their full pipes instead; signals, reaping and stops go on. A line longer
/// than 64 KiB is cut into 64 KiB lines. vigil keeps each pipe's write end, so a restarted
/// process writes into the same pipe.
final class OutputRelay {
    /// The longest line relayed whole.
    static let longestLine = 64 * 1024
    /// Lines waiting for a sink beyond this stop the reading of what feeds it.
    static let backlog = 64 * 1024

    private struct Source {
        let name: String
        let prefix: [UInt8]
        let readEnd: Int32
        let writeEnd: Int32
        /// 1 or 2.
        let sink: Int32
        var partial: [UInt8] = []
    }

    private var sources: [Source] = []
    /// Complete lines waiting to be written, for stdout and stderr.
    private var waiting: [[UInt8]] = [[], []]

    init() {}

    /// Pipes for a process named `name`: the descriptors to give it as stdout and stderr. Its
    /// lines start `prefix` (nil: `name | `).
    func add(name: String, prefix given: String? = nil) -> Result<(stdout: Int32, stderr: Int32), SystemError> {
        var out = [Int32](repeating: 0, count: 2)
        var err = [Int32](repeating: 0, count: 2)
        if let error = systemCallError("pipe2", { clinux_output_pipe(&out) }) { return .failure(error) }
        if let error = systemCallError("pipe2", { clinux_output_pipe(&err) }) {
            closeDescriptor(out[0])
            closeDescriptor(out[1])
            return .failure(error)
        }
        let prefix = given.map { Array($0.utf8) }
        adopt(RecoveryState.RelayPipe(name: name, readEnd: out[0], writeEnd: out[1], sink: 1), prefix: prefix)
        adopt(RecoveryState.RelayPipe(name: name, readEnd: err[0], writeEnd: err[1], sink: 2), prefix: prefix)
        return .success((out[1], err[1]))
    }

    /// Relays `pipe`: one made by `add`, or one a recovery took over from the faulted image.
    func adopt(_ pipe: RecoveryState.RelayPipe, prefix given: [UInt8]? = nil) {
        let prefix = given ?? (pipe.prefixed ? Array(pipe.name.utf8) + Array(" | ".utf8) : [])
        sources.append(Source(name: pipe.name, prefix: prefix, readEnd: pipe.readEnd, writeEnd: pipe.writeEnd, sink: pipe.sink))
    }

    /// Every pipe relayed, for the recovery state (which keeps a prefix as `name | ` or none).
    var pipes: [RecoveryState.RelayPipe] {
        sources.map {
            RecoveryState.RelayPipe(name: $0.name, readEnd: $0.readEnd, writeEnd: $0.writeEnd, sink: $0.sink,
                                    prefixed: !$0.prefix.isEmpty)
        }
    }

    var isEmpty: Bool { sources.isEmpty }

    /// What to wait for: pipes to read (unless their sink is backed up), sinks to write to.
    func pollEntries() -> [pollfd] {
        var entries: [pollfd] = []
        for source in sources where waiting[Int(source.sink) - 1].count < OutputRelay.backlog {
            entries.append(pollfd(fd: source.readEnd, events: Int16(POLLIN), revents: 0))
        }
        for sink: Int32 in [1, 2] where !waiting[Int(sink) - 1].isEmpty {
            entries.append(pollfd(fd: sink, events: Int16(POLLOUT), revents: 0))
        }
        return entries
    }

    /// Reads what the pipes hold and writes what the sinks take, without blocking.
    func pump() {
        for index in sources.indices where waiting[Int(sources[index].sink) - 1].count < OutputRelay.backlog {
            read(index)
        }
        write(1)
        write(2)
    }

    /// At exit: what is left, as far as the sinks take it now; an unfinished line is ended.
    func flush() {
        pump()
        for index in sources.indices where !sources[index].partial.isEmpty {
            queue(sources[index].partial, from: sources[index])
            sources[index].partial = []
        }
        write(1)
        write(2)
    }

    private func read(_ index: Int) {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        let fd = sources[index].readEnd
        let result = chunk.withUnsafeMutableBytes { raw in valueOrErrno { CLinux.read(fd, raw.baseAddress, raw.count) } }
        guard case .success(let count) = result, count > 0 else { return }
        sources[index].partial.append(contentsOf: chunk[0..<count])
        var start = 0
        let partial = sources[index].partial
        for position in partial.indices where partial[position] == 0x0A || position - start + 1 >= OutputRelay.longestLine {
            let end = partial[position] == 0x0A ? position : position + 1
            queue(Array(partial[start..<end]), from: sources[index])
            start = position + 1
        }
        sources[index].partial.removeFirst(start)
    }

    private func queue(_ line: [UInt8], from source: Source) {
        waiting[Int(source.sink) - 1] += source.prefix + line + [0x0A]
    }

    /// Writes whole lines, at most a pipe's atomic size at a time, while the sink takes them.
    private func write(_ sink: Int32) {
        let slot = Int(sink) - 1
        while !waiting[slot].isEmpty {
            var end = min(waiting[slot].count, LogOutput.longestLine)
            if end < waiting[slot].count, let newline = waiting[slot][..<end].lastIndex(of: 0x0A) { end = newline + 1 }
            let result = waiting[slot].withUnsafeBufferPointer { buffer in
                valueOrErrno { clinux_write_without_blocking(sink, buffer.baseAddress, end) }
            }
            switch result {
            case .success(let written) where written > 0:
                waiting[slot].removeFirst(written)
            case .failure(let errno) where errno.rawValue != EAGAIN:
                // The sink is gone (closed): nobody can read these lines.
                waiting[slot] = []
            default:
                return
            }
        }
    }
}
