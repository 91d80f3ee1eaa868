#include "CLinux.h"

#include <linux/nsfs.h>

static int saved_argc;
static char *const *saved_argv;
static char *const *saved_envp;

// glibc passes (argc, argv, envp) to ELF constructors. This works in Embedded Swift, which
// has no CommandLine, and keeps the child's argv as the original bytes.
__attribute__((constructor)) static void clinux_capture_arguments(int argc, char **argv, char **envp) {
    saved_argc = argc;
    saved_argv = argv;
    saved_envp = envp;
}

int clinux_argc(void) { return saved_argc; }
char *const *clinux_argv(void) { return saved_argv; }
char *const *clinux_envp(void) { return saved_envp; }

int clinux_set_child_subreaper(void) { return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); }
int clinux_is_child_subreaper(void) {
    int bit = 0;
    if (prctl(PR_GET_CHILD_SUBREAPER, &bit, 0, 0, 0) != 0) return -1;
    return bit != 0;
}
int clinux_set_parent_death_signal(int sig) { return prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0); }

int clinux_ignore_signal(int sig, int *was_ignored) {
    struct sigaction action = {0}, old = {0};
    action.sa_handler = SIG_IGN;
    sigemptyset(&action.sa_mask);
    if (sigaction(sig, &action, &old) != 0) return -1;
    if (was_ignored) *was_ignored = old.sa_handler == SIG_IGN;
    return 0;
}

#ifndef VIGIL_COMMIT
#define VIGIL_COMMIT "unknown"
#endif
const char *clinux_build_commit(void) { return VIGIL_COMMIT; }

void clinux_sigset_add(sigset_t *set, int sig) {
    unsigned long *words = (unsigned long *)set;
    int bits = 8 * (int)sizeof(unsigned long);
    words[(sig - 1) / bits] |= 1UL << ((sig - 1) % bits);
}

int clinux_signal_is_ignored(int sig) {
    // The kernel's struct sigaction starts with the handler on every architecture.
    void *old[8] = {0};
    if (syscall(SYS_rt_sigaction, sig, NULL, old, _NSIG / 8) != 0) return -1;
    return old[0] == (void *)SIG_IGN;
}

int clinux_set_signal_mask(const sigset_t *set, sigset_t *old) {
    return (int)syscall(SYS_rt_sigprocmask, SIG_SETMASK, set, old, _NSIG / 8);
}

int clinux_sigrtmin(void) { return SIGRTMIN; }
int clinux_sigrtmax(void) { return SIGRTMAX; }

int clinux_pidfd_open(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }
int clinux_pidfd_send_signal(int pidfd, int sig) {
    return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

int clinux_open_read(const char *path) { return open(path, O_RDONLY | O_CLOEXEC); }

pid_t clinux_next_pid_entry(DIR *dir) {
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        const char *name = entry->d_name;
        if (name[0] < '1' || name[0] > '9') continue;
        long pid = 0;
        for (; *name >= '0' && *name <= '9'; name++) pid = pid * 10 + (*name - '0');
        if (*name == '\0' && pid > 0) return (pid_t)pid;
    }
    return 0;
}

ssize_t clinux_write_without_blocking(int fd, const void *bytes, size_t length) {
    struct iovec vector = {(void *)bytes, length};
    ssize_t written;
    do {
        written = pwritev2(fd, &vector, 1, -1, RWF_NOWAIT);
    } while (written < 0 && errno == EINTR);
    if (written >= 0 || (errno != EOPNOTSUPP && errno != EINVAL && errno != ESPIPE)) return written;
    struct pollfd entry = {fd, POLLOUT, 0};
    int ready;
    do {
        ready = poll(&entry, 1, 0);
    } while (ready < 0 && errno == EINTR);
    if (ready <= 0 || !(entry.revents & POLLOUT)) {
        errno = EAGAIN;
        return -1;
    }
    do {
        written = write(fd, bytes, length);
    } while (written < 0 && errno == EINTR);
    return written;
}

