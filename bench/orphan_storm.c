/* The orphan storm: the init's child makes N orphans as fast as it can.
 *
 * usage: orphan_storm N
 *
 * Each iteration double-forks. The middle process exits at once, so the grandchild is orphaned
 * and re-parented to the init (PID 1 of the namespace); the grandchild exits at once too, and
 * only the init can reap it. This process waits for its middles, never for the orphans.
 *
 * It starts when one byte arrives on stdin, so that the harness can read the init's memory
 * first. At the end of the loop it prints "LOOP_NS END_NS" on stdout (the loop's duration, and
 * CLOCK_MONOTONIC at its end, so that the harness can add the time the init takes to reap what
 * is left), then waits for stdin to close, so that the namespace stays up while the harness
 * looks at it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long monotonic_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec * 1000000000LL + now.tv_nsec;
}

static void make_orphan(void) {
    pid_t middle = fork();
    if (middle < 0) {
        perror("orphan_storm: fork");
        exit(1);
    }
    if (middle == 0) {
        if (fork() < 0) {
            _exit(1);
        }
        _exit(0); /* the grandchild exits here too: a zombie for the init to reap */
    }
    while (waitpid(middle, NULL, 0) < 0 && errno == EINTR) {
    }
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: orphan_storm N\n");
        return 2;
    }
    long count = atol(argv[1]);
    char go;
    if (read(0, &go, 1) != 1) {
        return 1;
    }
    long long start = monotonic_ns();
    for (long i = 0; i < count; i++) {
        make_orphan();
    }
    long long end = monotonic_ns();
    printf("%lld %lld\n", end - start, end);
    fflush(stdout);
    while (read(0, &go, 1) > 0) {
    }
    return 0;
}
