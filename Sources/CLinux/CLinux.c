// The process itself: its arguments as the kernel passed them, its prctl settings, the commit
// it was built from, and the assertion message of the static binary. The other wrappers are
// in signals.c, descriptors.c, spawn.c and sockets.c.

#include "CLinux.h"

static int saved_argc;
static char *const *saved_argv;
static char *const *saved_envp;

#ifdef __GLIBC__
// glibc passes (argc, argv, envp) to ELF constructors. This works in Embedded Swift, which
// has no CommandLine, and keeps the child's argv as the original bytes.
__attribute__((constructor)) static void clinux_capture_arguments(int argc, char **argv, char **envp) {
    saved_argc = argc;
    saved_argv = argv;
    saved_envp = envp;
}
#else
// Other C libraries (musl) call constructors without arguments. There scripts/build-release
// renames Swift's entry point to vigil_swift_main, and main is this: it keeps the arguments,
// then runs Swift's.
int vigil_swift_main(int argc, char **argv);
int main(int argc, char **argv, char **envp) {
    saved_argc = argc;
    saved_argv = argv;
    saved_envp = envp;
    return vigil_swift_main(argc, argv);
}
#endif

int clinux_argc(void) { return saved_argc; }
char *const *clinux_argv(void) { return saved_argv; }
char *const *clinux_envp(void) { return saved_envp; }
void clinux_set_envp(char *const *envp) { saved_envp = envp; }

int clinux_set_child_subreaper(void) { return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); }
int clinux_is_child_subreaper(void) {
    int bit = 0;
    if (prctl(PR_GET_CHILD_SUBREAPER, &bit, 0, 0, 0) != 0) return -1;
    return bit != 0;
}
int clinux_set_parent_death_signal(int sig) { return prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0); }

int clinux_set_process_name(const char *name) {
    const char *slash = strrchr(name, '/');
    return prctl(PR_SET_NAME, slash ? slash + 1 : name, 0, 0, 0);
}

#ifndef VIGIL_COMMIT
#define VIGIL_COMMIT "unknown"
#endif
const char *clinux_build_commit(void) { return VIGIL_COMMIT; }

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
