import CLinux

/// The checks under way that use a socket, tcp and http, by the process they check (the index
/// the supervisor names it by). Each socket is non-blocking and is polled with everything else
/// in the loop's ppoll, so that an answer is seen the moment it comes: a tcp check passes when
/// its connection is accepted; an http check then sends its request and reads the reply's
/// status line (at most `HTTPReply.longestRead` bytes). Nothing here waits.
final class CheckProbes {
    private enum Stage {
        case connecting
        /// The request, from `sent` bytes on, is being written.
        case sending(sent: Int)
        case receiving
    }

    private struct Probe {
        let process: Int
        let fd: Int32
        /// The http request; nil for a tcp check.
        let request: [UInt8]?
        var stage = Stage.connecting
        var reply: [UInt8] = []
    }

    private var probes: [Probe] = []

    var isEmpty: Bool { probes.isEmpty }

    /// Starts `check` (tcp or http) for `process`: false when it failed at once, nil while it
    /// is under way (its verdict comes from `advance`).
    func start(_ process: Int, _ check: ProcessSpec.Readiness) -> Bool? {
        abandon(process)
        let endpoint: Endpoint
        var request: [UInt8]? = nil
        switch check {
        case .tcp(let target): endpoint = target
        case .http(let target):
            endpoint = target.endpoint
            request = target.request
        case .exec, .notify: return false
        }
        let connected: Result<Int32, Errno>
        switch endpoint.address {
        case .v4(let value):
            let bytes = [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
            connected = valueOrErrno { clinux_probe_connect(4, bytes, endpoint.port) }
        case .v6(let bytes):
            connected = valueOrErrno { clinux_probe_connect(6, bytes, endpoint.port) }
        }
        guard case .success(let fd) = connected else { return false }
        probes.append(Probe(process: process, fd: fd, request: request))
        return nil
    }

    /// What to poll: one entry per check under way, in the order `advance` expects.
    func pollEntries() -> [pollfd] {
        probes.map { probe in
            let events: Int32
            switch probe.stage {
            case .connecting, .sending: events = POLLOUT
            case .receiving: events = POLLIN
            }
            return pollfd(fd: probe.fd, events: Int16(events), revents: 0)
        }
    }

    /// Moves on the checks whose entries (as `pollEntries` made them) are ready: the verdicts
    /// of those that ended, whose sockets are closed.
    func advance(_ entries: ArraySlice<pollfd>) -> [(process: Int, passed: Bool)] {
        var verdicts: [(process: Int, passed: Bool)] = []
        for entry in entries where entry.revents != 0 {
            guard let index = probes.firstIndex(where: { $0.fd == entry.fd }) else { continue }
            if let passed = step(&probes[index]) {
                verdicts.append((probes[index].process, passed))
                closeDescriptor(probes[index].fd)
                probes.remove(at: index)
            }
        }
        return verdicts
    }

    /// Closes `process`'s check under way, if any.
    func abandon(_ process: Int) {
        guard let index = probes.firstIndex(where: { $0.process == process }) else { return }
        closeDescriptor(probes[index].fd)
        probes.remove(at: index)
    }

    /// One step of a probe whose socket is ready: its verdict, or nil while it goes on.
    private func step(_ probe: inout Probe) -> Bool? {
        switch probe.stage {
        case .connecting:
            guard case .success(0) = valueOrErrno({ clinux_socket_error(probe.fd) }) else { return false }
            guard probe.request != nil else { return true }
            probe.stage = .sending(sent: 0)
            return send(&probe, from: 0)
        case .sending(let sent):
            return send(&probe, from: sent)
        case .receiving:
            return receive(&probe)
        }
    }

    private func send(_ probe: inout Probe, from sent: Int) -> Bool? {
        guard let request = probe.request else { return false }
        let result = request.withUnsafeBytes { raw in
            valueOrErrno { clinux_send_without_signal(probe.fd, raw.baseAddress! + sent, raw.count - sent) }
        }
        switch result {
        case .success(let count):
            probe.stage = sent + count < request.count ? .sending(sent: sent + count) : .receiving
            return nil
        case .failure(let errno): return errno.rawValue == EAGAIN ? nil : false
        }
    }

    private func receive(_ probe: inout Probe) -> Bool? {
        var buffer = [UInt8](repeating: 0, count: HTTPReply.longestRead - probe.reply.count)
        let result = buffer.withUnsafeMutableBytes { raw in valueOrErrno { read(probe.fd, raw.baseAddress, raw.count) } }
        switch result {
        case .success(0): return false  // closed before a status line
        case .success(let count): probe.reply += buffer[0..<count]
        case .failure(let errno): return errno.rawValue == EAGAIN ? nil : false
        }
        switch HTTPReply.verdict(probe.reply[...]) {
        case .status(let code): return HTTPReply.passes(code)
        case .malformed: return false
        case .incomplete: return probe.reply.count < HTTPReply.longestRead ? nil : false
        }
    }
}
