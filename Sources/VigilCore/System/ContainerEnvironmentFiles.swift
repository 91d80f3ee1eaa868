import CLinux

/// my_init's `/etc/container_environment`, read and written: the environment every child gets
/// from then on is replaced (vigil's own is left as it was), and the folder and the two dumps
/// are written as my_init writes them (`ContainerEnvironment`). Nothing happens when the folder
/// does not exist, as with my_init. A file keeps its mode when it is rewritten; a new one is
/// made 0644 (less the umask), as Python's `open` makes it.
enum ContainerEnvironmentFiles {
    /// A value file larger than this is refused.
    static let largestFile = 1 << 20

    /// At the start: the folder's variables that the environment lacks are added, then the
    /// environment is written back to the folder and to the dumps. The vector made then lives
    /// as long as vigil.
    static func importAtStart() -> LogText? {
        var kept: InstalledEnvironment? = nil
        return importing(replacing: false, installed: &kept)
    }

    /// After a startup file: the environment becomes the folder's, and the dumps say so.
    /// `installed`: the vector the last import made, freed once replaced.
    static func reimport(_ installed: inout InstalledEnvironment?) -> LogText? {
        importing(replacing: true, installed: &installed)
    }

    private static func importing(replacing: Bool, installed: inout InstalledEnvironment?) -> LogText? {
        let folder = ContainerEnvironment.directory
        guard ServiceFolders.kind(folder) == .folder else { return nil }
        let variables: [ContainerEnvironment.NameAndValue]
        switch ServiceFolders.environmentFiles(folder, largest: largestFile) {
        case .failure(let error): return "\(error.description)"
        case .success(let files):
            do {
                variables = try ContainerEnvironment.imported(files)
            } catch {
                return error.text
            }
        }
        let environment = ContainerEnvironment.merged(current(), with: variables, replacing: replacing)
        let previous = installed
        installed = install(environment)
        previous?.free()
        var writes: [(String, [UInt8])] = []
        if !replacing {
            for variable in ContainerEnvironment.exportedFiles(environment) {
                writes.append((ServiceFolders.join(folder, variable.name), variable.value))
            }
        }
        writes.append((ContainerEnvironment.shellDump, ContainerEnvironment.shellScript(environment)))
        writes.append((ContainerEnvironment.jsonDump, ContainerEnvironment.json(environment)))
        for (path, bytes) in writes {
            if let error = write(path, bytes) { return "\(error.description)" }
        }
        return nil
    }

    /// The environment children get now, in order.
    static func current() -> [ContainerEnvironment.NameAndValue] {
        var variables: [ContainerEnvironment.NameAndValue] = []
        var entry = clinux_envp()
        while let pointer = entry?.pointee {
            let bytes = Array(UnsafeBufferPointer(start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self),
                                                  count: strlen(pointer)))
            if let equals = bytes.firstIndex(of: UInt8(ascii: "=")) {
                variables.append(ContainerEnvironment.NameAndValue(Array(bytes[..<equals]), Array(bytes[(equals + 1)...])))
            }
            entry = entry?.advanced(by: 1)
        }
        return variables
    }

    /// Makes `environment` the one children get, byte for byte: a vector that lives until the
    /// next one replaces it (its owner frees it then).
    private static func install(_ environment: [ContainerEnvironment.NameAndValue]) -> InstalledEnvironment {
        let vector = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: environment.count + 1)
        for (index, variable) in environment.enumerated() {
            let bytes = variable.name + [UInt8(ascii: "=")] + variable.value + [0]
            let entry = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
            bytes.withUnsafeBytes { raw in UnsafeMutableRawPointer(entry).copyMemory(from: raw.baseAddress!, byteCount: bytes.count) }
            vector[index] = entry
        }
        vector[environment.count] = nil
        clinux_set_envp(vector)
        return InstalledEnvironment(vector: vector)
    }

    private static func write(_ path: String, _ bytes: [UInt8]) -> SystemError? {
        let opened = systemCall("open " + path) {
            path.withCString { clinux_open_mode($0, O_WRONLY | O_TRUNC | O_CREAT | O_NOCTTY, 0o666) }
        }
        guard case .success(let fd) = opened else {
            if case .failure(let error) = opened { return error }
            return nil
        }
        defer { closeDescriptor(fd) }
        var offset = 0
        while offset < bytes.count {
            let result = bytes.withUnsafeBytes { raw in valueOrErrno { CLinux.write(fd, raw.baseAddress! + offset, raw.count - offset) } }
            guard case .success(let count) = result, count > 0 else { return SystemError("write " + path, errno: EIO) }
            offset += count
        }
        return nil
    }
}

/// An environment vector vigil made and installed for its children.
struct InstalledEnvironment {
    let vector: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>

    func free() {
        var index = 0
        while let entry = vector[index] {
            entry.deallocate()
            index += 1
        }
        vector.deallocate()
    }
}
