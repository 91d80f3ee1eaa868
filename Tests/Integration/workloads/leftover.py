"""A process left behind by the main child.

usage: leftover.py MARKER WORK_SECONDS READY_FILE [ignore]
On SIGTERM it creates MARKER.working, ignores further TERMs, works for WORK_SECONDS, writes
MARKER and exits 0.
With "ignore" it ignores SIGTERM altogether. READY_FILE is created once the handler is set.
"""
import os
import signal
import sys
import time

marker, work, ready = sys.argv[1], float(sys.argv[2]), sys.argv[3]
stubborn = len(sys.argv) > 4 and sys.argv[4] == "ignore"


def on_term(number, frame):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    open(marker + ".working", "w").close()
    time.sleep(work)
    with open(marker, "w") as out:
        out.write(f"{os.getpid()} finished\n")
    os._exit(0)


signal.signal(signal.SIGTERM, signal.SIG_IGN if stubborn else on_term)
# Written whole, then renamed: whoever sees READY_FILE can read the PID in it.
with open(ready + ".tmp", "w") as out:
    out.write(str(os.getpid()))
os.rename(ready + ".tmp", ready)
while True:
    signal.pause()
