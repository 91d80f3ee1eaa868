// The libc surface vigil uses, in one place. Swift cannot import some of it directly:
// variadic functions (prctl, ioctl, syscall), function-like macros (errno, SIG_IGN),
// and declarations hidden behind _GNU_SOURCE. An Embedded Swift build has no Glibc module.
#ifndef CLINUX_H
#define CLINUX_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <grp.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "CLinuxFault.h"

/// The process's argc, argv and envp exactly as the kernel passed them (captured before main).
int clinux_argc(void);
char *const *clinux_argv(void);
char *const *clinux_envp(void);
/// Replaces what clinux_envp returns: the environment children get (my_init's
/// /etc/container_environment). The vector must outlive every later use.
void clinux_set_envp(char *const *envp);

static inline int clinux_errno(void) { return errno; }

/// prctl(PR_SET_CHILD_SUBREAPER, 1). Returns 0 or -1 with errno set.
int clinux_set_child_subreaper(void);
/// prctl(PR_GET_CHILD_SUBREAPER): 1 when registered (the bit survives exec), 0 when not, -1
/// with errno set.
int clinux_is_child_subreaper(void);
/// prctl(PR_SET_PDEATHSIG, sig). Returns 0 or -1 with errno set.
int clinux_set_parent_death_signal(int sig);
/// The process's name (comm, as ps shows it) from `name`'s last path component, cut at 15
/// bytes: after an exec of /proc/self/exe it would read "exe".
int clinux_set_process_name(const char *name);

/// Sets the disposition of `sig` to SIG_IGN. `was_ignored` (may be NULL) tells whether it
/// already was. Returns 0 or -1 with errno set.
int clinux_ignore_signal(int sig, int *was_ignored);

/// Adds `sig` to `set` by its bit. glibc's sigaddset refuses the two signals it keeps for
/// itself (32 and 33); the kernel takes them like any other.
void clinux_sigset_add(sigset_t *set, int sig);
/// Whether `sig` is ignored (SIG_IGN), asked of the kernel directly so that glibc's own
/// signals can be asked too: 1, 0, or -1 with errno set.
int clinux_signal_is_ignored(int sig);
/// rt_sigprocmask(SIG_SETMASK) with the whole set, glibc's own signals included; `old` may
/// be NULL. Returns 0 or -1 with errno set.
int clinux_set_signal_mask(const sigset_t *set, sigset_t *old);

/// Sets every signal in `set`, 1 to 64, by its bits: sigfillset leaves out those the C
/// library keeps for itself (glibc 32 and 33, musl 32 to 34).
void clinux_sigset_fill(sigset_t *set);

/// Whether posix_spawn makes the C library's own signals (32, 33) SIG_IGN in the child unless
/// they are in its SETSIGDEF set: glibc's does, musl's leaves them as they are.
int clinux_spawn_ignores_reserved_signals(void);

/// The realtime signal range as Docker, the kernel's documentation and glibc programs number
/// it: 34 to 64, whatever the C library vigil is linked with calls SIGRTMIN (musl says 35).
int clinux_sigrtmin(void);
int clinux_sigrtmax(void);

/// The sender's PID in a siginfo_t (glibc and musl name the union differently).
pid_t clinux_siginfo_pid(const siginfo_t *info);

/// strerror's text for an errno value and strsignal's for a signal, as glibc words them on
/// every C library; NULL when there is none (realtime signals, unknown values).
const char *clinux_error_text(int errnum);
const char *clinux_signal_text(int sig);

/// Adds to `actions` "make the child's process group the foreground group of the terminal on
/// `fd`" (glibc's posix_spawn_file_actions_addtcsetpgrp_np). Returns 0, or ENOSYS where the C
/// library cannot (musl): the caller then uses clinux_spawn.
int clinux_spawn_add_tcsetpgrp(posix_spawn_file_actions_t *actions, int fd);

/// pidfd_open(2) and pidfd_send_signal(2), through syscall(2).
int clinux_pidfd_open(pid_t pid);
int clinux_pidfd_send_signal(int pidfd, int sig);

/// open(path, O_RDONLY | O_CLOEXEC): open(2) is variadic.
int clinux_open_read(const char *path);

