// Descriptors: opening /proc and its files, writing without blocking, the output pipe, the terminal.

#include "CLinux.h"

// <linux/nsfs.h>'s NS_GET_PARENT, here so that no kernel headers are needed.
#define CLINUX_NS_GET_PARENT _IO(0xb7, 0x2)

#ifndef RWF_NOWAIT
#define RWF_NOWAIT 0x00000008
#endif

#ifndef __GLIBC__
// musl before 1.2.5 has no pwritev2 wrapper; on 64-bit targets the offset is one register
// and the high half is 0.
static ssize_t pwritev2(int fd, const struct iovec *vector, int count, off_t offset, int flags) {
    return syscall(SYS_pwritev2, fd, vector, count, (long)offset, 0L, flags);
}
#endif

int clinux_open_read(const char *path) { return open(path, O_RDONLY | O_CLOEXEC); }

int clinux_open_for_writing(const char *path, int create) {
    int flags = O_WRONLY | O_TRUNC | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
    return create ? open(path, flags | O_CREAT, 0644) : open(path, flags);
}

pid_t clinux_next_pid_entry(DIR *dir) {
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        const char *name = entry->d_name;
        if (name[0] < '1' || name[0] > '9') continue;
        long pid = 0;
        for (; *name >= '0' && *name <= '9'; name++) pid = pid * 10 + (*name - '0');
        if (*name == '\0' && pid > 0) return (pid_t)pid;
    }
    return 0;
}

ssize_t clinux_write_without_blocking(int fd, const void *bytes, size_t length) {
    struct iovec vector = {(void *)bytes, length};
    ssize_t written;
    do {
        written = pwritev2(fd, &vector, 1, -1, RWF_NOWAIT);
    } while (written < 0 && errno == EINTR);
    // ENOSYS: a kernel before 4.6, or qemu-user, has no pwritev2.
    if (written >= 0 || (errno != EOPNOTSUPP && errno != EINVAL && errno != ESPIPE && errno != ENOSYS)) return written;
    struct pollfd entry = {fd, POLLOUT, 0};
    int ready;
    do {
        ready = poll(&entry, 1, 0);
    } while (ready < 0 && errno == EINTR);
    if (ready <= 0 || !(entry.revents & POLLOUT)) {
        errno = EAGAIN;
        return -1;
    }
    do {
        written = write(fd, bytes, length);
    } while (written < 0 && errno == EINTR);
    return written;
}

int clinux_open_pid_directory(int procfd, pid_t pid) {
    // Written by hand: snprintf would link stdio's formatting into the static binary.
    char name[16];
    char *end = name + sizeof name - 1;
    *end = '\0';
    unsigned long value = pid > 0 ? (unsigned long)pid : 0;
    do {
        *--end = (char)('0' + value % 10);
        value /= 10;
    } while (value > 0);
    return openat(procfd, end, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

int clinux_openat_read(int dirfd, const char *name) { return openat(dirfd, name, O_RDONLY | O_CLOEXEC); }

int clinux_ns_get_parent(int nsfd) { return ioctl(nsfd, CLINUX_NS_GET_PARENT); }

long clinux_clock_ticks(void) { return sysconf(_SC_CLK_TCK); }

int clinux_detach_terminal(int fd) { return ioctl(fd, TIOCNOTTY); }

int clinux_output_pipe(int fds[2]) {
    if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return -1;
    int flags = fcntl(fds[1], F_GETFL);
    if (flags < 0 || fcntl(fds[1], F_SETFL, flags & ~O_NONBLOCK) != 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    return 0;
}
