/// The dry run of a supervisord configuration: what would run, in start order, with what
/// supervisord would give each process. Users read it before they ship an image.
///
///     3 processes in start order (stop order is the reverse):
///     1. php-fpm  (group php-fpm priority 5, process priority 5)
///        argv:        /usr/local/sbin/php-fpm -F
///        umask:       027
///        environment: inherited + HOME, SUPERVISOR_ENABLED, ...
///        restart:     always; running after 1s, 3 retries before FATAL
///        stop:        SIGQUIT, SIGKILL after 10s
///        stdout:      vigil's stdout (/dev/fd/1)
///        stderr:      with stdout (redirect_stderr)
enum SupervisordDryRun {
    static func render(_ configuration: SupervisordConfiguration) -> [UInt8] {
        var out = Text()
        let files = configuration.files
        if let main = files.first {
            out.add("supervisord configuration ")
            out.value(main)
            if files.count > 1 {
                out.add(" and ")
                out.number(files.count - 1)
                out.add(files.count == 2 ? " included file" : " included files")
            }
            out.add("\n")
        }
        for notice in configuration.notices {
            out.add(notice.level == .warning ? "warning: " : "note: ")
            out.value(notice.text)
            out.add("\n")
        }
        let count = configuration.processes.count
        out.number(count)
        out.add(count == 1 ? " process" : " processes")
        out.add(" in start order (stop order is the reverse):\n")
        var number = 0
        for group in configuration.groups {
            for process in group.processes {
                number += 1
                describe(process, group, number, configuration, &out)
            }
        }
        return out.bytes
    }

    private static func describe(
        _ process: SupervisordProgram, _ group: SupervisordGroup, _ number: Int, _ configuration: SupervisordConfiguration, _ out: inout Text
    ) {
        out.number(number)
        out.add(". ")
        out.value(process.namespec)
        out.add("  (group ")
        out.value(group.name)
        out.add(" priority ")
        out.number(group.priority)
        out.add(", process priority ")
        out.number(process.priority)
        out.add(process.autostart ? ")\n" : "; autostart=false: not started)\n")
        switch group.kind {
        case .eventListenerPool(let pool):
            out.field("listens to:  ", joinedText(pool.events, ", ") + " (buffer " + decimal(pool.bufferSize) + ")")
        case .fastCGI(let socket):
            switch socket.address {
            case .unix(let path, _, _): out.field("socket:      ", "unix://" + path + " as stdin")
            case .tcp(let host, let port): out.field("socket:      ", "tcp://" + host + ":" + decimal(port) + " as stdin")
            }
        case .programs:
            break
        }
        switch process.argv {
        case .success(let words):
            out.field("argv:        ", joinedText(words.map(quoted), " "))
        case .failure(let error):
            out.field("argv:        ", "cannot be split (" + error.message + "): the process would go FATAL")
        }
        if let user = process.user { out.field("user:        ", user + " (uid " + decimal(Int64(process.uid ?? 0)) + ")") }
        if let directory = process.directory { out.field("directory:   ", directory) }
        if let umask = process.childUmask { out.field("umask:       ", umaskText(umask)) }
        var keys = process.environment.map { $0.key }
        keys += ["SUPERVISOR_ENABLED", "SUPERVISOR_PROCESS_NAME", "SUPERVISOR_GROUP_NAME"]
        if process.serverURL != nil || configuration.serverURL != nil { keys.append("SUPERVISOR_SERVER_URL") }
        out.field("environment: ", "inherited + " + joinedText(keys, ", "))
        out.field("restart:     ", restartRule(process))
        out.field("stop:        ", SignalNames.name(of: process.stopSignal) + (process.stopAsGroup ? " to its process group" : "")
            + ", SIGKILL" + (process.killAsGroup ? " to its process group" : "") + " after " + decimal(process.stopWaitSeconds) + "s")
        out.field("stdout:      ", output(process.stdout, configuration))
        out.field("stderr:      ", process.redirectStderr ? "with stdout (redirect_stderr)" : output(process.stderr, configuration))
    }

