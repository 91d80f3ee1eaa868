/// my_init's `/etc/container_environment`: one file a variable, named as the variable, holding
/// its value. my_init imports them into its environment, exports its environment back to them
/// and to two dumps (`ContainerEnvironment+Export`), and re-imports after each startup file,
/// so that a startup script can set a variable for everything started after it.
///
/// Reading, as my_init reads (Python's text mode): `\r\n` and lone `\r` become `\n`, then one
/// `\n` at the very end is dropped (`echo value > FILE` gives `value`; a value meant to end
/// with a newline needs two). Every entry counts, hidden files too, in name order; my_init
/// stops with a traceback on a folder, on a name holding `=` and on a NUL byte in a value, and
/// vigil refuses the last two with one line (the caller decides about folders). Values are
/// bytes as read: my_init needs UTF-8, vigil passes any bytes on.
enum ContainerEnvironment {
    /// A variable, or a file of the folder (its name and content).
    struct NameAndValue: Equatable {
        var name: [UInt8]
        var value: [UInt8]

        init(_ name: [UInt8], _ value: [UInt8]) {
            self.name = name
            self.value = value
        }
    }

    static let directory = "/etc/container_environment"
    static let shellDump = "/etc/container_environment.sh"
    static let jsonDump = "/etc/container_environment.json"
    /// Left out of the folder and the shell dump (kept in the JSON dump): they describe the
    /// user a process runs as, which `setuser` and login shells set themselves.
    static let notExported = ["HOME", "USER", "GROUP", "UID", "GID", "SHELL"]

    /// The variables `files` set, in name order.
    static func imported(_ files: [NameAndValue]) throws(RunitError) -> [NameAndValue] {
        var variables: [NameAndValue] = []
        for name in RunitServiceLayout.sorted(files.map { $0.name }) {
            guard let file = files.first(where: { $0.name == name }) else { continue }
            let shown = String(decoding: name, as: UTF8.self)
            guard !name.contains(UInt8(ascii: "=")) else {
                throw RunitError("\(directory)/\(shown): a variable name cannot hold '='")
            }
            let value = value(ofFile: file.value)
            guard !value.contains(0) else { throw RunitError("\(directory)/\(shown): the value holds a NUL byte") }
            variables.append(NameAndValue(name, value))
        }
        return variables
    }

    /// A file's content as the value my_init reads from it.
    static func value(ofFile content: [UInt8]) -> [UInt8] {
        var value: [UInt8] = []
        value.reserveCapacity(content.count)
        var index = 0
        while index < content.count {
            if content[index] == 0x0D {
                value.append(0x0A)
                index += index + 1 < content.count && content[index + 1] == 0x0A ? 2 : 1
            } else {
                value.append(content[index])
                index += 1
            }
        }
        if value.last == 0x0A { value.removeLast() }
        return value
    }

    /// my_init's environment after an import. At start (`replacing` false) the variables it
    /// has keep their values (`docker run -e` wins) and the others are added; after a startup
    /// file (`replacing` true) the environment becomes exactly the folder's, in name order, so
    /// that a variable removed from the folder is gone (HOME and the like too, unless a file
    /// sets them). Order otherwise as Python keeps its `os.environ`: first set, first listed.
    static func merged(_ environment: [NameAndValue], with imported: [NameAndValue], replacing: Bool) -> [NameAndValue] {
        if replacing { return imported }
        var result = environment
        for variable in imported where !result.contains(where: { $0.name == variable.name }) {
            result.append(variable)
        }
        return result
    }

    /// The files my_init writes into the folder at start: a variable a file, holding its value
    /// as it is (no newline added), but for `notExported`.
    static func exportedFiles(_ environment: [NameAndValue]) -> [NameAndValue] {
        environment.filter(isExported)
    }

    static func isExported(_ variable: NameAndValue) -> Bool {
        !notExported.contains { ASCII.equals(variable.name, $0) }
    }
}
