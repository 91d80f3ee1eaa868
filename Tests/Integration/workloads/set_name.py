"""Sets its own process name (comm) to the first argument, which may hold a newline, writes
its PID to READY, then ignores TERM and sleeps; with "exit", it exits at once instead.

usage: set_name.py NAME READY [exit]
"""
import ctypes
import os
import signal
import sys
import time

name, ready = sys.argv[1].encode().decode("unicode_escape").encode(), sys.argv[2]
PR_SET_NAME = 15
ctypes.CDLL(None).prctl(PR_SET_NAME, ctypes.c_char_p(name), 0, 0, 0)
signal.signal(signal.SIGTERM, signal.SIG_IGN)
with open(ready, "w") as marker:
    marker.write(str(os.getpid()))
if len(sys.argv) > 3 and sys.argv[3] == "exit":
    sys.exit(0)
while True:
    time.sleep(1000)
