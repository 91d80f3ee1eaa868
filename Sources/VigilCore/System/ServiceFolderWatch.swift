import CLinux

/// An inotify watch on the services folder, for runsvdir's rescan without polling: readable
/// when an entry is created, deleted or moved in or out (a service folder or the symbolic link
/// to one), or when the folder itself goes. vigil sleeps while nothing changes.
final class ServiceFolderWatch {
    let fd: Int32

    private init(fd: Int32) {
        self.fd = fd
    }

    /// Watches `directory` (after symbolic links); fails where inotify is missing or its
    /// limits are reached, or the folder is not there.
    static func open(_ directory: String) -> Result<ServiceFolderWatch, SystemError> {
        let fd: Int32
        switch systemCall("inotify_init1", { inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC)) }) {
        case .success(let created): fd = created
        case .failure(let error): return .failure(error)
        }
        let mask = UInt32(IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)
        if let error = systemCallError("inotify_add_watch " + directory, { directory.withCString { inotify_add_watch(fd, $0, mask) } }) {
            closeDescriptor(fd)
            return .failure(error)
        }
        return .success(ServiceFolderWatch(fd: fd))
    }

    /// Everything queued, read and summed up (nothing when nothing was there).
    func drain() -> InotifyEvents {
        var summary = InotifyEvents()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let result = buffer.withUnsafeMutableBytes { raw in valueOrErrno { read(fd, raw.baseAddress, raw.count) } }
            guard case .success(let count) = result, count > 0 else { return summary }
            let events = InotifyEvents.parse(buffer[0..<count])
            summary.changed = summary.changed || events.changed
            summary.watchGone = summary.watchGone || events.watchGone
        }
    }

    func close() {
        closeDescriptor(fd)
    }
}
