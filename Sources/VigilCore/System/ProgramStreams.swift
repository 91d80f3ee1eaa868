import CLinux

/// The standard streams of a supervisord configuration's processes. What goes to vigil's own
/// stdout or stderr (`/dev/stdout`, `/dev/fd/1`, `/proc/1/fd/1` as PID 1 ...) is given to the
/// process as it is, and `NONE` is /dev/null: no relay. A log file, output that event
/// listeners hear (PROCESS_LOG) and a listener's replies come through a pipe that vigil reads
/// when the loop says it is readable; a listener's stdin is a pipe vigil writes without
/// blocking. Programs share one stdin pipe nobody writes to, as each has one under supervisord.
///
/// Nothing here blocks vigil: a sink that is stuck makes vigil stop reading what feeds it (the
/// programs then block on their full pipes), and a listener that does not read its stdin keeps
/// its events waiting in vigil.
final class ProgramStreams {
    /// Bytes waiting for vigil's stdout or stderr beyond this stop the reading of what feeds it.
    static let backlog = 64 * 1024

    enum Sink {
        case descriptor(Int32)
        case log(RotatingLog)
        case discard
    }

    struct Source {
        let process: Int
        let stderr: Bool
        let readEnd: Int32
        /// The child's end, kept so that a restarted program writes into the same pipe
        /// (-1 for a listener's, whose pipes are new at each start).
        let writeEnd: Int32
        let sink: Sink
        let events: Bool
        let listener: Bool
    }

    private struct Given {
        let process: Int
        var stdin: Int32?
        var stdout: Int32?
        var stderr: Int32?
    }

    struct ListenerInput {
        let process: Int
        let writeEnd: Int32
        var pending: [UInt8] = []
    }

    private(set) var sources: [Source] = []
    private var given: [Given] = []
    var inputs: [ListenerInput] = []
    /// A listener's ends of the pipes made for its spawn, closed by vigil once it has started.
    private var childEnds: [(process: Int, fds: [Int32])] = []
    private var listenerStderr: [(process: Int, fd: Int32?)] = []
    /// Bytes waiting for vigil's stdout and stderr.
    var waiting: [[UInt8]] = [[], []]
    private var sharedStdin: (read: Int32, write: Int32)? = nil
    private var null: Int32 = -1

    init() {}

    var isEmpty: Bool { sources.isEmpty && inputs.isEmpty && waiting[0].isEmpty && waiting[1].isEmpty }

    /// Sets up process `index`'s streams by its rule. A stream that cannot be set up goes to
    /// /dev/null, said once.
    func add(_ index: Int, _ rule: SupervisordRule, name: String, isNamespaceInit: Bool, log: Log) {
        if rule.listener != nil {
            listenerStderr.append((index, target(index, rule.stderr, events: rule.stderrEvents, stderr: true, name, isNamespaceInit, log)))
            return
        }
        var entry = Given(process: index)
        entry.stdin = programStdin(log)
        entry.stdout = target(index, rule.stdout, events: rule.stdoutEvents, stderr: false, name, isNamespaceInit, log)
        entry.stderr = rule.stderr.isWithStdout
            ? entry.stdout : target(index, rule.stderr, events: rule.stderrEvents, stderr: true, name, isNamespaceInit, log)
        given.append(entry)
    }

    /// The descriptor a stream is given: vigil's own, /dev/null, or a pipe's write end.
    private func target(
        _ index: Int, _ output: SupervisordRule.Output, events: Bool, stderr: Bool, _ name: String, _ isNamespaceInit: Bool, _ log: Log
    ) -> Int32? {
        var sink: Sink
        switch output {
        case .descriptor(let fd): sink = .descriptor(fd)
        case .discard, .withStdout, .automatic: sink = .discard
        case .file(let path, let maxBytes, let backups):
            if isNamespaceInit, let fd = ProgramStreams.ownDescriptor(path) {
                sink = .descriptor(fd)
            } else {
                let file = RotatingLog(path: path, maxBytes: maxBytes, backups: backups)
                if let error = file.open() { log.warning("\(name): cannot open its log file: \(error.description)") }
                sink = .log(file)
            }
        }
        if !events {
            if case .descriptor(let fd) = sink { return fd }
            if case .discard = sink { return devNull() }
        }
        var fds = [Int32](repeating: -1, count: 2)
        if let error = systemCallError("pipe2", { clinux_output_pipe(&fds) }) {
            log.warning("\(name): cannot make a pipe for its output: \(error.description)")
            return devNull()
        }
        sources.append(Source(process: index, stderr: stderr, readEnd: fds[0], writeEnd: fds[1], sink: sink, events: events, listener: false))
        return fds[1]
    }

