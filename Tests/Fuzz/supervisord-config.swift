// Fuzz target: a supervisord configuration as vigil's supervisord personality reads it
// (`INIReader`, `SupervisordReader`), then printed (`SupervisordModelText`, `SupervisordDryRun`).
//
// Input: the main file; after a line `--- include`, the rest is /etc/conf.d/x.conf, which any
// `[include] files=conf.d/*.conf` brings in. An error is one line that names a place in the
// input; a configuration that reads holds no more processes than vigil takes, and prints.
@testable import VigilCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSupervisordConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let marker = Array("\n--- include\n".utf8)
    var main = bytes, included: [UInt8] = []
    if let cut = PythonText.firstRange(of: marker, in: bytes, from: 0) {
        main = Array(bytes[..<cut])
        included = Array(bytes[(cut + marker.count)...])
    }
    var ini = INIReader()
    do {
        try ini.read(main, path: "/etc/s.conf")
    } catch {
        precondition(error.line >= 1 && error.line <= main.count + 1, "an INI error outside the input")
        precondition(!error.message.utf8.contains(0x0A), "an INI message of several lines")
    }
    var host = SupervisordHost()
    host.environment = [("HOME", "/root"), ("APP", "web")]
    host.users = UserDatabase.parse(Array("root:x:0:0::/root:/bin/sh\nwww-data:x:33:33::/var/www:/bin/sh\n".utf8))
    host.groups = GroupDatabase.parse(Array("root:x:0:\n".utf8))
    let directories = ["/", "/etc", "/etc/conf.d", "/tmp", "/var/log", "/dev", "/dev/fd"]
    // No closure captures `host` itself: that would be a cycle, and a leak.
    let isDirectory: (String) -> Bool = { path in directories.contains { $0.utf8.elementsEqual(path.utf8) } }
    host.isDirectory = isDirectory
    host.exists = { path in isDirectory(path) || path.utf8.elementsEqual("/etc/s.conf".utf8) || path.utf8.elementsEqual("/etc/conf.d/x.conf".utf8) }
    host.listDirectory = { path in path.utf8.elementsEqual("/etc/conf.d".utf8) ? ["x.conf", ".hidden"] : path.utf8.elementsEqual("/etc".utf8) ? ["conf.d", "s.conf"] : nil }
    host.readFile = { path in
        if path.utf8.elementsEqual("/etc/s.conf".utf8) { return main }
        if path.utf8.elementsEqual("/etc/conf.d/x.conf".utf8) { return included }
        return nil
    }
    var options = SupervisordOptions()
    options.configFile = "/etc/s.conf"
    do {
        let configuration = try SupervisordReader.read(options, host: host, realtime: RealtimeSignals(min: 34, max: 64))
        precondition(configuration.processes.count <= SupervisordReader.maximumProcesses, "too many processes")
        let model = SupervisordModelText.render(configuration)
        let dryRun = SupervisordDryRun.render(configuration)
        precondition(!model.isEmpty && !dryRun.isEmpty, "nothing printed")
        precondition(!dryRun.contains { $0 < 0x20 && $0 != 0x0A }, "a control character in the dry run")
    } catch {
        let message = error.message
        precondition(!message.isEmpty && !message.utf8.contains(0x0A), "an error of several lines")
    }
    return 0
}