int clinux_open_pid_directory(int procfd, pid_t pid) {
    // Written by hand: snprintf would link stdio's formatting into the static binary.
    char name[16];
    char *end = name + sizeof name - 1;
    *end = '\0';
    unsigned long value = pid > 0 ? (unsigned long)pid : 0;
    do {
        *--end = (char)('0' + value % 10);
        value /= 10;
    } while (value > 0);
    return openat(procfd, end, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

int clinux_openat_read(int dirfd, const char *name) { return openat(dirfd, name, O_RDONLY | O_CLOEXEC); }

int clinux_ns_get_parent(int nsfd) { return ioctl(nsfd, NS_GET_PARENT); }

long clinux_clock_ticks(void) { return sysconf(_SC_CLK_TCK); }

int clinux_detach_terminal(int fd) { return ioctl(fd, TIOCNOTTY); }

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
    const char *path = getenv("PATH");
    if (path == NULL || *path == '\0') path = "/bin:/usr/bin";
    size_t file_length = strlen(file);
    int saw_eacces = 0;
    for (const char *dir = path;; dir = strchr(dir, ':') + 1) {
        const char *end = strchr(dir, ':');
        size_t dir_length = end ? (size_t)(end - dir) : strlen(dir);
        char candidate[dir_length + file_length + 2];
        memcpy(candidate, dir_length ? dir : ".", dir_length ? dir_length : 1);
        size_t used = dir_length ? dir_length : 1;
        candidate[used] = '/';
        memcpy(candidate + used + 1, file, file_length + 1);
        execve(candidate, argv, envp);
        switch (errno) {
        case EACCES:
            saw_eacces = 1;
            break;
        case ENOENT: case ENOTDIR: case ESTALE: case ENODEV: case ETIMEDOUT:
            break;
        case ENOEXEC:
            if (fallback) exec_with_shell(candidate, argv, envp);
            return;
        default:
            return;
        }
        if (end == NULL) break;
    }
    if (saw_eacces) errno = EACCES;
}

// vigil is single-threaded, so the forked child is a complete copy and may call these
// functions; it still does nothing but system calls and the PATH search before exec.
static int raw_sigismember(const sigset_t *set, int sig) {
    const unsigned long *words = (const unsigned long *)set;
    int bits = 8 * (int)sizeof(unsigned long);
    return (words[(sig - 1) / bits] >> ((sig - 1) % bits)) & 1;
}

// vigil is single-threaded, so the forked child is a complete copy and may call these
// functions; it still does nothing but system calls and the PATH search before exec.
int clinux_spawn(char *const argv[], char *const envp[], const struct clinux_spawn_options *options, pid_t *pid) {
    int flags = options->flags;
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) return errno;
    pid_t child = fork();
    if (child < 0) {
        int error = errno;
        close(report[0]);
        close(report[1]);
        return error;
    }
    if (child == 0) {
        close(report[0]);
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
        if (options->stdout_fd >= 0 && dup2(options->stdout_fd, STDOUT_FILENO) < 0) error = errno;
        if (!error && options->stderr_fd >= 0 && dup2(options->stderr_fd, STDERR_FILENO) < 0) error = errno;
        if (!error && options->directory && chdir(options->directory) != 0) error = errno;
        if (!error && options->switch_ids) {
            if (setgroups(options->group_count, options->groups) != 0 || setgid(options->gid) != 0 ||
                setuid(options->uid) != 0) {
                error = errno;
            }
        }
        if (!error) {
            sigprocmask(SIG_SETMASK, options->mask, NULL);
            exec_searching_path(argv, envp, flags & CLINUX_SPAWN_SHELL_FALLBACK);
            error = errno;
        }
        ssize_t ignored = write(report[1], &error, sizeof error);
        (void)ignored;
        _exit(127);
    }
    close(report[1]);
    int error = 0;
    ssize_t count;
    do {
        count = read(report[0], &error, sizeof error);
    } while (count < 0 && errno == EINTR);
    close(report[0]);
    if (count == (ssize_t)sizeof error) {
        while (waitpid(child, NULL, 0) < 0 && errno == EINTR) {}
        return error;
    }
    *pid = child;
    return 0;
}

int clinux_tcp_probe(uint32_t address, uint16_t port, int *fd) {
    int probe = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (probe < 0) return -1;
    struct sockaddr_in target;
    memset(&target, 0, sizeof target);
    target.sin_family = AF_INET;
    target.sin_port = htons(port);
    target.sin_addr.s_addr = htonl(address);
    if (connect(probe, (struct sockaddr *)&target, sizeof target) == 0) {
        close(probe);
        return 1;
    }
    if (errno == EINPROGRESS) {
        *fd = probe;
        return 0;
    }
    close(probe);
    return -1;
}

