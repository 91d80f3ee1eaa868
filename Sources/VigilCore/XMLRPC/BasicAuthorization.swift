/// supervisor's HTTP authentication (medusa's `auth_handler` with supervisor's authorizer): when
/// a server section sets a username, every request needs `Authorization: Basic BASE64` whose
/// `user:password` matches; a stored password `{SHA}HEX` is compared with the SHA-1 of the one
/// given, in lower-case hexadecimal.
enum BasicAuthorization {
    enum Decision: Equatable {
        case accepted
        /// 401, with `WWW-Authenticate: Basic realm="default"`; the connection closes.
        case refused
        /// 400: the credentials are not base64 of UTF-8 text.
        case malformed
        /// 500: decoded credentials without a colon (supervisord fails on them).
        case failed
    }

    static let challenge = "Basic realm=\"default\""

    /// Checks `request` against the server's credentials (nil username: no authentication).
    static func check(_ request: HTTPRequestHead, username: String?, password: String?) -> Decision {
        guard let username, !username.isEmpty else { return .accepted }
        // medusa: the first header line that is wholly `Authorization: SCHEME REST` (any case).
        for line in request.headers {
            let bytes = Array(line.utf8)
            guard bytes.count > 15, ASCII.equals(PythonText.lowered(bytes[..<15]), "authorization: ") else { continue }
            let rest = bytes[15...]
            guard let space = rest.firstIndex(of: 0x20), space > rest.startIndex else { continue }
            let scheme = PythonText.lowered(rest[..<space])
            guard ASCII.equals(scheme, "basic") else { return .refused }
            guard let decoded = Base64.decode(Array(rest[(space + 1)...])), PythonText.firstInvalidUTF8(decoded) == nil else {
                return .malformed
            }
            guard let colon = decoded.firstIndex(of: UInt8(ascii: ":")) else { return .failed }
            let givenUser = decoded[..<colon], givenPassword = Array(decoded[(colon + 1)...])
            guard givenUser.elementsEqual(username.utf8), let password else { return .refused }
            return matches(givenPassword, stored: Array(password.utf8)) ? .accepted : .refused
        }
        return .refused
    }

    /// The stored password (plain, or `{SHA}` and a hex digest) against the one given, in time
    /// that does not depend on where they differ.
    static func matches(_ given: [UInt8], stored: [UInt8]) -> Bool {
        if ASCII.hasPrefix(stored, "{SHA}") { return constantTimeEqual(SHA1.hexDigest(given), Array(stored.dropFirst(5))) }
        return constantTimeEqual(given, stored)
    }

    private static func constantTimeEqual(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        var difference = UInt8(left.count == right.count ? 0 : 1)
        for index in 0..<max(left.count, right.count) {
            difference |= (index < left.count ? left[index] : 0) ^ (index < right.count ? right[index] : 0)
        }
        return difference == 0
    }
}
