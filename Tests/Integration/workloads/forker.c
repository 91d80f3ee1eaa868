/* A bounded fork bomb: every process forks again every few milliseconds, for ever; the pids
 * cgroup it runs in bounds how many exist. With "ignore", each ignores SIGTERM too.
 * usage: forker [ignore] */
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "ignore") == 0) signal(SIGTERM, SIG_IGN);
    struct timespec pause = {0, 20 * 1000 * 1000};
    for (;;) {
        fork();  /* both go on forking; EAGAIN at the limit is retried */
        nanosleep(&pause, NULL);
    }
}
