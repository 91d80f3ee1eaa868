// Sockets: the notify socket, and the control channel's abstract socket.

#include "CLinux.h"

int clinux_notify_socket(const char *name, char *bound, size_t size) {
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct sockaddr_un address;
    memset(&address, 0, sizeof address);
    address.sun_family = AF_UNIX;
    size_t length = strlen(name);
    int result = -1;
    if (length + 1 <= sizeof address.sun_path) {
        memcpy(address.sun_path + 1, name, length);
        result = bind(fd, (struct sockaddr *)&address, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + length));
    }
    // The name is taken (another vigil with the same PID in this network namespace, as in a
    // pod) or too long: the kernel picks a free abstract name.
    if (result != 0 && (length + 1 > sizeof address.sun_path || errno == EADDRINUSE))
        result = bind(fd, (struct sockaddr *)&address, (socklen_t)sizeof(sa_family_t));
    int on = 1;
    socklen_t used = sizeof address;
    if (result != 0 || setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) != 0 ||
        getsockname(fd, (struct sockaddr *)&address, &used) != 0) {
        int error = errno;
        close(fd);
        errno = error;
        return -1;
    }
    size_t named = used - offsetof(struct sockaddr_un, sun_path) - 1;
    if (named + 1 > size) named = size - 1;
    memcpy(bound, address.sun_path + 1, named);
    bound[named] = 0;
    return fd;
}

ssize_t clinux_notify_receive(int fd, char *buffer, size_t size, pid_t *sender) {
    struct iovec vector = {buffer, size};
    char control[CMSG_SPACE(sizeof(struct ucred))];
    struct msghdr message;
    memset(&message, 0, sizeof message);
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    ssize_t length = recvmsg(fd, &message, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (length < 0) return -1;
    *sender = 0;
    for (struct cmsghdr *header = CMSG_FIRSTHDR(&message); header; header = CMSG_NXTHDR(&message, header)) {
        if (header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_CREDENTIALS) {
            struct ucred credentials;
            memcpy(&credentials, CMSG_DATA(header), sizeof credentials);
            *sender = credentials.pid;
        } else if (header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_RIGHTS) {
            // A sender may pass descriptors: close them, vigil takes none.
            int count = (int)((header->cmsg_len - CMSG_LEN(0)) / sizeof(int));
            for (int i = 0; i < count; i++) {
                int passed;
                memcpy(&passed, CMSG_DATA(header) + i * sizeof(int), sizeof passed);
                close(passed);
            }
        }
    }
    return length;
}

static socklen_t abstract_address(struct sockaddr_un *address, const char *name) {
    memset(address, 0, sizeof *address);
    address->sun_family = AF_UNIX;
    size_t length = strlen(name);
    if (length + 1 > sizeof address->sun_path) length = sizeof address->sun_path - 1;
    memcpy(address->sun_path + 1, name, length);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + length);
}

int clinux_control_listen(const char *name, int backlog) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct sockaddr_un address;
    socklen_t length = abstract_address(&address, name);
    if (bind(fd, (struct sockaddr *)&address, length) != 0 || listen(fd, backlog) != 0) {
        int error = errno;
        close(fd);
        errno = error;
        return -1;
    }
    return fd;
}

int clinux_connection_signal(void) { return SIGRTMAX; }

int clinux_signal_connections(int fd, int signal) {
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETOWN, getpid()) != 0 || fcntl(fd, F_SETSIG, signal) != 0) return -1;
    return fcntl(fd, F_SETFL, flags | O_ASYNC);
}

int clinux_peer_credentials(int fd, uid_t *uid, pid_t *pid) {
    struct ucred credentials;
    socklen_t length = sizeof credentials;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) return -1;
    *uid = credentials.uid;
    *pid = credentials.pid;
    return 0;
}

int clinux_control_accept(int fd, uid_t *uid, pid_t *pid) {
    int client = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (client < 0) return -1;
    if (clinux_peer_credentials(client, uid, pid) != 0) {
        int error = errno;
        close(client);
        errno = error;
        return -1;
    }
    return client;
}

int clinux_control_holder(const char *name, uid_t *uid, pid_t *pid) {
    // Non-blocking: a listener whose backlog is full must not hold vigil up.
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct sockaddr_un address;
    socklen_t length = abstract_address(&address, name);
    int result = connect(fd, (struct sockaddr *)&address, length) == 0 ? clinux_peer_credentials(fd, uid, pid) : -1;
    int error = errno;
    close(fd);
    errno = error;
    return result;
}

int clinux_control_connect(const char *name, int timeout_ms) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct timeval timeout = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    struct sockaddr_un address;
    socklen_t length = abstract_address(&address, name);
    if (connect(fd, (struct sockaddr *)&address, length) != 0) {
        int error = errno;
        close(fd);
        errno = error;
        return -1;
    }
    return fd;
}
