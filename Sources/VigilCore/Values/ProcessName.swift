/// What a process name may be: the command line, the configuration file and the control
/// channel's requests all check it here.
enum ProcessName {
    /// The longest process name, in bytes.
    static let maximumLength = 64

    /// Letters, digits, `.`, `_` and `-`, at most `maximumLength` bytes.
    static func isValid(_ name: some Collection<UInt8>) -> Bool {
        name.count <= maximumLength && isShaped(name)
    }

    /// Made of a name's characters, whatever its length: text before `=` that is too long
    /// to be a name was still meant as one, and gets an error rather than being run.
    static func isShaped(_ name: some Collection<UInt8>) -> Bool {
        guard !name.isEmpty else { return false }
        for byte in name {
            let letter = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            let digit = byte >= 0x30 && byte <= 0x39
            guard letter || digit || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: "-") else { return false }
        }
        return true
    }

    /// `name` made valid: each other byte `_`, cut at `maximumLength`, `_` when empty. Where a
    /// name from elsewhere (a supervisord program, a runit service folder) must be one.
    static func sanitized(_ name: String) -> String {
        if isValid(name.utf8) { return name }
        var bytes: [UInt8] = []
        for byte in name.utf8.prefix(maximumLength) {
            bytes.append(isShaped(CollectionOfOne(byte)) ? byte : UInt8(ascii: "_"))
        }
        return bytes.isEmpty ? "_" : String(decoding: bytes, as: UTF8.self)
    }
}
