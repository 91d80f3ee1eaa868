/// runit services as `runsvdir -P /etc/service` and runsv find them, from directory listings
/// passed in as values (the caller reads the folders):
/// - every entry of the services folder whose name does not start with `.` and that is a
///   folder (after symbolic links) is a service, at most 1000 as runsvdir; vigil takes them in
///   name order (runsvdir in the folder's own order);
/// - in a service folder: `run` is what runs; `finish` runs after it exits; a `down` file (of
///   any kind) keeps it down until `sv up`; `check` is what `sv check` and `sv -v` run to ask
///   whether it is up; `control/X` (executable) replaces or follows the signal of command X;
///   a `log` folder is a log service with its own `run` and `down`, fed the service's stdout.
enum RunitServiceLayout {
    /// One file of a listing, by its path relative to the listed folder: `run`, `log/run`,
    /// `control/t`.
    struct ListedFile: Equatable {
        enum FileKind: Equatable {
            case file(executable: Bool)
            case folder
            /// A FIFO, socket or device.
            case other
        }

        var path: String
        var kind: FileKind
    }

    struct Service: Equatable {
        var name: String
        /// Executable `run` present. Without it runsv retries every second, in vain.
        var runnable: Bool
        var hasFinish: Bool
        var startsDown: Bool
        var hasCheck: Bool
        /// The letters whose `control/` script runsv would run, in name order.
        var overrides: [UInt8]
        var log: LogService?
    }

    struct LogService: Equatable {
        var runnable: Bool
        var startsDown: Bool
    }

    static let mostServices = 1000

    /// The names of the services in a listing of the services folder, in name (byte) order.
    static func serviceNames(_ entries: [ListedFile]) throws(RunitError) -> [String] {
        var names: [[UInt8]] = []
        for entry in entries where entry.kind == .folder && entry.path.utf8.first != UInt8(ascii: ".") {
            // vigil names the log service NAME.log; both must be process names.
            guard ProcessName.isValid(entry.path.utf8), entry.path.utf8.count + 4 <= ProcessName.maximumLength else {
                throw RunitError("service '\(entry.path)': vigil needs a name of letters, digits, '.', '_' and '-', at most \(ProcessName.maximumLength - 4) bytes")
            }
            names.append(Array(entry.path.utf8))
        }
        guard names.count <= mostServices else { throw RunitError("\(names.count) services: runsvdir runs at most \(mostServices)") }
        return sorted(names).map { String(decoding: $0, as: UTF8.self) }
    }

    /// A service from the listing of its folder, `log/` and `control/` included.
    static func service(named name: String, _ entries: [ListedFile]) -> Service {
        func kind(_ path: String) -> ListedFile.FileKind? {
            for entry in entries where ASCII.equals(entry.path, path) { return entry.kind }
            return nil
        }
        var overrides: [UInt8] = []
        for letter in Array("12acdhikpqtux".utf8) where kind("control/" + String(decoding: [letter], as: UTF8.self)) == .file(executable: true) {
            overrides.append(letter)
        }
        let log = kind("log") == .folder ? LogService(runnable: kind("log/run") == .file(executable: true), startsDown: kind("log/down") != nil) : nil
        return Service(name: name, runnable: kind("run") == .file(executable: true), hasFinish: isFile(kind("finish")),
                       startsDown: kind("down") != nil, hasCheck: kind("check") != nil, overrides: overrides, log: log)
    }

    private static func isFile(_ kind: ListedFile.FileKind?) -> Bool {
        if case .file = kind { return true }
        return false
    }

    /// Names in byte order, as Python sorts UTF-8 names and runit's tools list them
    /// (insertion sort: there are few).
    static func sorted(_ names: [[UInt8]]) -> [[UInt8]] {
        var result = names
        for index in result.indices.dropFirst() {
            var position = index
            while position > 0 && result[position].lexicographicallyPrecedes(result[position - 1]) {
                result.swapAt(position, position - 1)
                position -= 1
            }
        }
        return result
    }
}
