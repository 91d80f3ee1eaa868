// Fuzz target: the command lines of vigil, tini and dumb-init with their environment variables
// (`InvocationParser.parse`), as the kernel hands them to vigil.
//
// Input: byte 0 picks the program name (argv[0]); the rest, split on 0 bytes, are the words
// that follow. A word of 0x01, N, VALUE... sets environment variable number N (modulo the
// list below) to VALUE instead. Example seed:
//     printf '\002\001\013250ms\000-s\000sh' > Tests/Fuzz/corpus/command-line/NAME
// is `docker-init -s sh` with VIGIL_GRACE=250ms.
@testable import VigilCore

private let programNames = [
    "vigil", "tini", "docker-init", "dumb-init", "/usr/bin/vigil", "tini-static", "/sbin/docker-init",
    "/usr/bin/dumb-init",
]
/// The peers' variables first, then vigil's in the option table's order.
private let variableNames = [
    "TINI_SUBREAPER", "TINI_KILL_PROCESS_GROUP", "TINI_VERBOSITY", "DUMB_INIT_DEBUG", "DUMB_INIT_SETSID",
    "POSIXLY_CORRECT",
] + OptionTable.all.compactMap(\.environment)
private let realtime = RealtimeSignals.current
/// Every usage error is one line and a hint: values are escaped and cut (LogText).
private let requireOneLineErrors = true

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCommandLine(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    guard let first = input.first else {
        _ = try? InvocationParser.parse([], environment: { _ in nil }, realtime: realtime)
        return 0
    }
    var arguments = [programNames[Int(first) % programNames.count]]
    var environment: [String: String] = [:]
    if size > 1 {
        for word in input[1...].split(separator: 0, omittingEmptySubsequences: false) {
            if word.count >= 2 && word.first == 1 {
                let name = variableNames[Int(word[word.startIndex + 1]) % variableNames.count]
                environment[name] = String(decoding: word.dropFirst(2), as: UTF8.self)
            } else {
                arguments.append(String(decoding: word, as: UTF8.self))
            }
        }
    }
    let personality = Personality.detect(arguments[0])
    do {
        let invocation = try InvocationParser.parse(arguments, environment: { environment[$0] }, realtime: realtime)
        switch invocation {
        case .run(let configuration, let command):
            check(configuration, personality)
            precondition(!command.isEmpty, "an empty command was accepted")
            for (position, index) in command.enumerated() {
                precondition(index >= 1 && index < arguments.count, "command index \(index) out of range")
                precondition(position == 0 || command[position - 1] < index, "command indices out of order")
            }
        case .pause(let configuration):
            precondition(personality == .vigil, "pause mode under \(personality.programName)")
            check(configuration, personality)
        case .show(let text):
            precondition(text.utf8.last == UInt8(ascii: "\n"), "shown text does not end in a newline")
        }
    } catch {
        precondition(!error.message.isEmpty, "empty error message")
        let rendered = error.rendered(programName: personality.programName)
        if requireOneLineErrors {
            // The message is one line; a hint or the pointer to --help may follow on a second.
            let lines = error.hint != nil || error.pointsToHelp ? 2 : 1
            precondition(rendered.filter { $0 == 0x0A }.count == lines, "error is not one line: \(error.message)")
            precondition(rendered.count < 2_000, "error is not cut: \(rendered.count) bytes")
        }
    }
    return 0
}

private func isSignal(_ number: Int32) -> Bool { number >= 1 && number <= realtime.max }

/// What every accepted configuration must hold, whatever the input.
private func check(_ configuration: Configuration, _ personality: Personality) {
    // What the name decides, resolved into values: nothing else may change it.
    let defaults = personality.defaults
    precondition(configuration.logStyle == defaults.logStyle && configuration.wording == defaults.wording
        && configuration.exitCodes == defaults.exitCodes && configuration.shellFallback == defaults.shellFallback,
        "the name's values changed")
    precondition(isSignal(configuration.stopSignal), "stop signal \(configuration.stopSignal)")
    if let signal = configuration.parentDeathSignal {
        precondition(isSignal(signal), "parent-death signal \(signal)")
    }
    precondition(configuration.grace >= 0 && configuration.grace <= Durations.maximum, "grace \(configuration.grace)")
    if let killAfter = configuration.killAfter {
        precondition(killAfter >= 0 && killAfter <= Durations.maximum, "kill-after \(killAfter)")
    }
    precondition(configuration.verbosity >= 0, "verbosity \(configuration.verbosity)")
    let codes = configuration.exitMap.codes
    precondition(zip(codes, codes.dropFirst()).allSatisfy { $0 < $1 }, "exit map not sorted: \(codes)")
    for signal in 1...realtime.max {
        if let forwarded = configuration.rewrite.apply(signal) {
            precondition(isSignal(forwarded), "\(signal) rewritten to \(forwarded)")
        }
    }
    if configuration.grouping == .newSession {
        precondition(configuration.forwardToGroup, "session mode without group forwarding")
        precondition(configuration.stopsWithTerminalStopSignals, "session mode that does not stop with ^Z")
    }
}
