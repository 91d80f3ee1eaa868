/* A scheduled task of the tasks scenario: as its first act it appends CLOCK_REALTIME, in ns,
 * to FILE, then exits 0.
 *
 * usage: stamp FILE
 */
#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    if (argc != 2) return 2;
    char line[32];
    int length = snprintf(line, sizeof line, "%lld\n", now.tv_sec * 1000000000LL + now.tv_nsec);
    int fd = open(argv[1], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0 || write(fd, line, (size_t)length) != length) return 1;
    return close(fd) == 0 ? 0 : 1;
}
