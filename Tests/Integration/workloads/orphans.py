"""Creates orphans (double fork, the middle process exits at once), then reports.

usage: orphans.py COUNT
Prints one line: "created=N zombies=Z rss_before=KB rss_after=KB", where zombies counts
processes in state Z in this PID namespace once the burst is over, and rss is PID 1's VmRSS.
"Over" means every orphan has exited (none is still running), waiting up to 30 s for that and
for PID 1 to reap them; a zombie count taken while an orphan may still be about to exit
would prove nothing.
"""
import os
import sys
import time


def rss_of_init():
    with open("/proc/1/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])


def states():
    """State letters of every process in this namespace except PID 1 and this one."""
    result = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) in (1, os.getpid()):
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as stat:
                data = stat.read()
        except OSError:
            continue
        result.append(data[data.rindex(b")") + 2:][:1])
    return result


def zombies():
    return states().count(b"Z")


count = int(sys.argv[1])
before = rss_of_init()
for _ in range(count):
    middle = os.fork()
    if middle == 0:
        if os.fork() == 0:
            os._exit(0)
        os._exit(0)
    os.waitpid(middle, 0)
deadline = time.monotonic() + 30
while states() and time.monotonic() < deadline:  # orphans still running, or not yet reaped
    time.sleep(0.01)
print(f"created={count} zombies={zombies()} rss_before={before} rss_after={rss_of_init()}", flush=True)
