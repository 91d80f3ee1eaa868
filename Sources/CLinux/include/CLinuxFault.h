// vigil's fault handler (fault.c): what lets vigil survive its own crash. Included by CLinux.h.
#ifndef CLINUX_FAULT_H
#define CLINUX_FAULT_H

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

/// The argument that marks the re-execution after a fault: argv is then exactly
/// { argv[0], CLINUX_FAULT_FLAG, fault description, recovery state }.
#define CLINUX_FAULT_FLAG "--recover-after-fault"

/// Installs the handler, on an alternate stack, for SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE and
/// SIGSYS (each one that is not ignored: an ignored one keeps its disposition). A fault raised
/// by the kernel re-executes vigil while a state is published (not in `recovery` mode); else it
/// writes one line naming the fault, prefixed `program`, and ends vigil by that signal. A signal
/// sent with kill() or sigqueue() is kept for `clinux_fault_take_sent`, and SIGCHLD is raised so
/// that the loop wakes up. Returns 0, or -1 with errno set.
int clinux_fault_install(const char *program, int recovery);
/// The fault signals that have the handler, added to `set`.
void clinux_fault_handled(sigset_t *set);
/// Unblocks the handled fault signals (call once every other signal is blocked), and raises
/// SIGCHLD when a sent one is waiting. Returns 0, or -1 with errno set.
int clinux_fault_unblock(void);

/// Publishes the recovery state (`length` bytes of text, no NUL) and the descriptors the next
/// image keeps (their close-on-exec flag is cleared only on the way to the re-execution). The
/// previous state stays in force until the new one is whole. Returns 0, or -1 (ENOMEM).
int clinux_fault_publish(const char *state, size_t length, const int *descriptors, size_t count);
/// No state: a fault ends vigil.
void clinux_fault_disarm(void);

/// Takes one kept signal sent with kill(): 1 and its number, sender and si_code; 0 when none.
int clinux_fault_take_sent(int *signo, pid_t *sender, int *code);

/// Takes over `fd`, an output pipe's end passed through a re-execution: it must be a pipe
/// opened for writing (`writable`) or reading (made non-blocking), and not stdin, stdout or
/// stderr. Makes it close-on-exec again. Returns 0, or -1 with errno set (EBADF: not such a pipe).
int clinux_adopt_pipe(int fd, int writable);

#endif
