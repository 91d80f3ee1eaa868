/* A sidecar of the dependency scenario: a server that takes a while to start listening.
 *
 * usage: listener DIR NAME DELAY_MS PORT
 *
 * First thing, it takes CLOCK_MONOTONIC and appends "NS\n" to DIR/NAME.started. Then it sleeps
 * DELAY_MS (its start-up), listens on 127.0.0.1:PORT, appends "NS\n" to DIR/NAME.listening,
 * and idles until SIGTERM, on which it exits 0 at once.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec * 1000000000LL + now.tv_nsec;
}

static void record(const char *dir, const char *name, const char *suffix, long long ns) {
    char path[4096], line[32];
    snprintf(path, sizeof path, "%s/%s.%s", dir, name, suffix);
    snprintf(line, sizeof line, "%lld\n", ns);
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd < 0 || write(fd, line, strlen(line)) != (ssize_t)strlen(line)) {
        perror(path);
        _exit(1);
    }
    close(fd);
}

int main(int argc, char **argv) {
    long long started = now_ns();
    if (argc != 5) {
        fprintf(stderr, "usage: listener DIR NAME DELAY_MS PORT\n");
        return 2;
    }
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigprocmask(SIG_BLOCK, &term, NULL);
    record(argv[1], argv[2], "started", started);

    long long delay_ns = atoll(argv[3]) * 1000000LL;
    struct timespec until = {(started + delay_ns) / 1000000000LL, (started + delay_ns) % 1000000000LL};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == EINTR) {
    }
    int server = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int on = 1;
    setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[4]))};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(server, (struct sockaddr *)&address, sizeof address) != 0 || listen(server, 16) != 0) {
        perror("listener: bind");
        return 1;
    }
    record(argv[1], argv[2], "listening", now_ns());
    while (sigwaitinfo(&term, NULL) != SIGTERM) {
    }
    return 0;
}
