// The fault handler: when vigil itself faults, it re-executes its own binary, which adopts the
// running tree (Runtime/Recovery.swift). It runs on its own stack and calls only
// async-signal-safe functions; everything it needs was prepared before, by ordinary code.

#include "CLinux.h"

#define FAULT_COUNT 6
static const int fault_signals[FAULT_COUNT] = {SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGSYS};
static const char *const fault_names[FAULT_COUNT] = {"SIGSEGV", "SIGBUS", "SIGILL", "SIGTRAP", "SIGFPE", "SIGSYS"};

// In .bss: it costs memory only once a fault touches it.
static char alternate_stack[64 * 1024] __attribute__((aligned(16)));
static unsigned handled;        // bit i: fault_signals[i] has the handler
static pid_t owner;             // the process that installed it; a forked child never re-executes
static int recovering;          // this image is the recovery: a fault ends it
static char prefix[72] = "vigil";

// The recovery state, two buffers: ordinary code fills the one not in force, then switches.
struct published {
    char *state;
    size_t capacity;
    int *descriptors;
    size_t count;
    size_t descriptor_capacity;
};
static struct published slots[2];
static int live = -1;           // the slot in force, -1 none (read and written with __atomic)

// Fault signals sent with kill(): one of each kind waits, as the kernel keeps one pending.
static siginfo_t sent[FAULT_COUNT];
static unsigned sent_pending;   // bit i: sent[i] waits (read and written with __atomic)

static int index_of(int sig) {
    for (int i = 0; i < FAULT_COUNT; i++) {
        if (fault_signals[i] == sig) return i;
    }
    return 0;
}

// Text for the one line and the re-execution's argument, without stdio.
struct text {
    char *bytes;
    size_t used, size;
};

__attribute__((noinline)) static void add(struct text *text, const char *piece) {
    while (*piece && text->used + 1 < text->size) text->bytes[text->used++] = *piece++;
    text->bytes[text->used] = '\0';
}

__attribute__((noinline)) static void add_number(struct text *text, unsigned long long value, unsigned base) {
    char digits[24];
    int count = 0;
    do {
        digits[count++] = "0123456789abcdef"[value % base];
        value /= base;
    } while (value > 0);
    char piece[25];
    for (int i = 0; i < count; i++) piece[i] = digits[count - 1 - i];
    piece[count] = '\0';
    add(text, piece);
}

static void add_signed(struct text *text, long long value) {
    if (value < 0) add(text, "-");
    add_number(text, value < 0 ? 0ULL - (unsigned long long)value : (unsigned long long)value, 10);
}

// Sent signals still waiting go back to the kernel's queue with their siginfo: blocked across
// the exec, the next image finds them pending and forwards them.
static void requeue_sent(void) {
    unsigned pending = __atomic_load_n(&sent_pending, __ATOMIC_ACQUIRE);
    for (int i = 0; i < FAULT_COUNT; i++) {
        if (pending & (1u << i)) {
            syscall(SYS_rt_tgsigqueueinfo, getpid(), syscall(SYS_gettid), fault_signals[i], &sent[i]);
        }
    }
}

// Returns only when neither exec worked.
static void reexecute(int sig, const siginfo_t *info, int slot) {
    struct timespec now = {0};
    clock_gettime(CLOCK_MONOTONIC, &now);
    char description[96];
    struct text text = {description, 0, sizeof description};
    add_signed(&text, sig);
    add(&text, ":");
    add_signed(&text, info->si_code);
    add(&text, ":");
    add_number(&text, (unsigned long long)(uintptr_t)info->si_addr, 16);
    add(&text, ":");
    add_signed(&text, (long long)now.tv_sec * 1000000000LL + now.tv_nsec);
    requeue_sent();
    struct published *state = &slots[slot];
    for (size_t i = 0; i < state->count; i++) fcntl(state->descriptors[i], F_SETFD, 0);
    char *const *original = clinux_argv();
    char *name = original && original[0] ? original[0] : (char *)"vigil";
    char *argv[] = {name, (char *)CLINUX_FAULT_FLAG, description, state->state, NULL};
    char *empty[] = {NULL};
    char *const *envp = clinux_envp() ? clinux_envp() : empty;
    // /proc/self/exe reaches the binary even when its file was deleted or replaced since.
    execve("/proc/self/exe", argv, envp);
}

// One line naming the fault, then the end: with the default action restored and the signal
// pending, vigil dies of it once the handler returns (PID 1, which the kernel shields from its
// own signals, dies when the faulting instruction runs again and faults for good).
static void die(int sig, const siginfo_t *info, const char *why, int error) {
    char line[256];
    struct text text = {line, 0, sizeof line};
    add(&text, prefix);
    add(&text, ": fatal: ");
    add(&text, fault_names[index_of(sig)]);
    add(&text, " at address 0x");
    add_number(&text, (unsigned long long)(uintptr_t)info->si_addr, 16);
    add(&text, " ");
    add(&text, why);
    if (error) {
        add(&text, " (errno ");
        add_signed(&text, error);
        add(&text, ")");
    }
    add(&text, "\n");
    ssize_t ignored = write(STDERR_FILENO, line, text.used);
    (void)ignored;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = SIG_DFL;
    sigaction(sig, &action, NULL);
    syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), sig);
}

