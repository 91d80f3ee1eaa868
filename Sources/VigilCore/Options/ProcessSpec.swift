/// One process vigil supervises besides the main command: an init task, a sidecar or a
/// scheduled task, as the command line (`--init`, `--sidecar`, `--task` and the per-process
/// flags), a crontab or the configuration file describes it. The main process has one too (named `main`), for its own settings.
struct ProcessSpec: Equatable {
    enum Kind: Equatable {
        /// Runs to completion, in order, before anything else.
        case initTask
        /// Long-running, restarted, started in order and ready before the next.
        case sidecar
        /// The command after `--`: its exit ends the container.
        case main
        /// Started on a schedule (`TaskSettings`), each run in its own process group.
        case task
    }

    enum Restart: Equatable {
        case always, onFailure, never
    }

    /// The settings, behind one reference: a spec travels in every start action and in each
    /// supervised process's state, and copying it is then one retain, not one per field (the
    /// Embedded binary is kilobytes smaller). Written through the accessors below, copy on write.
    struct Fields: Equatable {
        var name: String
        var kind: Kind
        /// The exact argv. Empty for the main process (its argv is the command line's).
        var command: [String]
        var restart = Restart.always
        /// Restarts back off from `backoff`, doubling to `backoffMax`; a process that ran
        /// `backoffReset` starts again from `backoff`.
        var backoff: Int64 = 1 * Durations.second
        var backoffMax: Int64 = 30 * Durations.second
        var backoffReset: Int64 = 60 * Durations.second
        /// At most this many restarts, then it stays down (nil: no limit).
        var maxRestarts: Int? = nil
        /// Its stopping for good stops the container.
        var required = false
        var readiness: Readiness? = nil
        /// How long a readiness check may take before the start counts as failed.
        var startTimeout: Int64 = 60 * Durations.second
        /// How long one attempt of an exec or tcp check may take; then it is given up (its
        /// process group SIGKILLed) and counts as failed, and the next attempt follows.
        var readyTimeout: Int64 = 10 * Durations.second
        /// Sent to stop it (nil: the global stop signal).
        var stopSignal: Int32? = nil
        /// Its share of the grace period (nil: all that is left).
        var grace: Int64? = nil
        /// Added to vigil's environment, in order; a later entry wins.
        var environment: [String] = []
        var workingDirectory: String? = nil
        /// `USER[:GROUP]` as given; resolved into `identity` from the image's account files
        /// before anything starts.
        var user: String? = nil
        /// Where `user` was set (the flag, or the file's line and column), for its error.
        var userPlace = "--user"
        var identity: Identity? = nil
        /// Relay its output line by line with a `name | ` prefix.
        var prefixOutput = false
        /// What it waits for before it starts (nil: the start order decides).
        var after: [Dependency]? = nil
        /// Where `after` was set, for the errors about the graph.
        var afterPlace = "--after"
        /// Checked every `livePeriod` once it is ready (or started), each attempt bounded by
        /// `liveTimeout`; `liveFailures` failed attempts in a row stop it.
        var liveness: Readiness? = nil
        var livePeriod: Int64 = 10 * Durations.second
        var liveTimeout: Int64 = 1 * Durations.second
        var liveFailures = 3
        /// Environment files in Docker's `--env-file` format, read into `environment` (before its
        /// own entries) before anything starts; each with where it was named, for its errors.
        var environmentFiles: [NamedFile] = []
        /// A scheduled task's schedule, zone and limits.
        var task = TaskSettings()
        /// supervisord's states and rules, instead of `restart`, `readiness` and the backoffs.
        var supervisord: SupervisordRule? = nil
        /// my_init's startup file: `/etc/container_environment` is read again once it succeeded.
        var importsContainerEnvironment = false
        /// The prefix of its relayed lines (nil: `name | `); honcho's are padded to the longest.
        var outputPrefix: String? = nil
        /// Its stop signal, and its SIGKILL, go to its process group (false: to the process
        /// alone). supervisord's rule decides instead where there is one; a recovery keeps them.
        var stopsGroup = true
        var killsGroup = true
    }

    private final class Storage {
        var fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private var storage: Storage

    /// A file a setting names, and where it was named (the flag, or the file's line and column).
    struct NamedFile: Equatable {
        var path: String
        var place: String
    }

    init(name: String, kind: Kind, command: [String]) {
        storage = Storage(Fields(name: name, kind: kind, command: command))
    }

