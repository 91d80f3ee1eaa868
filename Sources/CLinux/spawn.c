// The fork-based spawn: what the child does between fork and exec, and the PATH search.

#include "CLinux.h"

#include <sched.h>
#include <sys/mman.h>

int clinux_spawn_add_tcsetpgrp(posix_spawn_file_actions_t *actions, int fd) {
#ifdef __GLIBC__
    return posix_spawn_file_actions_addtcsetpgrp_np(actions, fd);
#else
    (void)actions;
    (void)fd;
    return ENOSYS;
#endif
}

// Runs `path` through /bin/sh, as execvp does for a file that is not an executable format.
static void exec_with_shell(const char *path, char *const argv[], char *const envp[]) {
    int count = 0;
    while (argv[count] != NULL) count++;
    char *shell_argv[count + 2];
    shell_argv[0] = (char *)"/bin/sh";
    shell_argv[1] = (char *)path;
    for (int i = 1; i <= count; i++) shell_argv[i + 1] = argv[i];
    execve("/bin/sh", shell_argv, envp);
}

// execvp's walk of PATH: `try_candidate` gets each directory joined with `file`, in order,
// and returns 1 to stop there or 0 to go on. Returns 1 when one stopped it.
static int walk_path(const char *file, int (*try_candidate)(const char *candidate, void *context), void *context) {
    const char *path = getenv("PATH");
    if (path == NULL || *path == '\0') path = "/bin:/usr/bin";
    size_t file_length = strlen(file);
    for (const char *dir = path;; dir = strchr(dir, ':') + 1) {
        const char *end = strchr(dir, ':');
        size_t dir_length = end ? (size_t)(end - dir) : strlen(dir);
        char candidate[dir_length + file_length + 2];
        memcpy(candidate, dir_length ? dir : ".", dir_length ? dir_length : 1);
        size_t used = dir_length ? dir_length : 1;
        candidate[used] = '/';
        memcpy(candidate + used + 1, file, file_length + 1);
        if (try_candidate(candidate, context)) return 1;
        if (end == NULL) return 0;
    }
}

struct exec_search {
    char *const *argv;
    char *const *envp;
    int fallback;
    int saw_eacces;
};

// One exec of the search, with execvp's errno rules: which failures go on to the next.
static int try_exec(const char *candidate, void *context) {
    struct exec_search *search = context;
    execve(candidate, search->argv, search->envp);
    switch (errno) {
    case EACCES:
        search->saw_eacces = 1;
        return 0;
    case ENOENT: case ENOTDIR: case ESTALE: case ENODEV: case ETIMEDOUT:
        return 0;
    case ENOEXEC:
        if (search->fallback) exec_with_shell(candidate, search->argv, search->envp);
        return 1;
    default:
        return 1;
    }
}

// execvp's PATH search (the same errno rules), with the shell fallback only when asked.
static void exec_searching_path(char *const argv[], char *const envp[], int fallback) {
    const char *file = argv[0];
    if (*file == '\0') {
        errno = ENOENT;
        return;
    }
    if (strchr(file, '/') != NULL) {
        execve(file, argv, envp);
        if (errno == ENOEXEC && fallback) exec_with_shell(file, argv, envp);
        return;
    }
    struct exec_search search = {argv, envp, fallback, 0};
    if (!walk_path(file, try_exec, &search) && search.saw_eacces) errno = EACCES;
}

// sigismember on the raw bits, in the child between fork and exec.
static int raw_sigismember(const sigset_t *set, int sig) {
    const unsigned long *words = (const unsigned long *)set;
    int bits = 8 * (int)sizeof(unsigned long);
    return (words[(sig - 1) / bits] >> ((sig - 1) % bits)) & 1;
}

// A candidate of find_executable's walk: a file that is not a folder, runnable or not.
static int try_executable(const char *candidate, void *context) {
    int *error = context;
    struct stat info;
    if (stat(candidate, &info) != 0 || S_ISDIR(info.st_mode)) return 0;
    if (access(candidate, X_OK) == 0) {
        *error = 0;
        return 1;
    }
    *error = EACCES;
    return 0;
}

// Whether execvp would find an executable for argv[0]: 0, or the errno it would fail with.
// What the child of a spawn that does not wait can no longer report (CLINUX_SPAWN_NO_WAIT).
static int find_executable(const char *file) {
    if (*file == '\0') return ENOENT;
    if (strchr(file, '/') != NULL) return access(file, X_OK) == 0 ? 0 : errno;
    int error = ENOENT;
    walk_path(file, try_executable, &error);
    return error;
}

// `value` in decimal, in `buffer` (snprintf is not async-signal-safe).
static const char *decimal(char *buffer, size_t size, unsigned long value) {
    char *end = buffer + size - 1;
    *end = '\0';
    do {
        *--end = (char)('0' + value % 10);
        value /= 10;
    } while (value != 0 && end > buffer);
    return end;
}

