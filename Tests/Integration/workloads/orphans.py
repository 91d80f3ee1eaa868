"""Creates orphans (double fork, the middle process exits at once), then reports.

usage: orphans.py COUNT
Prints one line: "created=N zombies=Z rss_before=KB rss_after=KB", where zombies counts
processes in state Z in this PID namespace once the burst is over (after waiting up to 30 s for
PID 1 to reap them) and rss is PID 1's VmRSS.
"""
import os
import sys
import time


def rss_of_init():
    with open("/proc/1/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])


def zombies():
    count = 0
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as stat:
                data = stat.read()
        except OSError:
            continue
        if data[data.rindex(b")") + 2:][:1] == b"Z":
            count += 1
    return count


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
while zombies() and time.monotonic() < deadline:
    time.sleep(0.01)
print(f"created={count} zombies={zombies()} rss_before={before} rss_after={rss_of_init()}", flush=True)