    /// `/proc/1/fd/N` (N 1 or 2) is vigil's own descriptor when vigil is PID 1.
    static func ownDescriptor(_ path: String) -> Int32? {
        if ASCII.equals(path, "/proc/1/fd/1") { return 1 }
        if ASCII.equals(path, "/proc/1/fd/2") { return 2 }
        return nil
    }

    private func devNull() -> Int32? {
        if null < 0, case .success(let fd) = Processes.openForWriting("/dev/null") { null = fd }
        return null >= 0 ? null : nil
    }

    private func programStdin(_ log: Log) -> Int32? {
        if let shared = sharedStdin { return shared.read }
        var fds = [Int32](repeating: -1, count: 2)
        if let error = systemCallError("pipe2", { clinux_input_pipe(&fds) }) {
            log.warning("cannot make the programs' stdin pipe: \(error.description)")
            return nil
        }
        sharedStdin = (fds[0], fds[1])
        return fds[0]
    }

    /// The stdin, stdout and stderr to start process `index` with; a listener gets new pipes.
    func descriptors(for index: Int) -> (stdin: Int32?, stdout: Int32?, stderr: Int32?) {
        if let entry = given.first(where: { $0.process == index }) { return (entry.stdin, entry.stdout, entry.stderr) }
        guard let stderr = listenerStderr.first(where: { $0.process == index }) else { return (nil, nil, nil) }
        closeListener(index)
        var input = [Int32](repeating: -1, count: 2)
        var output = [Int32](repeating: -1, count: 2)
        guard systemCallError("pipe2", { clinux_input_pipe(&input) }) == nil else { return (nil, nil, stderr.fd) }
        guard systemCallError("pipe2", { clinux_output_pipe(&output) }) == nil else {
            closeDescriptor(input[0])
            closeDescriptor(input[1])
            return (nil, nil, stderr.fd)
        }
        inputs.append(ListenerInput(process: index, writeEnd: input[1]))
        sources.append(Source(process: index, stderr: false, readEnd: output[0], writeEnd: -1, sink: .discard, events: false, listener: true))
        childEnds.append((index, [input[0], output[1]]))
        return (input[0], output[1], stderr.fd)
    }

    /// After a spawn of process `index`: vigil lets go of a listener's ends of its pipes (so
    /// that its death shows as the pipes' end).
    func spawned(_ index: Int) {
        for entry in childEnds where entry.process == index { for fd in entry.fds { closeDescriptor(fd) } }
        childEnds.removeAll { $0.process == index }
    }

    func removeSource(at index: Int) {
        sources.remove(at: index)
    }

    private func closeListener(_ index: Int) {
        spawned(index)
        for input in inputs where input.process == index { closeDescriptor(input.writeEnd) }
        inputs.removeAll { $0.process == index }
        for source in sources where source.process == index && source.listener { closeDescriptor(source.readEnd) }
        sources.removeAll { $0.process == index && $0.listener }
    }

    /// The programs' output pipes as a recovery relays them to vigil's stdout and stderr: as
    /// they went when that was where they went, otherwise (a log file, discarded output) with
    /// the program's name in front. `name` names process `index`.
    func recoveryPipes(_ name: (Int) -> String) -> [RecoveryState.RelayPipe] {
        var pipes: [RecoveryState.RelayPipe] = []
        for source in sources where !source.listener && source.writeEnd >= 0 {
            var pipe = RecoveryState.RelayPipe(name: ProcessName.sanitized(name(source.process)), readEnd: source.readEnd,
                                               writeEnd: source.writeEnd, sink: source.stderr ? 2 : 1)
            if case .descriptor(let fd) = source.sink, fd == 1 || fd == 2 {
                pipe.sink = fd
                pipe.prefixed = false
            }
            pipes.append(pipe)
        }
        return pipes
    }

    /// What a recovery keeps open unused: the listeners' stdin and stdout pipes (a listener
    /// then waits for an event that never comes, rather than reading an end of file) and the
    /// programs' shared stdin.
    var keptEnds: [RecoveryState.KeptEnd] {
        var ends = inputs.map { RecoveryState.KeptEnd(fd: $0.writeEnd, writable: true) }
        for source in sources where source.listener { ends.append(RecoveryState.KeptEnd(fd: source.readEnd, writable: false)) }
        if let shared = sharedStdin { ends.append(RecoveryState.KeptEnd(fd: shared.write, writable: true)) }
        return ends
    }
}
