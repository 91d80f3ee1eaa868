/// One HTTP/1.0 or 1.1 request as supervisor's server (medusa) frames it, from the bytes of a
/// connection: the head ends at the first CRLF CRLF (leading empty lines skipped), the request
/// line is `METHOD URI [HTTP/VERSION]` with single spaces, header lines starting with a space or
/// tab continue the one before, and a `POST` body is `Content-Length` bytes. supervisorctl
/// sends `POST /RPC2 HTTP/1.1` with Content-Length and, with credentials, `Authorization:
/// Basic ...`, and keeps the connection for the next request.
struct HTTPRequestHead: Equatable {
    var method: String
    /// With `%XX` escapes in its path decoded, as medusa decodes them.
    var uri: String
    /// `1.0`, `1.1`, or nil for a request line without a version.
    var version: String?
    /// Header lines as sent (after continuation lines are joined).
    var headers: [String]

    /// The value of the first header line that starts with `name: ` in any case (medusa's
    /// `get_header`: exactly one space after the colon).
    func header(_ name: String) -> String? {
        let prefix = PythonText.lowered(Array((name + ": ").utf8)[...])
        for line in headers {
            let bytes = Array(line.utf8)
            if bytes.count >= prefix.count && PythonText.lowered(bytes[..<prefix.count]) == prefix {
                return PythonText.string(bytes[prefix.count...])
            }
        }
        return nil
    }

    /// Whether the connection stays open after the reply: HTTP/1.1 unless `Connection: close`,
    /// HTTP/1.0 only with `Connection: keep-alive`.
    var keepsAlive: Bool {
        let connection = headers.lazy.compactMap { line -> [UInt8]? in
            let bytes = Array(line.utf8)
            guard bytes.count >= 12, ASCII.equals(PythonText.lowered(bytes[..<12]), "connection: ") else { return nil }
            return Array(bytes[12...])
        }.first
        guard let version else { return false }
        if ASCII.equals(version, "1.0") { return connection.map { ASCII.equals($0, "keep-alive") } ?? false }
        if ASCII.equals(version, "1.1") { return !(connection.map { ASCII.equals($0, "close") } ?? false) }
        return true
    }
}

enum HTTPRequestFraming {
    /// The longest head accepted, and the largest body.
    static let maximumHead = 16 * 1024
    static let maximumBody = XMLRPCRequest.maximumSize

    enum Framed: Equatable {
        /// Not all of it has arrived yet.
        case incomplete
        /// Only empty lines: medusa closes the connection.
        case empty(consumed: Int)
        /// A request with its body (empty unless POST), and how many bytes it took.
        case request(HTTPRequestHead, body: [UInt8], consumed: Int)
        /// The reply's status: 400 bad request line or Content-Length, 411 a POST without one,
        /// 413 too large; the connection closes after it.
        case failure(status: Int)
    }

    static func parse(_ bytes: ArraySlice<UInt8>) -> Framed {
        guard let end = PythonText.firstRange(of: [0x0D, 0x0A, 0x0D, 0x0A], in: Array(bytes.prefix(maximumHead + 4)), from: 0) else {
            return bytes.count > maximumHead ? .failure(status: 413) : .incomplete
        }
        let head = bytes[bytes.startIndex..<(bytes.startIndex + end)]
        let consumedHead = end + 4
        guard PythonText.firstInvalidUTF8(Array(head)) == nil else { return .failure(status: 400) }
        var lines = split(head)
        while let first = lines.first, first.isEmpty { lines.removeFirst() }
        guard let requestLine = lines.first else { return .empty(consumed: consumedHead) }
        guard let (method, uri, version) = crack(requestLine) else { return .failure(status: 400) }
        var headers: [String] = []
        for line in lines.dropFirst() {
            if let first = line.first, first == 0x20 || first == 0x09, !headers.isEmpty {
                headers[headers.count - 1] += PythonText.string(line.dropFirst())
            } else {
                headers.append(PythonText.string(line))
            }
        }
        let request = HTTPRequestHead(method: method, uri: uri, version: version, headers: headers)
        guard ASCII.equals(method, "POST") else { return .request(request, body: [], consumed: consumedHead) }
        guard let lengthText = request.header("content-length"), !lengthText.isEmpty else { return .failure(status: 411) }
        guard case .value(let length) = PythonInt.parse(lengthText), length >= 0 else { return .failure(status: 400) }
        guard length <= Int64(maximumBody) else { return .failure(status: 413) }
        let available = bytes.count - consumedHead
        guard available >= Int(length) else { return .incomplete }
        let bodyStart = bytes.startIndex + consumedHead
        return .request(request, body: Array(bytes[bodyStart..<(bodyStart + Int(length))]), consumed: consumedHead + Int(length))
    }

    /// The lines of the head, split at CRLF.
    private static func split(_ head: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = head.startIndex
        var index = head.startIndex
        while index + 1 < head.endIndex {
            if head[index] == 0x0D && head[index + 1] == 0x0A {
                lines.append(head[start..<index])
                index += 2
                start = index
            } else {
                index += 1
            }
        }
        lines.append(head[start..<head.endIndex])
        return lines
    }

    /// `([^ ]+) ([^ ]+)(( HTTP/([0-9.]+))$|$)`, the whole line.
    private static func crack(_ line: ArraySlice<UInt8>) -> (String, String, String?)? {
        let parts = line.split(separator: 0x20, maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        var version: String? = nil
        if parts.count == 3 {
            let rest = parts[2]
            guard ASCII.hasPrefix(rest, "HTTP/"), rest.count > 5,
                  rest.dropFirst(5).allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: ".") }) else { return nil }
            version = PythonText.string(rest.dropFirst(5))
        }
        return (PythonText.string(parts[0]), unquotedPath(parts[1]), version)
    }

    /// medusa decodes `%XX` in the path (before `?`) only.
    private static func unquotedPath(_ uri: ArraySlice<UInt8>) -> String {
        let query = uri.firstIndex(of: UInt8(ascii: "?")) ?? uri.endIndex
        guard uri[..<query].contains(UInt8(ascii: "%")) else { return PythonText.string(uri) }
        var path: [UInt8] = []
        var index = uri.startIndex
        while index < query {
            if uri[index] == UInt8(ascii: "%"), index + 2 < query + 1, index + 2 < uri.endIndex,
               let high = hexValue(uri[index + 1]), let low = hexValue(uri[index + 2]), index + 2 < query {
                path.append(high << 4 | low)
                index += 3
            } else {
                path.append(uri[index])
                index += 1
            }
        }
        return String(decoding: path + uri[query...], as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x61...0x66: return byte - 0x61 + 10
        case 0x41...0x46: return byte - 0x41 + 10
        default: return nil
        }
    }
}
