"""Records every signal it receives, one number per line, until DONE exists after its first
TERM (at most 60 s after it, should DONE never come).

usage: record_during_stop.py OUTPUT READY DONE
Blocks every catchable signal and takes them with sigtimedwait, so none acts by default.
READY appears once it listens.
"""
import os
import signal
import sys
import time

output, ready, done = sys.argv[1], sys.argv[2], sys.argv[3]
catchable = signal.valid_signals() - {signal.SIGKILL, signal.SIGSTOP}
signal.pthread_sigmask(signal.SIG_BLOCK, catchable)
with open(ready, "w") as marker:
    marker.write(str(os.getpid()))
deadline = None
with open(output, "a", buffering=1) as log:
    while deadline is None or (time.monotonic() < deadline and not os.path.exists(done)):
        info = signal.sigtimedwait(catchable, 0.05)
        if info is None:
            continue
        log.write(f"{info.si_signo}\n")
        if info.si_signo == signal.SIGTERM and deadline is None:
            deadline = time.monotonic() + 60