// The child of a spawn that does not wait says itself what failed: "vigil: cannot run
// FILE: REASON", or "cannot enter DIRECTORY", "cannot switch to user ID".
static void report_failure(const char *what, const char *subject, int error) {
    const char *parts[] = {"vigil: cannot ", what, subject, ": ", clinux_error_text(error), "\n"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        size_t length = strlen(parts[i]);
        while (length > 0) {
            ssize_t written = write(STDERR_FILENO, parts[i], length);
            if (written <= 0) return;
            parts[i] += written;
            length -= (size_t)written;
        }
    }
}

// vigil is single-threaded, so the forked child is a complete copy and may call these
// functions; it still does nothing but system calls and the PATH search before exec.
int clinux_spawn(char *const argv[], char *const envp[], const struct clinux_spawn_options *options, pid_t *pid) {
    int flags = options->flags;
    // The child reports a failed step or exec in a shared page rather than a pipe, so that it
    // starts even when every descriptor is in use (musl's posix_spawn needs a pipe, and fails
    // with EMFILE: Spawner comes here then). CLONE_VFORK: vigil goes on only once the child
    // has exec'd or exited, so the page holds its answer by then; without CLONE_VM the child
    // is a copy, as after fork.
    int waits = !(flags & CLINUX_SPAWN_NO_WAIT);
    // A relative name is looked for from the directory the child enters: the child says then.
    if (!waits && (options->directory == NULL || argv[0][0] == '/' || strchr(argv[0], '/') == NULL)) {
        int missing = find_executable(argv[0]);
        if (missing) return missing;
    }
    int *report = waits ? mmap(NULL, sizeof(int), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0) : NULL;
    if (report == MAP_FAILED) return errno;
    if (report) *report = 0;
    pid_t child = (pid_t)syscall(SYS_clone, (long)(waits ? CLONE_VFORK | SIGCHLD : SIGCHLD), 0L, 0L, 0L, 0L);
    if (child < 0) {
        int error = errno;
        if (report) munmap(report, sizeof(int));
        return error;
    }
    if (child == 0) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = SIG_DFL;
        for (int sig = 1; sig < NSIG; sig++) {
            if (raw_sigismember(options->defaults, sig)) sigaction(sig, &action, NULL);
        }
        if (flags & CLINUX_SPAWN_GROUP) setpgid(0, 0);
        if (flags & CLINUX_SPAWN_FOREGROUND) tcsetpgrp(STDIN_FILENO, getpgrp());
        if (flags & CLINUX_SPAWN_SESSION) {
            setsid();
            // Fails harmlessly when stdin is no terminal or another session still owns it.
            ioctl(STDIN_FILENO, TIOCSCTTY, 0);
        }
        int error = 0;
        const char *what = "run ", *subject = argv[0];
        char id[24];
        if (options->stdin_fd >= 0 && dup2(options->stdin_fd, STDIN_FILENO) < 0) error = errno;
        if (!error && options->stdout_fd >= 0 && dup2(options->stdout_fd, STDOUT_FILENO) < 0) error = errno;
        if (!error && options->stderr_fd >= 0 && dup2(options->stderr_fd, STDERR_FILENO) < 0) error = errno;
        if (!error && options->directory && chdir(options->directory) != 0) {
            error = errno;
            what = "enter ";
            subject = options->directory;
        }
        if (!error && options->switch_ids) {
            if (setgroups(options->group_count, options->groups) != 0 || setgid(options->gid) != 0 ||
                setuid(options->uid) != 0) {
                error = errno;
                what = "switch to user ";
                subject = decimal(id, sizeof id, options->uid);
            }
        }
        if (!error) {
            // umask(2) cannot fail, and no step above creates a file.
            if (options->umask >= 0) umask((mode_t)options->umask);
            sigprocmask(SIG_SETMASK, options->mask, NULL);
            exec_searching_path(argv, envp, flags & CLINUX_SPAWN_SHELL_FALLBACK);
            error = errno;
        }
        if (!error) error = EIO;
        if (!report) {
            report_failure(what, subject, error);
            _exit(error == ENOENT ? 127 : 126);
        }
        *report = error;
        _exit(127);
    }
    if (!report) {
        *pid = child;
        return 0;
    }
    int error = *report;
    munmap(report, sizeof(int));
    if (error != 0) {
        while (waitpid(child, NULL, 0) < 0 && errno == EINTR) {}
        return error;
    }
    *pid = child;
    return 0;
}

int clinux_exec_path(char *const argv[], char *const envp[]) {
    exec_searching_path(argv, envp, 0);
    return -1;
}