    /// Three octal digits, as `umask` prints them in a shell: `022`, `077`, `000`.
    private static func umaskText(_ mask: Int32) -> String {
        let digits = PythonNumbers.inBase(UInt64(mask), 8, upper: false)
        return String(repeating: "0", count: max(0, 3 - digits.utf8.count)) + digits
    }

    private static func restartRule(_ process: SupervisordProgram) -> String {
        let started = "running after " + decimal(process.startsecs) + "s, " + decimal(process.startretries) + " retries before FATAL"
        switch process.autorestart {
        case .always: return "always; " + started
        case .never: return "never; " + started
        case .unexpected:
            let codes = process.exitCodes.isEmpty ? "none" : joinedText(process.exitCodes.map { decimal($0) }, ",")
            return "when the exit code is not " + codes + "; " + started
        }
    }

    private static func output(_ output: SupervisordOutput, _ configuration: SupervisordConfiguration) -> String {
        var text: String
        switch output.logfile {
        case .none: text = "discarded"
        case .automatic: text = "a file in " + configuration.daemon.childLogDirectory + " (AUTO)"
        case .path(let path):
            switch output.stream {
            case 1?: text = "vigil's stdout (" + path + ")"
            case 2?: text = "vigil's stderr (" + path + ")"
            default:
                text = path
                if output.maxBytes > 0 { text += ", rotated at " + decimal(output.maxBytes) + " bytes, " + decimal(output.backups) + " backups" }
            }
        }
        if output.syslog { text += ", and syslog" }
        if output.eventsEnabled { text += ", as PROCESS_LOG events" }
        return text
    }

    /// A word as a shell would need it: plain when safe, else in single quotes.
    static func quoted(_ word: String) -> String {
        let safe = !word.isEmpty && PythonText.bytes(word).allSatisfy { byte in
            byte >= 0x80 || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || "_./:=@%+,-".utf8.contains(byte)
        }
        if safe { return word }
        var result = "'"
        for piece in PythonText.bytes(word).split(separator: UInt8(ascii: "'"), omittingEmptySubsequences: false).enumerated() {
            if piece.offset > 0 { result += "'\\''" }
            result += String(decoding: piece.element, as: UTF8.self)
        }
        return result + "'"
    }

    /// The text being built: literals as they are, values with control characters escaped so
    /// that each stays on its line.
    struct Text {
        var bytes: [UInt8] = []

        @inline(never)
        mutating func add(_ literal: StaticString) {
            bytes.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
        }

        @inline(never)
        mutating func value(_ text: String) {
            for byte in PythonText.bytes(text) {
                if byte < 0x20 || byte == 0x7F {
                    let hex = Array("0123456789abcdef".utf8)
                    bytes += [0x5C, UInt8(ascii: "x"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
                } else {
                    bytes.append(byte)
                }
            }
        }

        mutating func number(_ value: Int64) { self.value(decimal(value)) }
        mutating func number(_ value: Int) { self.value(decimal(value)) }

        /// "   LABEL VALUE\n".
        @inline(never)
        mutating func field(_ label: StaticString, _ text: String) {
            add("   ")
            add(label)
            value(text)
            add("\n")
        }
    }
}

extension SupervisordOutput {
    /// The descriptor a logfile names when it is vigil's own stdout or stderr (`/dev/stdout`,
    /// `/dev/fd/1`, `/proc/self/fd/1`, `/proc/1/fd/1` and the stderr forms): such output goes
    /// straight to vigil's descriptor, not through a file.
    var stream: Int32? {
        guard case .path(let path) = logfile else { return nil }
        let names: [(String, Int32)] = [
            ("/dev/stdout", 1), ("/dev/fd/1", 1), ("/proc/self/fd/1", 1), ("/proc/1/fd/1", 1),
            ("/dev/stderr", 2), ("/dev/fd/2", 2), ("/proc/self/fd/2", 2), ("/proc/1/fd/2", 2),
        ]
        for (name, fd) in names where ASCII.equals(path, name) { return fd }
        return nil
    }
}
