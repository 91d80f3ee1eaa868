"""A small process tree for `vigil ps` to list, run as vigil's main child.

Makes: a zombie (a child this process never waits for), a re-parented orphan (its parent
exits and is reaped, so the orphan goes to PID 1), a sleeper whose name and command line
hold spaces, parentheses, a newline, an escape sequence and invalid UTF-8, and (unless
"flat" is given) a process in a nested PID namespace. Once all of them are in their final
shape, writes its PID to READY and sleeps until killed.

Usage: ps_workload.py READY [flat]
"""
import os
import subprocess
import sys
import time

HOSTILE_NAME = b"a) b (c\nd"
HOSTILE_ARGV = [b"evil\nline\x1b[2J\xff\xfe \xe2\x82", b"-c",
                b"open('/proc/self/comm', 'wb').write(%r); import time; time.sleep(1000)" % HOSTILE_NAME,
                b"ar\tg"]

ready = sys.argv[1]
nested = "flat" not in sys.argv[2:]


def read(path):
    try:
        with open(path, "rb") as file:
            return file.read()
    except OSError:
        return b""


def wait_until(predicate, what):
    deadline = time.monotonic() + 60
    while not predicate():
        if time.monotonic() > deadline:
            sys.exit(f"ps_workload: timed out waiting for {what}")
        time.sleep(0.01)


# A zombie: exits at once, never waited for.
zombie = os.fork()
if zombie == 0:
    os._exit(0)

# An orphan: the middle process reports the sleeper's PID, exits and is reaped here.
reader, writer = os.pipe()
middle = os.fork()
if middle == 0:
    sleeper = os.fork()
    if sleeper == 0:
        os.execv("/bin/sleep", ["sleep", "1000"])
    os.write(writer, str(sleeper).encode())
    os._exit(0)
os.close(writer)
orphan = int(os.read(reader, 32))
os.waitpid(middle, 0)

hostile = os.fork()
if hostile == 0:
    os.execv(sys.executable, HOSTILE_ARGV)

unshare = subprocess.Popen(["unshare", "--pid", "--fork", "sleep", "1000"]) if nested else None

wait_until(lambda: read(f"/proc/{zombie}/stat").rsplit(b")", 1)[-1][1:2] == b"Z", "the zombie")
wait_until(lambda: read(f"/proc/{orphan}/cmdline") == b"sleep\x001000\x00", "the orphan's exec")
wait_until(lambda: read(f"/proc/{hostile}/comm") == HOSTILE_NAME + b"\n", "the hostile name")
if unshare:
    def nested_sleeper():
        for name in os.listdir("/proc"):
            if name.isdigit() and read(f"/proc/{name}/cmdline") == b"sleep\x001000\x00":
                stat = read(f"/proc/{name}/stat")
                if stat and int(stat.rsplit(b")", 1)[1].split()[1]) == unshare.pid:
                    return True
        return False
    wait_until(nested_sleeper, "the nested namespace's sleeper")

with open(ready + ".tmp", "w") as out:
    out.write(str(os.getpid()))
os.rename(ready + ".tmp", ready)
while True:
    time.sleep(1000)
