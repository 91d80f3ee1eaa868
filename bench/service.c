/* A sidecar or the main process of the "several processes" scenario.
 *
 * usage: service DIR NAME FLUSH_MS [NOTIFY_FD]
 *        run          (s6 and runit start ./run with no arguments: the words come from
 *                      ./service.args, one a line, in the service directory they start it in)
 *
 * First thing, it takes CLOCK_MONOTONIC; then it blocks SIGTERM and appends "PID NS\n" to
 * DIR/NAME.started, PID as its own namespace sees it. The harness measures a restart up to NS,
 * so its own polling adds nothing to the figure. With NOTIFY_FD it then writes a newline to
 * that descriptor and closes it: s6's readiness notification (notification-fd).
 * It idles until SIGTERM, taken with sigwaitinfo. Then it "flushes" for FLUSH_MS (a sleep: the
 * same work under every supervisor, however loaded the machine), writes "TERM_NS DONE_NS\n" to
 * DIR/NAME.flushed and exits 0. One that is SIGKILLed mid-flush leaves no .flushed file.
 * s6-supervise and runsv send SIGCONT after SIGTERM; its default action is harmless here.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec * 1000000000LL + now.tv_nsec;
}

/* One write of the whole line, so that lines appended by successive runs never mix. */
static void write_line(const char *dir, const char *name, const char *suffix, int flags,
                       const char *line) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.%s", dir, name, suffix);
    int fd = open(path, O_WRONLY | O_CREAT | flags, 0644);
    if (fd < 0 || write(fd, line, strlen(line)) != (ssize_t)strlen(line)) {
        perror(path);
        _exit(1);
    }
    close(fd);
}

/* Splits ./service.args into at most `max` lines; returns how many. */
static int read_arguments(char *buffer, size_t size, char **words, int max) {
    int fd = open("service.args", O_RDONLY);
    ssize_t length = fd < 0 ? -1 : read(fd, buffer, size - 1);
    if (length < 0) {
        perror("service: ./service.args");
        _exit(2);
    }
    close(fd);
    buffer[length] = 0;
    int count = 0;
    for (char *word = strtok(buffer, "\n"); word != NULL && count < max;
         word = strtok(NULL, "\n")) {
        words[count++] = word;
    }
    return count;
}

int main(int argc, char **argv) {
    long long started = now_ns();
    char buffer[4096];
    char *words[4];
    int count = argc - 1;
    char **arguments = argv + 1;
    if (count < 3) {
        count = read_arguments(buffer, sizeof buffer, words, 4);
        arguments = words;
    }
    if (count < 3 || count > 4) {
        fprintf(stderr, "usage: service DIR NAME FLUSH_MS [NOTIFY_FD]\n");
        return 2;
    }
    const char *dir = arguments[0], *name = arguments[1];
    long long flush_ns = atoll(arguments[2]) * 1000000LL;

    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigprocmask(SIG_BLOCK, &term, NULL);

    char line[64];
    snprintf(line, sizeof line, "%d %lld\n", (int)getpid(), started);
    write_line(dir, name, "started", O_APPEND, line);
    if (count == 4) {
        int fd = atoi(arguments[3]);
        if (write(fd, "\n", 1) != 1) {
            perror("service: notification-fd");
        }
        close(fd);
    }

    while (sigwaitinfo(&term, NULL) != SIGTERM) {
    }
    long long termed = now_ns();
    struct timespec until = {(termed + flush_ns) / 1000000000LL,
                             (termed + flush_ns) % 1000000000LL};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == EINTR) {
    }
    snprintf(line, sizeof line, "%lld %lld\n", termed, now_ns());
    write_line(dir, name, "flushed", O_TRUNC, line);
    return 0;
}
