/* The main child of the "stop with leftovers" scenario.
 *
 * usage: stop_leftovers DIR N
 *
 * Starts N leftover processes and waits until each has set its SIGTERM handler. Then it writes
 * CLOCK_MONOTONIC in nanoseconds to DIR/exited and exits 0, leaving the leftovers to the init.
 * A leftover, on SIGTERM, creates DIR/clean.I and exits at once: the marker proves it stopped
 * cleanly, where a leftover that the kernel SIGKILLs when the init exits leaves none.
 * The leftovers stay in this process's process group, as a worker forked by an application
 * would; dumb-init signals that group when the main child exits.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char marker[4096];

static void stop_cleanly(int signal_number) {
    (void)signal_number;
    int fd = open(marker, O_WRONLY | O_CREAT | O_TRUNC, 0644); /* async-signal-safe calls only */
    if (fd >= 0) {
        close(fd);
    }
    _exit(0);
}

/* In a forked leftover: set the handler, say so on the ready pipe, then idle until TERM. */
static void run_leftover(const char *dir, int index, int ready) {
    snprintf(marker, sizeof marker, "%s/clean.%d", dir, index);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = stop_cleanly;
    sigaction(SIGTERM, &action, NULL);
    if (write(ready, "x", 1) != 1) {
        _exit(1);
    }
    close(ready);
    for (;;) {
        pause();
    }
}

static void write_exit_time(const char *dir) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    char path[4096];
    snprintf(path, sizeof path, "%s/exited", dir);
    FILE *out = fopen(path, "w");
    if (out == NULL) {
        perror("stop_leftovers: exited");
        exit(1);
    }
    fprintf(out, "%lld\n", now.tv_sec * 1000000000LL + now.tv_nsec);
    fclose(out);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: stop_leftovers DIR N\n");
        return 2;
    }
    const char *dir = argv[1];
    int count = atoi(argv[2]);
    int ready[2];
    if (pipe(ready) < 0) {
        perror("stop_leftovers: pipe");
        return 1;
    }
    for (int i = 0; i < count; i++) {
        pid_t pid = fork();
        if (pid < 0) {
            perror("stop_leftovers: fork");
            return 1;
        }
        if (pid == 0) {
            close(ready[0]);
            run_leftover(dir, i, ready[1]);
        }
    }
    close(ready[1]);
    char byte;
    for (int seen = 0; seen < count; seen++) {
        if (read(ready[0], &byte, 1) != 1) {
            fprintf(stderr, "stop_leftovers: a leftover died before it was ready\n");
            return 1;
        }
    }
    write_exit_time(dir);
    _exit(0);
}
