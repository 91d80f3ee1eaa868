import CLinux

/// The version `--version` prints.
enum VigilVersion {
    static let string = "0.1.0"
    /// The git commit the binary was built from; "unknown" outside a release build.
    static var commit: String { String(cString: clinux_build_commit()) }
}

/// The text `--help` prints: one screen of the common options, and `--help TOPIC` for the
/// rest (`HelpTopics`). Options are shown from the option table, so help cannot drift from
/// what the parser takes.
enum Usage {
    /// The widest a line of help may be.
    static let width = 80
    /// Where an option's summary starts.
    static let column = 26

    /// `vigil --help`: at most 24 lines.
    static func text() -> String {
        """
        Usage: vigil [OPTIONS] [--] COMMAND [ARG...]
               vigil [OPTIONS] --procfile [FILE] [TYPE[,TYPE]...]...
               vigil ps|status|check|restart|stop|start|signal ...  (each has --help)

        Runs COMMAND as a child, forwards signals to it, reaps every orphaned process,
        and exits with the child's exit code (128+N if it was killed by signal N).
        In a Dockerfile: ENTRYPOINT ["/vigil", "--"]

        Common options:

        """
        + options([.group, .grace, .sidecar, .config, .verbose, .help])
        + "\n" + wrap("Topics (vigil --help TOPIC): " + HelpTopics.names.joined(separator: ", ") + ".", width: width)
            .joined(separator: "\n") + "\n"
        + "Documentation: README.md and docs/ in vigil's source repository.\n"
    }

    /// `vigil --help TOPIC` (or `vigil help TOPIC`); an unknown topic is a usage error that
    /// lists them.
    static func text(topic: String) throws(UsageError) -> String {
        guard let text = HelpTopics.text(topic) else {
            throw UsageError("no help topic '\(topic)'; topics: \(HelpTopics.names.joined(separator: ", "))")
        }
        return text
    }

    /// The options' lines: name and value on the left, the summary from `column`, wrapped.
    static func options(_ ids: [OptionID]) -> String {
        var text = ""
        for id in ids {
            let spec = OptionTable.spec(id)
            var left = "  "
            if let short = spec.short {
                left += "-" + String(decoding: [short], as: UTF8.self) + ", "
            } else {
                left += "    "
            }
            left += "--" + spec.long
            if let value = spec.valueName { left += spec.optionalValue ? "[=" + value + "]" : " " + value }
            if id == .help { left += " [TOPIC]" }
            text += entry(left, spec.summary)
        }
        return text
    }

    /// `left` and `summary` in two columns, the summary wrapped at `width`; a left side too
    /// wide for its column stands on its own line.
    static func entry(_ left: String, _ summary: String) -> String {
        let indent = String(repeating: " ", count: column)
        var lines = wrap(summary, width: width - column)
        var text = left.utf8.count < column - 1 ? left + String(repeating: " ", count: column - left.utf8.count) : left + "\n" + indent
        text += lines.isEmpty ? "" : lines.removeFirst()
        for line in lines { text += "\n" + indent + line }
        return text + "\n"
    }

    /// `text`'s words in lines of at most `width` bytes (a longer word alone on its line).
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line: [UInt8] = []
        for word in Array(text.utf8).split(separator: UInt8(ascii: " ")) {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(String(decoding: line, as: UTF8.self))
                line = []
            }
            if !line.isEmpty { line.append(UInt8(ascii: " ")) }
            line.append(contentsOf: word)
        }
        if !line.isEmpty { lines.append(String(decoding: line, as: UTF8.self)) }
        return lines
    }
}