/// The next name a folder listing holds, "." and ".." left out; NULL at the end.
const char *clinux_next_name(DIR *dir);
/// What `path` is, after symbolic links: -1 (errno set) when it cannot be looked at.
enum {
    CLINUX_PATH_OTHER = 0,
    CLINUX_PATH_FILE = 1,
    /// A regular file vigil may execute (access(2) X_OK).
    CLINUX_PATH_EXECUTABLE = 2,
    CLINUX_PATH_FOLDER = 3,
};
int clinux_path_kind(const char *path);
/// rename(2), declared in stdio.h, which vigil's Swift does not import.
int clinux_rename(const char *from, const char *to);
/// open(path, flags | O_CLOEXEC, mode): open(2) is variadic.
int clinux_open_mode(const char *path, int flags, unsigned mode);
/// openat(dirfd, name, flags | O_CLOEXEC, mode), and renameat(2) within one folder: a folder
/// known by its descriptor, wherever it was moved since.
int clinux_openat_mode(int dirfd, const char *name, int flags, unsigned mode);
int clinux_renameat(int dirfd, const char *from, const char *to);
/// clinux_spawn flags.
enum {
    /// setsid(), then take stdin's terminal as the controlling terminal (TIOCSCTTY).
    CLINUX_SPAWN_SESSION = 1,
    /// Like execvp: run a file that is not an executable format through /bin/sh.
    CLINUX_SPAWN_SHELL_FALLBACK = 2,
    /// setpgid(0, 0): a process group of its own.
    CLINUX_SPAWN_GROUP = 4,
    /// Make that group the foreground group of stdin's terminal (signals are still blocked,
    /// so no SIGTTOU).
    CLINUX_SPAWN_FOREGROUND = 8,
    /// Plain fork: return as soon as the child exists, without waiting for its exec (no
    /// sleep in vigil). The caller checks first that argv[0] names an executable
    /// (clinux_spawn does, and fails with that errno); a step or exec that still fails is
    /// written by the child to its stderr, which then exits 127 (126: found, not runnable).
    CLINUX_SPAWN_NO_WAIT = 16,
};

/// What the child does before exec, besides what `flags` says.
struct clinux_spawn_options {
    /// CLINUX_SPAWN_* flags.
    int flags;
    /// Reset to SIG_DFL in the child.
    const sigset_t *defaults;
    /// The child's signal mask.
    const sigset_t *mask;
    /// chdir here first (NULL: stay).
    const char *directory;
    /// Switch to these ids (setgroups, setgid, setuid) when `switch_ids` is set.
    int switch_ids;
    uid_t uid;
    gid_t gid;
    size_t group_count;
    const gid_t *groups;
    /// Descriptors to make stdout and stderr (-1: keep).
    int stdout_fd;
    int stderr_fd;
    /// The descriptor to make stdin (-1: keep).
    int stdin_fd;
    /// The file mode creation mask to set just before exec (-1: keep vigil's).
    int umask;
};

/// Replaces the process with argv[0], found as execvp(3) finds it (PATH, else
/// /bin:/usr/bin), with `envp`, and no /bin/sh fallback for a file that is not a program
/// (as Python's os.execvp). Returns -1 with errno when nothing could run.
int clinux_exec_path(char *const argv[], char *const envp[]);

/// Starts `argv` in a child, searching PATH for argv[0], after the steps `options` asks for.
/// Returns 0 and the child's PID, or the errno of the failure (fork's, or that of the step
/// or exec that failed, as reported by the child over a close-on-exec pipe).
int clinux_spawn(char *const argv[], char *const envp[], const struct clinux_spawn_options *options, pid_t *pid);

/// A non-blocking, close-on-exec TCP socket connecting to `address` (4 bytes for `family` 4,
/// 16 for 6, network order) and `port`: the descriptor, connected or still connecting (poll it
/// for POLLOUT), or -1 with errno set when the connection failed at once.
// An IPv4 (family 4, 4 bytes) or IPv6 (family 6, 16 bytes) address and port as a sockaddr;
// returns its length. Shared by the checks' and supervisorctl's TCP connects.
socklen_t clinux_ip_target(int family, const uint8_t *address, uint16_t port, struct sockaddr_storage *target);
int clinux_probe_connect(int family, const uint8_t *address, uint16_t port);
/// The socket's pending error (SO_ERROR): 0 when its connection succeeded, or -1 with errno set.
int clinux_socket_error(int fd);
/// send(2) without blocking and without SIGPIPE.
ssize_t clinux_send_without_signal(int fd, const void *bytes, size_t length);
/// open(path, O_WRONLY | O_TRUNC | O_NONBLOCK | O_NOCTTY | O_CLOEXEC), with O_CREAT (mode 0644)
/// when `create`: open(2) is variadic. Returns the descriptor or -1 with errno set.
int clinux_open_for_writing(const char *path, int create);

/// A non-blocking datagram socket bound to the abstract address `name` (without its leading
/// NUL), or to one the kernel picks when `name` is taken or too long, that receives its
/// senders' credentials. Writes the name it got into `bound` (`size` bytes, NUL-terminated).
/// Returns the descriptor or -1.
int clinux_notify_socket(const char *name, char *bound, size_t size);
/// Reads one datagram into `buffer`, with the sender's PID. Returns its length, or -1 (EAGAIN
/// when there is none).
ssize_t clinux_notify_receive(int fd, char *buffer, size_t size, pid_t *sender);

