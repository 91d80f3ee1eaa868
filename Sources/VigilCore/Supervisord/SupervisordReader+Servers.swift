// `[rpcinterface:x]`, read before the programs, and the HTTP servers, read after them:
// `[inet_http_server]` sections first, then `[unix_http_server]` ones (any section whose name
// starts with those words).
extension SupervisordReader {
    static let factoryKey = "supervisor.rpcinterface_factory"

    mutating func readPlugins() throws(UsageError) {
        for section in sections(startingWith: "rpcinterface:") {
            let colon = section.name.firstIndex(of: UInt8(ascii: ":")) ?? section.name.count
            let name = PythonText.string(section.name[min(colon + 1, section.name.count)...])
            guard let factory = try setting(section, Self.factoryKey, []) else {
                throw problem(section, "does not specify a " + Self.factoryKey)
            }
            guard Self.isEntryPoint(PythonText.bytes(factory.text)) else {
                throw problem(factory, factory.text + " is not a Python entry point (module:function)")
            }
            var extras: [(key: String, value: String)] = []
            for key in document.keys(of: section) where !ASCII.equals(key, Self.factoryKey) {
                let keyText = String(decoding: key, as: UTF8.self)
                if let extra = try setting(section, keyText, []) { extras.append((keyText, extra.text)) }
            }
            let plugin = SupervisordPlugin(name: name, factory: factory.text, extras: extras)
            if !plugin.isStandard {
                configuration.notices.append(SupervisordNotice(level: .warning, text: "[" + section.nameText + "] " + factory.text
                    + " is Python code vigil cannot run; only supervisor's own interface (supervisor.rpcinterface:make_main_rpcinterface) is served"))
            }
            configuration.rpcInterfaces.append(plugin)
        }
    }

    mutating func readServers() throws(UsageError) {
        for section in sections(startingWith: "inet_http_server") {
            let (username, password) = try credentials(section)
            guard let port = try setting(section, "port", []) else { throw problem(section, "has no port value") }
            let address: (host: String, port: Int64)
            do { address = try SupervisordValues.inetAddress(port.text) } catch { throw problem(port, error) }
            configuration.servers.append(SupervisordServer(
                section: section.nameText, address: .inet(host: address.host, port: address.port), username: username, password: password))
        }
        for section in sections(startingWith: "unix_http_server") {
            guard let file = try setting(section, "file", [hereLayer]) else { throw problem(section, "has no file value") }
            let path = normalized(PythonText.string(PythonText.strip(PythonText.bytes(file.text)[...])))
            let (username, password) = try credentials(section)
            var owner: (uid: Int64, gid: Int64) = (-1, -1)
            if let chown = try setting(section, "chown", []) {
                do {
                    owner = try SupervisordValues.userAndGroup(chown.text, host)
                } catch {
                    throw problem(chown, "Invalid sockchown value " + chown.text)
                }
            }
            var mode: Int64 = 0o700
            if let chmod = try setting(section, "chmod", []) {
                do {
                    mode = try SupervisordValues.octal(chmod.text)
                } catch {
                    throw problem(chmod, "Invalid chmod value " + chmod.text)
                }
            }
            configuration.servers.append(SupervisordServer(
                section: section.nameText, address: .unix(path: path, mode: mode, owner: owner), username: username, password: password))
        }
    }

    /// `username` and `password`: both or neither.
    private func credentials(_ section: INISection) throws(UsageError) -> (String?, String?) {
        let username = try setting(section, "username", [])?.text
        let password = try setting(section, "password", [])?.text
        if (username == nil) != (password == nil) {
            throw problem(section, "contains incomplete authentication: If a username or a password is specified, both the username and password must be specified")
        }
        return (username, password)
    }
}