    static func == (left: ProcessSpec, right: ProcessSpec) -> Bool {
        left.storage === right.storage || left.storage.fields == right.storage.fields
    }

    /// The storage, copied first when another spec shares it.
    @inline(never)
    private mutating func writable() -> Storage {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.fields) }
        return storage
    }
}

extension ProcessSpec {
    var name: String {
        get { storage.fields.name }
        set { writable().fields.name = newValue }
    }

    var kind: Kind {
        get { storage.fields.kind }
        set { writable().fields.kind = newValue }
    }

    var command: [String] {
        get { storage.fields.command }
        set { writable().fields.command = newValue }
    }

    var restart: Restart {
        get { storage.fields.restart }
        set { writable().fields.restart = newValue }
    }

    var backoff: Int64 {
        get { storage.fields.backoff }
        set { writable().fields.backoff = newValue }
    }

    var backoffMax: Int64 {
        get { storage.fields.backoffMax }
        set { writable().fields.backoffMax = newValue }
    }

    var backoffReset: Int64 {
        get { storage.fields.backoffReset }
        set { writable().fields.backoffReset = newValue }
    }

    var maxRestarts: Int? {
        get { storage.fields.maxRestarts }
        set { writable().fields.maxRestarts = newValue }
    }

    var required: Bool {
        get { storage.fields.required }
        set { writable().fields.required = newValue }
    }

    var readiness: Readiness? {
        get { storage.fields.readiness }
        set { writable().fields.readiness = newValue }
    }

    var startTimeout: Int64 {
        get { storage.fields.startTimeout }
        set { writable().fields.startTimeout = newValue }
    }

    var readyTimeout: Int64 {
        get { storage.fields.readyTimeout }
        set { writable().fields.readyTimeout = newValue }
    }

    var stopSignal: Int32? {
        get { storage.fields.stopSignal }
        set { writable().fields.stopSignal = newValue }
    }

    var grace: Int64? {
        get { storage.fields.grace }
        set { writable().fields.grace = newValue }
    }

    var stopsGroup: Bool {
        get { storage.fields.stopsGroup }
        set { writable().fields.stopsGroup = newValue }
    }

    var killsGroup: Bool {
        get { storage.fields.killsGroup }
        set { writable().fields.killsGroup = newValue }
    }

    var environment: [String] {
        get { storage.fields.environment }
        set { writable().fields.environment = newValue }
    }

    var workingDirectory: String? {
        get { storage.fields.workingDirectory }
        set { writable().fields.workingDirectory = newValue }
    }

    var user: String? {
        get { storage.fields.user }
        set { writable().fields.user = newValue }
    }

    var userPlace: String {
        get { storage.fields.userPlace }
        set { writable().fields.userPlace = newValue }
    }

    var identity: Identity? {
        get { storage.fields.identity }
        set { writable().fields.identity = newValue }
    }

    var prefixOutput: Bool {
        get { storage.fields.prefixOutput }
        set { writable().fields.prefixOutput = newValue }
    }

    var after: [Dependency]? {
        get { storage.fields.after }
        set { writable().fields.after = newValue }
    }

    var afterPlace: String {
        get { storage.fields.afterPlace }
        set { writable().fields.afterPlace = newValue }
    }

    var liveness: Readiness? {
        get { storage.fields.liveness }
        set { writable().fields.liveness = newValue }
    }

    var livePeriod: Int64 {
        get { storage.fields.livePeriod }
        set { writable().fields.livePeriod = newValue }
    }

    var liveTimeout: Int64 {
        get { storage.fields.liveTimeout }
        set { writable().fields.liveTimeout = newValue }
    }

    var liveFailures: Int {
        get { storage.fields.liveFailures }
        set { writable().fields.liveFailures = newValue }
    }

    var environmentFiles: [NamedFile] {
        get { storage.fields.environmentFiles }
        set { writable().fields.environmentFiles = newValue }
    }

    var task: TaskSettings {
        get { storage.fields.task }
        set { writable().fields.task = newValue }
    }
    var importsContainerEnvironment: Bool {
        get { storage.fields.importsContainerEnvironment }
        set { writable().fields.importsContainerEnvironment = newValue }
    }
    var outputPrefix: String? {
        get { storage.fields.outputPrefix }
        set { writable().fields.outputPrefix = newValue }
    }

    var supervisord: SupervisordRule? { get { storage.fields.supervisord } set { writable().fields.supervisord = newValue } }
}
