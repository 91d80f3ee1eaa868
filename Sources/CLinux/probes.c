// Checks over sockets: the non-blocking connect of tcp and http checks, and what follows it.

#include "CLinux.h"

socklen_t clinux_ip_target(int family, const uint8_t *address, uint16_t port, struct sockaddr_storage *target) {
    memset(target, 0, sizeof *target);
    if (family == 6) {
        struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)target;
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        memcpy(&v6->sin6_addr, address, 16);
        return sizeof *v6;
    }
    struct sockaddr_in *v4 = (struct sockaddr_in *)target;
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    memcpy(&v4->sin_addr, address, 4);
    return sizeof *v4;
}

int clinux_probe_connect(int family, const uint8_t *address, uint16_t port) {
    struct sockaddr_storage target;
    socklen_t length = clinux_ip_target(family, address, port, &target);
    int fd = socket(target.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    if (connect(fd, (struct sockaddr *)&target, length) == 0 || errno == EINPROGRESS) return fd;
    int error = errno;
    close(fd);
    errno = error;
    return -1;
}

int clinux_socket_error(int fd) {
    int error = 0;
    socklen_t length = sizeof error;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) return -1;
    return error;
}

ssize_t clinux_send_without_signal(int fd, const void *bytes, size_t length) {
    return send(fd, bytes, length, MSG_NOSIGNAL | MSG_DONTWAIT);
}
