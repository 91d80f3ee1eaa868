// supervisord's side: the XML-RPC server's sockets and the client's connections, the pipes to
// event listeners' stdin, and program log files.

#include "CLinux.h"

int clinux_input_pipe(int fds[2]) {
    if (pipe2(fds, O_CLOEXEC) != 0) return -1;
    int flags = fcntl(fds[1], F_GETFL);
    if (flags < 0 || fcntl(fds[1], F_SETFL, flags | O_NONBLOCK) != 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    return 0;
}

int clinux_open_log(const char *path, int truncate) {
    int flags = O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
    return open(path, truncate ? flags | O_TRUNC : flags, 0666);
}

static int path_address(struct sockaddr_un *address, const char *path, socklen_t *length) {
    memset(address, 0, sizeof *address);
    address->sun_family = AF_UNIX;
    size_t size = strlen(path);
    if (size + 1 > sizeof address->sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(address->sun_path, path, size);
    *length = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + size + 1);
    return 0;
}

static int fail_closing(int fd) {
    int error = errno;
    close(fd);
    errno = error;
    return -1;
}

int clinux_unix_listen(const char *path, int backlog) {
    struct sockaddr_un address;
    socklen_t length;
    if (path_address(&address, path, &length) != 0) return -1;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    if (bind(fd, (struct sockaddr *)&address, length) != 0 || listen(fd, backlog) != 0) return fail_closing(fd);
    return fd;
}

int clinux_tcp_listen(const uint8_t *address, uint16_t port, int backlog) {
    struct sockaddr_in target;
    memset(&target, 0, sizeof target);
    target.sin_family = AF_INET;
    target.sin_port = htons(port);
    memcpy(&target.sin_addr, address, 4);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    int on = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
        bind(fd, (struct sockaddr *)&target, sizeof target) != 0 || listen(fd, backlog) != 0) {
        return fail_closing(fd);
    }
    return fd;
}

int clinux_unix_in_use(const char *path) {
    struct sockaddr_un address;
    socklen_t length;
    if (path_address(&address, path, &length) != 0) return 0;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return 0;
    // A listener accepts (or queues) at once; EAGAIN means its backlog is full: in use too.
    int used = connect(fd, (struct sockaddr *)&address, length) == 0 || errno == EAGAIN;
    close(fd);
    return used;
}

// Connects with a deadline, then makes the socket blocking with timeouts for I/O.
static int connect_within(int fd, const struct sockaddr *address, socklen_t length, int timeout_ms) {
    if (connect(fd, address, length) != 0) {
        if (errno != EINPROGRESS && errno != EAGAIN) return fail_closing(fd);
        struct pollfd entry = {fd, POLLOUT, 0};
        int ready = poll(&entry, 1, timeout_ms);
        if (ready == 0) errno = ETIMEDOUT;
        if (ready <= 0) return fail_closing(fd);
        int error = 0;
        socklen_t size = sizeof error;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) != 0) return fail_closing(fd);
        if (error != 0) {
            errno = error;
            return fail_closing(fd);
        }
    }
    int flags = fcntl(fd, F_GETFL);
    struct timeval limit = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit) != 0) {
        return fail_closing(fd);
    }
    return fd;
}

int clinux_unix_connect(const char *path, int timeout_ms) {
    struct sockaddr_un address;
    socklen_t length;
    if (path_address(&address, path, &length) != 0) return -1;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    return connect_within(fd, (struct sockaddr *)&address, length, timeout_ms);
}

int clinux_tcp_connect(int family, const uint8_t *address, uint16_t port, int timeout_ms) {
    struct sockaddr_storage target;
    socklen_t length = clinux_ip_target(family, address, port, &target);
    int fd = socket(target.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    return connect_within(fd, (struct sockaddr *)&target, length, timeout_ms);
}

int clinux_accept(int fd) {
    return accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
}
