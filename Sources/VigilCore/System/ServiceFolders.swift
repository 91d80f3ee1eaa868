import CLinux

/// The image's folders as my_init and runsvdir look at them: listings, with what each entry is
/// after symbolic links, and small files read whole. The pure rules (which entries count, in
/// what order) are `MyInitSettings`, `RunitServiceLayout` and `ContainerEnvironment`.
enum ServiceFolders {
    enum Kind: Equatable {
        case missing, other, file, executable, folder
    }

    /// What `path` is, after symbolic links.
    static func kind(_ path: String) -> Kind {
        switch Int(path.withCString({ clinux_path_kind($0) })) {
        case Int(CLINUX_PATH_FOLDER): return .folder
        case Int(CLINUX_PATH_EXECUTABLE): return .executable
        case Int(CLINUX_PATH_FILE): return .file
        case Int(CLINUX_PATH_OTHER): return .other
        default: return .missing
        }
    }

    /// The names `folder` holds ("." and ".." left out), as listed; nil when it cannot be
    /// listed (missing, not a folder, not readable). At most `limit` names are read.
    static func names(_ folder: String, limit: Int = 10_000) -> [[UInt8]]? {
        var listing: OpaquePointer? = nil
        let result = valueOrErrno { () -> Int32 in
            listing = opendir(folder)
            return listing == nil ? -1 : 0
        }
        guard case .success = result, let listing else { return nil }
        defer { closedir(listing) }
        var names: [[UInt8]] = []
        while names.count < limit, let name = clinux_next_name(listing) {
            names.append(Array(UnsafeBufferPointer(start: UnsafeRawPointer(name).assumingMemoryBound(to: UInt8.self),
                                                   count: strlen(name))))
        }
        return names
    }

    /// `path` with every symbolic link resolved (itself when it cannot be): a service linked
    /// into the services folder keeps its files when the link is removed, as runsv keeps
    /// working in the folder it changed into.
    static func resolved(_ path: String) -> String {
        guard let real = path.withCString({ realpath($0, nil) }) else { return path }
        defer { free(real) }
        return String(cString: real)
    }

    /// The device and inode of what `path` names (after symbolic links): the same folder under
    /// two names has one. Nil when it cannot be looked at.
    static func identity(_ path: String) -> [UInt64]? {
        var info = stat()
        guard case .success = valueOrErrno({ path.withCString { stat($0, &info) } }) else { return nil }
        return [UInt64(info.st_dev), UInt64(info.st_ino)]
    }

    /// `folder/name`, without a second `/` after a folder that ends with one.
    static func join(_ folder: String, _ name: [UInt8]) -> String {
        let separator = folder.utf8.last == UInt8(ascii: "/") ? "" : "/"
        return folder + separator + String(decoding: name, as: UTF8.self)
    }

    /// my_init's scripts of a folder: each name, and whether it is an executable regular file.
    static func scripts(in folder: String) -> [(name: [UInt8], isExecutableFile: Bool)] {
        guard kind(folder) == .folder else { return [] }
        return (names(folder) ?? []).map { ($0, kind(join(folder, $0)) == .executable) }
    }

    /// The services folder's entries, as `RunitServiceLayout.serviceNames` reads them.
    static func serviceEntries(_ directory: String) -> [RunitServiceLayout.ListedFile] {
        (names(directory, limit: RunitServiceLayout.mostServices * 2) ?? []).map {
            RunitServiceLayout.ListedFile(path: String(decoding: $0, as: UTF8.self), kind: listedKind(join(directory, $0)) ?? .other)
        }
    }

    /// A service folder's files that runsv looks at, as `RunitServiceLayout.service` reads them.
    static func serviceFiles(_ folder: String) -> [RunitServiceLayout.ListedFile] {
        var paths = ["run", "finish", "down", "check", "log", "log/run", "log/down", "control"]
        for letter in "12acdhikpqtux".utf8 { paths.append("control/" + String(decoding: [letter], as: UTF8.self)) }
        var files: [RunitServiceLayout.ListedFile] = []
        for path in paths {
            let found = listedKind(folder + "/" + path)
            if let found { files.append(RunitServiceLayout.ListedFile(path: path, kind: found)) }
        }
        return files
    }

    private static func listedKind(_ path: String) -> RunitServiceLayout.ListedFile.FileKind? {
        switch kind(path) {
        case .missing: return nil
        case .folder: return .folder
        case .executable: return .file(executable: true)
        case .file: return .file(executable: false)
        case .other: return .other
        }
    }

    /// The files of `/etc/container_environment` as name and content, every entry counted.
    /// Fails on an entry that is not a regular file, or one that cannot be read.
    static func environmentFiles(_ folder: String, largest: Int) -> Result<[ContainerEnvironment.NameAndValue], SystemError> {
        guard let names = names(folder) else { return .failure(SystemError("opendir " + folder, errno: clinux_errno())) }
        var files: [ContainerEnvironment.NameAndValue] = []
        for name in names {
            let path = join(folder, name)
            guard kind(path) == .file || kind(path) == .executable else { return .failure(SystemError(path, errno: EISDIR)) }
            guard let content = Processes.readFile(path, limit: largest + 1) else {
                return .failure(SystemError("open " + path, errno: clinux_errno()))
            }
            guard content.count <= largest else { return .failure(SystemError("read " + path, errno: EFBIG)) }
            files.append(ContainerEnvironment.NameAndValue(name, content))
        }
        return .success(files)
    }
}
