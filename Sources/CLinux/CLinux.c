#include "CLinux.h"

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
int clinux_set_parent_death_signal(int sig) { return prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0); }

int clinux_ignore_signal(int sig) {
    struct sigaction action = {0};
    action.sa_handler = SIG_IGN;
    sigemptyset(&action.sa_mask);
    return sigaction(sig, &action, NULL);
}

int clinux_default_signal(int sig) {
    struct sigaction action = {0};
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    return sigaction(sig, &action, NULL);
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
