// A wall-clock timer for scheduled tasks.

#include "CLinux.h"

int clinux_wall_timer(void) { return timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC); }

int clinux_wall_timer_set(int fd, int64_t wall_ns) {
    struct itimerspec spec = {0};
    spec.it_value.tv_sec = (time_t)(wall_ns / 1000000000);
    spec.it_value.tv_nsec = (long)(wall_ns % 1000000000);
    return timerfd_settime(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &spec, NULL);
}
