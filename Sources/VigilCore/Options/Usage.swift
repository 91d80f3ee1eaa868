import CLinux

/// The version `--version` prints.
enum VigilVersion {
    static let string = "0.1.0"
    /// The git commit the binary was built from; "unknown" outside a release build.
    static var commit: String { String(cString: clinux_build_commit()) }
}

/// The text `--help` prints, built from the option table.
enum Usage {
    static func text() -> String {
        var text = """
            Usage: vigil [OPTIONS] [--] COMMAND [ARG...]
                   vigil [OPTIONS] --procfile [FILE] [TYPE[,TYPE]...]...
                   vigil ps|status|check|restart|stop|start|signal ...  (each has --help)

            Runs COMMAND as a child, forwards signals to it, reaps every orphaned process,
            and exits with the child's exit code (128+N if it was killed by signal N).

            Options:

            """
        for spec in OptionTable.all {
            var left = "  "
            if let short = spec.short {
                left += "-" + String(decoding: [short], as: UTF8.self) + ", "
            } else {
                left += "    "
            }
            left += "--" + spec.long
            if let value = spec.valueName { left += spec.optionalValue ? "[=" + value + "]" : " " + value }
            text += pad(left, to: 32) + spec.summary + "\n"
        }
        text += "\nEnvironment (the command line wins):\n"
        for spec in OptionTable.all {
            guard let variable = spec.environment else { continue }
            text += pad("  " + variable, to: 32) + "same as --" + spec.long + "\n"
        }
        text += """

            Exit status: the child's; 2 usage error; 125 vigil failed; 126 command not
            executable; 127 command not found.

            """
        return text
    }

    private static func pad(_ text: String, to width: Int) -> String {
        let count = text.utf8.count
        if count >= width { return text + "\n" + String(repeating: " ", count: width) }
        return text + String(repeating: " ", count: width - count)
    }
}
