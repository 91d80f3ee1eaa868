/// HTTP replies in the form supervisord's server (medusa) sends them: the status line in the
/// request's HTTP version, `Server`, `Date`, the headers, and for errors medusa's small HTML page.
enum MedusaReply {
    static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 404: return "Not Found"
        case 411: return "Length Required"
        case 413: return "Request Entity Too Large"
        default: return "Internal Server Error"
        }
    }

    /// The whole reply, headers in the order given. `date` is the `Date` header's value (RFC
    /// 1123, from the caller's clock).
    static func render(status: Int, version: String?, date: String, headers: [(String, String)], body: [UInt8]) -> [UInt8] {
        var text = "HTTP/" + (version ?? "1.0") + " " + decimal(status) + " " + reason(status) + "\r\n"
        text += "Server: Medusa/1.12\r\nDate: " + date + "\r\n"
        for (name, value) in headers { text += name + ": " + value + "\r\n" }
        return Array((text + "\r\n").utf8) + body
    }

    /// An XML-RPC reply.
    static func xml(_ body: [UInt8], version: String?, date: String, close: Bool) -> [UInt8] {
        var headers = [("Content-Type", "text/xml"), ("Content-Length", decimal(body.count))]
        if close { headers.append(("Connection", "close")) }
        return render(status: 200, version: version, date: date, headers: headers, body: body)
    }

    /// medusa's error page, with `Content-Type: text/html`; a 401 carries the Basic challenge
    /// and closes the connection.
    static func error(_ status: Int, version: String?, date: String) -> [UInt8] {
        let body = "<head>\r\n<title>Error response</title>\r\n</head>\r\n<body>\r\n<h1>Error response</h1>\r\n<p>Error code "
            + decimal(status) + ".\r\n<p>Message: " + reason(status) + ".\r\n</body>\r\n"
        var headers: [(String, String)] = []
        if status == 401 { headers = [("Connection", "close"), ("WWW-Authenticate", BasicAuthorization.challenge)] }
        headers += [("Content-Length", decimal(body.utf8.count)), ("Content-Type", "text/html")]
        return render(status: status, version: version, date: date, headers: headers, body: Array(body.utf8))
    }
}
