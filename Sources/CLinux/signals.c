// Signal dispositions, sets and masks as the kernel sees them, and signals sent through pidfds.

#include "CLinux.h"

int clinux_ignore_signal(int sig, int *was_ignored) {
    struct sigaction action = {0}, old = {0};
    action.sa_handler = SIG_IGN;
    sigemptyset(&action.sa_mask);
    if (sigaction(sig, &action, &old) != 0) return -1;
    if (was_ignored) *was_ignored = old.sa_handler == SIG_IGN;
    return 0;
}

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

#ifdef __GLIBC__
int clinux_spawn_ignores_reserved_signals(void) { return 1; }
#else
int clinux_spawn_ignores_reserved_signals(void) { return 0; }

// musl's pthread_sigmask (and sigprocmask, which calls it) clears signals 32 to 34 from the old
// mask it reports, and its posix_spawn restores the caller's mask from that report: after the
// first spawn vigil would no longer block them, and one of them sent from outside would end
// it. This one reports the mask as it is; being in the static link, it is the one musl's
// posix_spawn calls.
int pthread_sigmask(int how, const sigset_t *restrict set, sigset_t *restrict old) {
    if (set && (how < SIG_BLOCK || how > SIG_SETMASK)) return EINVAL;
    long result = syscall(SYS_rt_sigprocmask, how, set, old, _NSIG / 8);
    return result == 0 ? 0 : errno;
}
#endif

void clinux_sigset_fill(sigset_t *set) {
    sigemptyset(set);
    for (int sig = 1; sig < 65; sig++) clinux_sigset_add(set, sig);
}

// The kernel's realtime signals start at 32; glibc keeps 32 and 33, so 34 is the SIGRTMIN that
// glibc programs, Docker (`--stop-signal RTMIN+n`) and kill(1) know. musl keeps 32 to 34.
int clinux_sigrtmin(void) { return 34; }
int clinux_sigrtmax(void) { return 64; }

pid_t clinux_siginfo_pid(const siginfo_t *info) { return info->si_pid; }

int clinux_pidfd_open(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }
int clinux_pidfd_send_signal(int pidfd, int sig) {
    return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}
