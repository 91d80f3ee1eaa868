"""Records the signals it receives, one name per line, until it has seen each expected one.

usage: record_signals.py OUTPUT READY_FILE SIGNAL...
Blocks the signals first and takes them with sigwait, so none is lost or acts by default.
"""
import os
import signal
import sys

output, ready, *names = sys.argv[1:]
expected = {signal.Signals["SIG" + name] if not name.startswith("RTMIN") else
            signal.SIGRTMIN + int(name[6:] or 0) for name in names}
signal.pthread_sigmask(signal.SIG_BLOCK, expected)
with open(ready, "w") as marker:
    marker.write(str(os.getpid()))
seen = set()
with open(output, "a", buffering=1) as log:
    while not expected <= seen:
        number = signal.sigwait(expected)
        seen.add(number)
        log.write(f"{os.getpid()} {number}\n")
