/// The verdict on an HTTP check's reply, from its first bytes: the status line
/// `HTTP/d.d NNN` is all that is read. A status from 200 to 399 passes, as Kubernetes counts
/// it; anything else, or bytes that are not an HTTP reply, fails.
enum HTTPReply {
    enum Verdict: Equatable {
        /// Not enough bytes yet to tell.
        case incomplete
        case status(Int)
        /// Not an HTTP/1.x status line.
        case malformed
    }

    /// The bytes a verdict needs: `HTTP/1.1 200` and the byte after the code.
    static let needed = 13
    /// The most vigil reads of a reply.
    static let longestRead = 256

    /// What the reply's first bytes say. A reply that goes wrong is malformed as soon as it
    /// does, so that a server speaking another protocol fails the check at once.
    static func verdict(_ bytes: ArraySlice<UInt8>) -> Verdict {
        let pattern = Array("HTTP/d.d ddd".utf8)
        for (offset, byte) in bytes.prefix(pattern.count).enumerated() {
            let expected = pattern[offset]
            let fits = expected == UInt8(ascii: "d") ? byte >= 0x30 && byte <= 0x39 : byte == expected
            if !fits { return .malformed }
        }
        guard bytes.count >= needed else { return .incomplete }
        let after = bytes[bytes.startIndex + 12]
        guard after == 0x20 || after == 0x0D || after == 0x0A else { return .malformed }
        var code = 0
        for byte in bytes[(bytes.startIndex + 9)..<(bytes.startIndex + 12)] { code = code * 10 + Int(byte - 0x30) }
        return .status(code)
    }

    static func passes(_ status: Int) -> Bool { status >= 200 && status <= 399 }
}
