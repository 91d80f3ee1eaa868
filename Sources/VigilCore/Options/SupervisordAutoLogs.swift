/// supervisord's `AUTO` log files: named `NAME-CHANNEL---IDENTIFIER-RANDOM.log` in
/// `childlogdir`, and removed at the next start (unless `nocleanup`) by their shape.
enum SupervisordAutoLogs {
    /// The name's start: what comes before the random part.
    static func prefix(process: String, channel: String, identifier: String) -> String {
        process + "-" + channel + "---" + identifier + "-"
    }

    /// Whether `file` is an AUTO log of `identifier`, or one of its rotations (supervisord's
    /// `.+?---IDENTIFIER-\S+\.log\.?\d{0,4}`, matched at the start of the name).
    static func isOld(_ file: String, identifier: String) -> Bool {
        let bytes = Array(file.utf8)
        let marker = Array(("---" + identifier + "-").utf8)
        guard bytes.count > marker.count, let found = PythonText.firstRange(of: marker, in: Array(bytes.dropFirst()), from: 0) else {
            return false
        }
        let rest = bytes[(found + 1 + marker.count)...]
        guard !rest.contains(where: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0x0B || $0 == 0x0C }) else {
            return false
        }
        return PythonText.firstRange(of: Array(".log".utf8), in: Array(rest.dropFirst()), from: 0) != nil
    }
}