int clinux_tcp_probe_finish(int fd) {
    struct pollfd entry = {fd, POLLOUT, 0};
    if (poll(&entry, 1, 0) == 0) return 0;
    int error = 0;
    socklen_t length = sizeof error;
    int result = getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error == 0 ? 1 : -1;
    close(fd);
    return result;
}

int clinux_notify_socket(const char *name) {
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct sockaddr_un address;
    memset(&address, 0, sizeof address);
    address.sun_family = AF_UNIX;
    size_t length = strlen(name);
    if (length + 1 > sizeof address.sun_path) {
        close(fd);
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(address.sun_path + 1, name, length);
    int on = 1;
    if (bind(fd, (struct sockaddr *)&address, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + length)) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) != 0) {
        int error = errno;
        close(fd);
        errno = error;
        return -1;
    }
    return fd;
}

ssize_t clinux_notify_receive(int fd, char *buffer, size_t size, pid_t *sender) {
    struct iovec vector = {buffer, size};
    char control[CMSG_SPACE(sizeof(struct ucred))];
    struct msghdr message;
    memset(&message, 0, sizeof message);
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    ssize_t length = recvmsg(fd, &message, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (length < 0) return -1;
    *sender = 0;
    for (struct cmsghdr *header = CMSG_FIRSTHDR(&message); header; header = CMSG_NXTHDR(&message, header)) {
        if (header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_CREDENTIALS) {
            struct ucred credentials;
            memcpy(&credentials, CMSG_DATA(header), sizeof credentials);
            *sender = credentials.pid;
        } else if (header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_RIGHTS) {
            // A sender may pass descriptors: close them, vigil takes none.
            int count = (int)((header->cmsg_len - CMSG_LEN(0)) / sizeof(int));
            for (int i = 0; i < count; i++) {
                int passed;
                memcpy(&passed, CMSG_DATA(header) + i * sizeof(int), sizeof passed);
                close(passed);
            }
        }
    }
    return length;
}

static socklen_t abstract_address(struct sockaddr_un *address, const char *name) {
    memset(address, 0, sizeof *address);
    address->sun_family = AF_UNIX;
    size_t length = strlen(name);
    if (length + 1 > sizeof address->sun_path) length = sizeof address->sun_path - 1;
    memcpy(address->sun_path + 1, name, length);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + length);
}

int clinux_control_listen(const char *name, int backlog) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct sockaddr_un address;
    socklen_t length = abstract_address(&address, name);
    if (bind(fd, (struct sockaddr *)&address, length) != 0 || listen(fd, backlog) != 0) {
        int error = errno;
        close(fd);
        errno = error;
        return -1;
    }
    return fd;
}

int clinux_control_accept(int fd, uid_t *uid, pid_t *pid) {
    int client = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (client < 0) return -1;
    struct ucred credentials;
    socklen_t length = sizeof credentials;
    if (getsockopt(client, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) {
        int error = errno;
        close(client);
        errno = error;
        return -1;
    }
    *uid = credentials.uid;
    *pid = credentials.pid;
    return client;
}

int clinux_control_connect(const char *name, int timeout_ms) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct timeval timeout = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    struct sockaddr_un address;
    socklen_t length = abstract_address(&address, name);
    if (connect(fd, (struct sockaddr *)&address, length) != 0) {
        int error = errno;
        close(fd);
        errno = error;
        return -1;
    }
    return fd;
}

int clinux_output_pipe(int fds[2]) {
    if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return -1;
    int flags = fcntl(fds[1], F_GETFL);
    if (flags < 0 || fcntl(fds[1], F_SETFL, flags & ~O_NONBLOCK) != 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    return 0;
}

// glibc's startup code names __assert_fail; its own version prints through gettext and stdio,
// which links message catalogues and its formatted printing (about 30 kB) into a
// static binary that never uses them. This one says the same with write(2), then aborts.
void __assert_fail(const char *assertion, const char *file, unsigned int line, const char *function) {
    (void)line;
    const char *parts[] = {"vigil: internal assertion failed: ", assertion, " (", file, ", ", function, ")\n"};
    for (unsigned i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        const char *part = parts[i] ? parts[i] : "?";
        ssize_t ignored = write(STDERR_FILENO, part, strlen(part));
        (void)ignored;
    }
    abort();
}

