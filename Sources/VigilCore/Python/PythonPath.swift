/// Python's `os.path` functions that supervisord applies to the paths it reads, for POSIX.
enum PythonPath {
    @inline(never)
    static func isAbsolute(_ path: String) -> Bool { PythonText.firstByte(path) == UInt8(ascii: "/") }

    /// `os.path.join(a, b)`.
    @inline(never)
    static func join(_ first: String, _ second: String) -> String {
        if isAbsolute(second) { return second }
        if first.isEmpty || PythonText.bytes(first).last == UInt8(ascii: "/") { return first + second }
        return first + "/" + second
    }

    /// `os.path.split(path)`: the head without trailing slashes (unless it is all slashes), the tail.
    @inline(never)
    static func split(_ path: String) -> (head: String, tail: String) {
        let bytes = PythonText.bytes(path)
        let cut = (bytes.lastIndex(of: UInt8(ascii: "/")) ?? -1) + 1
        var head = bytes[..<cut]
        if !head.isEmpty && head.contains(where: { $0 != UInt8(ascii: "/") }) {
            while head.last == UInt8(ascii: "/") { head = head.dropLast() }
        }
        return (PythonText.string(head), PythonText.string(bytes[cut...]))
    }

    /// `os.path.dirname(path)`.
    @inline(never)
    static func dirname(_ path: String) -> String { split(path).head }

    /// `os.path.normpath(path)`.
    @inline(never)
    static func normalize(_ path: String) -> String {
        let bytes = PythonText.bytes(path)
        if bytes.isEmpty { return "." }
        var leading = 0
        if bytes.first == UInt8(ascii: "/") {
            leading = bytes.starts(with: [0x2F, 0x2F]) && !bytes.starts(with: [0x2F, 0x2F, 0x2F]) ? 2 : 1
        }
        var parts: [ArraySlice<UInt8>] = []
        for part in bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            if ASCII.equals(part, ".") { continue }
            if !ASCII.equals(part, "..") || (leading == 0 && parts.isEmpty) || (parts.last.map { ASCII.equals($0, "..") } ?? false) {
                parts.append(part)
            } else if !parts.isEmpty {
                parts.removeLast()
            }
        }
        var result = [UInt8](repeating: UInt8(ascii: "/"), count: leading)
        for (index, part) in parts.enumerated() {
            if index > 0 { result.append(UInt8(ascii: "/")) }
            result.append(contentsOf: part)
        }
        return result.isEmpty ? "." : String(decoding: result, as: UTF8.self)
    }

    /// `os.path.abspath(path)`, against `directory`.
    @inline(never)
    static func absolute(_ path: String, in directory: String) -> String {
        normalize(isAbsolute(path) ? path : join(directory, path))
    }

    /// `os.path.expanduser(path)`: `~` is `$HOME` (or the running user's home), `~name` that
    /// user's home; an unknown user leaves the path as it is.
    @inline(never)
    static func expandUser(_ path: String, _ host: SupervisordHost) -> String {
        let bytes = PythonText.bytes(path)
        guard bytes.first == UInt8(ascii: "~") else { return path }
        let end = bytes[1...].firstIndex(of: UInt8(ascii: "/")) ?? bytes.count
        var home: [UInt8]
        if end == 1 {
            if let variable = host.variable("HOME") {
                home = PythonText.bytes(variable)
            } else if let account = host.users.user(id: host.uid) {
                home = account.home
            } else {
                return path
            }
        } else {
            guard let account = host.users.user(named: bytes[1..<end]) else { return path }
            home = account.home
        }
        while home.last == UInt8(ascii: "/") { home.removeLast() }
        let result = home + bytes[end...]
        return result.isEmpty ? "/" : String(decoding: result, as: UTF8.self)
    }
}