static void on_fault(int sig, siginfo_t *info, void *context) {
    (void)context;
    int saved_errno = errno;
    int index = index_of(sig);
    int is_owner = getpid() == owner;
    if (info->si_code <= 0 && is_owner) {
        // Sent with kill(), tgkill() or sigqueue(): kept for the loop, which SIGCHLD wakes.
        unsigned bit = 1u << index;
        if (!(__atomic_load_n(&sent_pending, __ATOMIC_ACQUIRE) & bit)) {
            sent[index] = *info;
            __atomic_fetch_or(&sent_pending, bit, __ATOMIC_RELEASE);
        }
        kill(owner, SIGCHLD);
        errno = saved_errno;
        return;
    }
    if (info->si_code <= 0) {
        // A forked child before exec: the default action, as the exec'd program would have it.
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = SIG_DFL;
        sigaction(sig, &action, NULL);
        syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), sig);
        errno = saved_errno;
        return;
    }
    int slot = __atomic_load_n(&live, __ATOMIC_ACQUIRE);
    if (!is_owner) {
        die(sig, info, "in a child before it started its program", 0);
    } else if (recovering) {
        die(sig, info, "in recovery mode, after an earlier fault; exiting", 0);
    } else if (slot < 0) {
        die(sig, info, "before the first process started; exiting", 0);
    } else {
        reexecute(sig, info, slot);
        die(sig, info, "and vigil cannot execute itself again to recover; exiting", errno);
    }
    errno = saved_errno;
}

int clinux_fault_install(const char *program, int recovery) {
    owner = getpid();
    recovering = recovery;
    struct text text = {prefix, 0, sizeof prefix};
    add(&text, program);
    stack_t stack;
    memset(&stack, 0, sizeof stack);
    stack.ss_sp = alternate_stack;
    stack.ss_size = sizeof alternate_stack;
    if (sigaltstack(&stack, NULL) != 0) return -1;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_fault;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
    sigfillset(&action.sa_mask);
    for (int i = 0; i < FAULT_COUNT; i++) {
        struct sigaction old;
        if (sigaction(fault_signals[i], NULL, &old) != 0) return -1;
        if (old.sa_handler == SIG_IGN) continue;
        if (sigaction(fault_signals[i], &action, NULL) != 0) return -1;
        handled |= 1u << i;
    }
    return 0;
}

void clinux_fault_handled(sigset_t *set) {
    for (int i = 0; i < FAULT_COUNT; i++) {
        if (handled & (1u << i)) sigaddset(set, fault_signals[i]);
    }
}

int clinux_fault_unblock(void) {
    sigset_t set;
    sigemptyset(&set);
    clinux_fault_handled(&set);
    if (sigprocmask(SIG_UNBLOCK, &set, NULL) != 0) return -1;
    if (__atomic_load_n(&sent_pending, __ATOMIC_ACQUIRE)) kill(getpid(), SIGCHLD);
    return 0;
}

int clinux_fault_publish(const char *state, size_t length, const int *descriptors, size_t count) {
    int current = __atomic_load_n(&live, __ATOMIC_ACQUIRE);
    int next = current == 0 ? 1 : 0;
    struct published *slot = &slots[next];
    if (slot->capacity < length + 1) {
        char *grown = realloc(slot->state, length + 1);
        if (!grown) return -1;
        slot->state = grown;
        slot->capacity = length + 1;
    }
    if (slot->descriptor_capacity < count) {
        int *grown = realloc(slot->descriptors, count * sizeof *grown);
        if (!grown) return -1;
        slot->descriptors = grown;
        slot->descriptor_capacity = count;
    }
    memcpy(slot->state, state, length);
    slot->state[length] = '\0';
    if (count) memcpy(slot->descriptors, descriptors, count * sizeof *descriptors);
    slot->count = count;
    __atomic_store_n(&live, next, __ATOMIC_RELEASE);
    return 0;
}

void clinux_fault_disarm(void) { __atomic_store_n(&live, -1, __ATOMIC_RELEASE); }

int clinux_fault_take_sent(int *signo, pid_t *sender, int *code) {
    unsigned pending = __atomic_load_n(&sent_pending, __ATOMIC_ACQUIRE);
    if (pending == 0) return 0;
    int index = __builtin_ctz(pending);
    *signo = fault_signals[index];
    *sender = sent[index].si_pid;
    *code = sent[index].si_code;
    __atomic_fetch_and(&sent_pending, ~(1u << index), __ATOMIC_RELEASE);
    return 1;
}

int clinux_adopt_pipe(int fd, int writable) {
    struct stat status;
    if (fd < 3 || fstat(fd, &status) != 0) return -1;
    int flags = fcntl(fd, F_GETFL);
    if (!S_ISFIFO(status.st_mode) || flags < 0 || (flags & O_ACCMODE) != (writable ? O_WRONLY : O_RDONLY)) {
        errno = EBADF;
        return -1;
    }
    if (!writable && fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) return -1;
    return fcntl(fd, F_SETFD, FD_CLOEXEC);
}
