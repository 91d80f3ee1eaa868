/* Counts every signal it receives, taken with sigwaitinfo so that none acts by default, and
 * keeps the counts in COUNTS (64 lines "SIGNO COUNT"; empty until the first signal). After each
 * signal it writes them whole to COUNTS.tmp and renames that into place, so that a reader never
 * sees half a rewrite. READY appears once it listens. It runs until it is killed.
 * usage: signal_counter COUNTS READY */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 3) return 2;
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    char temporary[4096];
    if (snprintf(temporary, sizeof temporary, "%s.tmp", argv[1]) >= (int)sizeof temporary) return 2;
    int out = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int ready = open(argv[2], O_WRONLY | O_CREAT, 0644);
    if (out < 0 || ready < 0) return 1;
    close(out);
    close(ready);
    long counts[65] = {0};
    char text[65 * 24];
    for (;;) {
        int signo = sigwaitinfo(&all, NULL);
        if (signo <= 0 || signo > 64) continue;
        counts[signo]++;
        size_t used = 0;
        for (int i = 1; i <= 64; i++) used += snprintf(text + used, sizeof text - used, "%d %ld\n", i, counts[i]);
        int next = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (next < 0) continue;
        ssize_t written = write(next, text, used);
        close(next);
        if (written == (ssize_t)used) rename(temporary, argv[1]);
    }
}
