/// runit's services and my_init's shutdown folders, as the my_init personality asks for them
/// (`Configuration.runit`): the services folder is read once the startup files have run, as
/// my_init starts runsvdir then; the shutdown scripts are listed before anything starts.
struct RunitSettings: Equatable {
    /// The services folder (`/etc/service`).
    var directory: String
    /// How long each service, and each shutdown script, has to stop before SIGKILL
    /// (`KILL_PROCESS_TIMEOUT`).
    var stopTimeout: Int64
    /// my_init's `/etc/my_init.pre_shutdown.d` and `/etc/my_init.post_shutdown.d`, in order.
    var preShutdown: [String] = []
    var postShutdown: [String] = []

    init(directory: String, stopTimeout: Int64, preShutdown: [String] = [], postShutdown: [String] = []) {
        self.directory = directory
        self.stopTimeout = stopTimeout
        self.preShutdown = preShutdown
        self.postShutdown = postShutdown
    }
}
