/* The signal-forwarding probe: acknowledges each SIGUSR1 with one byte on stdout.
 *
 * usage: signal_ack
 *
 * SIGUSR1 is blocked and taken with sigwaitinfo, so the ack is written as soon as the signal is
 * pending, with no handler in between. The harness waits for each ack before it sends the next
 * signal, so none coalesce. stdout is used rather than a higher descriptor because catatonit
 * closes inherited descriptors above 2. One byte "r" says SIGUSR1 is blocked: a signal sent
 * earlier would kill this process. It stops on SIGTERM (default action) or when stdout closes.
 */
#include <signal.h>
#include <unistd.h>

int main(void) {
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigprocmask(SIG_BLOCK, &usr1, NULL);
    if (write(1, "r", 1) != 1) {
        return 1;
    }
    for (;;) {
        if (sigwaitinfo(&usr1, NULL) == SIGUSR1 && write(1, "a", 1) != 1) {
            return 1;
        }
    }
}