/// A non-blocking stream socket listening on the abstract address `name` (backlog
/// `backlog`). Returns the descriptor or -1.
int clinux_control_listen(const char *name, int backlog);
/// The signal a listening control socket raises on a new connection: SIGRTMAX (queued,
/// with si_code POLL_IN, which no kill(2) or sigqueue(3) from another process can carry).
int clinux_connection_signal(void);
/// Makes the listening socket `fd` raise `signal` at vigil when a client connects
/// (F_SETOWN, F_SETSIG, O_ASYNC). Returns 0 or -1.
int clinux_signal_connections(int fd, int signal);
/// Accepts one connection, non-blocking and close-on-exec, with the peer's uid and pid
/// (SO_PEERCRED). Returns the descriptor, or -1 (EAGAIN when none is waiting).
int clinux_control_accept(int fd, uid_t *uid, pid_t *pid);
/// Connects to the abstract address `name`, with sends and receives that give up after
/// `timeout_ms`. Returns the descriptor or -1.
int clinux_control_connect(const char *name, int timeout_ms);
/// The uid and pid of the process at the other end of the connected socket `fd`
/// (SO_PEERCRED, as this process's namespaces see it: pid 0 when it cannot see the peer).
/// Returns 0 or -1.
int clinux_peer_credentials(int fd, uid_t *uid, pid_t *pid);
/// Who listens on the abstract address `name`: connects without blocking, reads the
/// listener's credentials and closes. Returns 0, or -1 when nobody could be asked.
int clinux_control_holder(const char *name, uid_t *uid, pid_t *pid);

/// A pipe whose read end is non-blocking and whose write end blocks (it is a child's stdout):
/// both close-on-exec.
int clinux_output_pipe(int fds[2]);

/// The git commit the binary was built from (scripts/build-release passes it), or "unknown".
const char *clinux_build_commit(void);

/// Detaches from the controlling terminal (TIOCNOTTY). Returns 0 or -1 with errno set.
int clinux_detach_terminal(int fd);

/// Writes `length` bytes to `fd` only if that cannot block: pwritev2 with RWF_NOWAIT where the
/// file supports it (pipes, sockets), else only when poll reports `fd` writable (a pipe then
/// takes up to PIPE_BUF bytes whole). Returns the bytes written, or -1 with errno set: EAGAIN
/// when writing would have blocked.
ssize_t clinux_write_without_blocking(int fd, const void *bytes, size_t length);

/// A non-blocking, close-on-exec timerfd on CLOCK_REALTIME: the descriptor, or -1 with errno set.
int clinux_wall_timer(void);
/// Arms the wall timer `fd` to expire at `wall_ns` nanoseconds since the epoch (0: disarms
/// it), told to fail its next read with ECANCELED when the wall clock is set
/// (TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET). Returns 0 or -1 with errno set.
int clinux_wall_timer_set(int fd, int64_t wall_ns);

/// The next entry of a /proc listing whose name is a PID, or 0 at the end.
pid_t clinux_next_pid_entry(DIR *dir);

/// openat(procfd, "PID", O_PATH | O_DIRECTORY | O_CLOEXEC): a handle on one process's /proc
/// directory, so that every file read through it describes the same process even if the PID
/// is reused meanwhile. Returns the fd or -1 with errno set.
int clinux_open_pid_directory(int procfd, pid_t pid);
/// openat(dirfd, name, O_RDONLY | O_CLOEXEC): openat(2) is variadic.
int clinux_openat_read(int dirfd, const char *name);
/// ioctl(nsfd, NS_GET_PARENT): the parent of a PID namespace, as a new fd, or -1 with errno set.
int clinux_ns_get_parent(int nsfd);
/// sysconf(_SC_CLK_TCK): the unit of the times in /proc/PID/stat.
long clinux_clock_ticks(void);

/// A pipe whose write end is non-blocking (vigil writes it) and whose read end blocks (it is
/// a child's stdin): both close-on-exec.
int clinux_input_pipe(int fds[2]);
/// open(path, O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0666), with
/// O_TRUNC when `truncate`: a log file. Returns the descriptor or -1 with errno set.
int clinux_open_log(const char *path, int truncate);

/// A non-blocking, close-on-exec stream socket listening on the socket file `path` (which must
/// not exist), with `backlog`. Returns the descriptor or -1 with errno set.
int clinux_unix_listen(const char *path, int backlog);
/// The same on TCP: `address` (4 bytes, network order; all zero for every address) and
/// `port`, with SO_REUSEADDR.
int clinux_tcp_listen(const uint8_t *address, uint16_t port, int backlog);
/// Whether something accepts connections on the socket file `path`: 1 yes, 0 no.
int clinux_unix_in_use(const char *path);
/// A blocking, close-on-exec connection to the socket file `path`, or to TCP `address`:`port`
/// (family 4 or 6), whose connect, sends and receives give up after `timeout_ms`. Returns the
/// descriptor or -1 with errno set.
int clinux_unix_connect(const char *path, int timeout_ms);
int clinux_tcp_connect(int family, const uint8_t *address, uint16_t port, int timeout_ms);
/// accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC): glibc declares it with a transparent union.
int clinux_accept(int fd);

#endif
