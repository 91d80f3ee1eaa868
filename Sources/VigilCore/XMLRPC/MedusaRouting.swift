/// What supervisord's HTTP server does with one framed request, in its order: every handler
/// is behind the Basic authentication when the server section sets a username (401 and the
/// connection closes), the XML-RPC handler takes URIs starting with `/RPC2` and only POST
/// (400 otherwise, as for a body that is not an XML-RPC call), and vigil serves nothing else
/// (404: supervisord's web pages are not part of vigil).
enum MedusaRouting {
    enum Decision: Equatable {
        case call(XMLRPCCall)
        /// An error page with this status; the connection closes after it.
        case error(Int)
    }

    static func route(_ head: HTTPRequestHead, body: [UInt8], username: String?, password: String?) -> Decision {
        switch BasicAuthorization.check(head, username: username, password: password) {
        case .accepted: break
        case .refused: return .error(401)
        case .malformed: return .error(400)
        case .failed: return .error(500)
        }
        guard ASCII.hasPrefix(Array(head.uri.utf8), "/RPC2") else { return .error(404) }
        guard ASCII.equals(head.method, "POST") else { return .error(400) }
        do {
            return .call(try XMLRPCRequest.parse(body))
        } catch {
            return .error(400)
        }
    }

    /// A POST without a usable Content-Length (framed as 411): medusa asks for credentials
    /// before it looks at the length, so without them it is 401.
    static func lengthRequired(_ bytes: ArraySlice<UInt8>, username: String?, password: String?) -> Int {
        guard let username, !username.isEmpty else { return 411 }
        guard let end = PythonText.firstRange(of: [0x0D, 0x0A, 0x0D, 0x0A], in: Array(bytes.prefix(HTTPRequestFraming.maximumHead + 4)), from: 0)
        else { return 411 }
        // The head again, with a length of nothing, to read its credentials.
        let head = Array(bytes.prefix(end)) + Array("\r\nContent-Length: 0\r\n\r\n".utf8)
        guard case .request(let request, _, _) = HTTPRequestFraming.parse(head[...]) else { return 411 }
        return BasicAuthorization.check(request, username: username, password: password) == .accepted ? 411 : 401
    }

    /// The `Date` header: RFC 1123, `Sun, 06 Dec 2026 21:26:52 GMT`.
    static func date(_ epochSeconds: Int64) -> String {
        let time = CivilTime(seconds: epochSeconds)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int) -> String { value < 10 ? "0" + decimal(value) : decimal(value) }
        let weekday = CivilTime.weekday(year: time.year, month: time.month, day: time.day)
        return days[weekday] + ", " + two(time.day) + " " + months[max(0, min(11, time.month - 1))] + " " + decimal(time.year) + " "
            + two(time.hour) + ":" + two(time.minute) + ":" + two(time.second) + " GMT"
    }
}
