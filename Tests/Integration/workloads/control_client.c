/* A raw client of vigil's control channel, for the tests of who may use it.
 *
 * usage: control_client NAME COUNT REQUEST [UNTIL_FILE]
 * Connects COUNT times to the abstract socket NAME, sends REQUEST and a newline, and reads the
 * reply until vigil closes. With UNTIL_FILE it goes on after COUNT until that file exists.
 * Prints each distinct reply once, as "N<TAB>FIRST LINE OF THE REPLY", then "connections=N".
 * Built statically, so that it runs in an empty container too. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define KINDS 16

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: control_client NAME COUNT REQUEST [UNTIL_FILE]\n");
        return 2;
    }
    const char *name = argv[1];
    long count = atol(argv[2]);
    const char *until = argc > 4 ? argv[4] : NULL;
    char request[512];
    snprintf(request, sizeof request, "%s\n", argv[3]);
    char replies[KINDS][256];
    long seen[KINDS] = {0};
    int kinds = 0;
    long made = 0;
    while (made < count || (until && access(until, F_OK) != 0)) {
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        struct sockaddr_un address;
        memset(&address, 0, sizeof address);
        address.sun_family = AF_UNIX;
        size_t length = strlen(name);
        memcpy(address.sun_path + 1, name, length);
        if (fd < 0 || connect(fd, (struct sockaddr *)&address, offsetof(struct sockaddr_un, sun_path) + 1 + length) != 0) {
            perror("connect");
            return 1;
        }
        send(fd, request, strlen(request), MSG_NOSIGNAL);
        char reply[256] = {0};
        size_t got = 0;
        ssize_t n;
        while (got < sizeof reply - 1 && (n = read(fd, reply + got, sizeof reply - 1 - got)) > 0) got += n;
        close(fd);
        char *newline = strchr(reply, '\n');
        if (newline) *newline = 0;
        int kind = 0;
        while (kind < kinds && strcmp(replies[kind], reply) != 0) kind++;
        if (kind == kinds && kinds < KINDS) strcpy(replies[kinds++], reply);
        if (kind < KINDS) seen[kind]++;
        made++;
    }
    for (int kind = 0; kind < kinds; kind++) printf("%ld\t%s\n", seen[kind], replies[kind]);
    printf("connections=%ld\n", made);
    return 0;
}
