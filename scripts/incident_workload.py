"""The workload of the PID-exhaustion incident: it makes orphans in a loop.

usage: incident_workload.py ITERATIONS REPORT_JSON PIDS_CURRENT_FILE
Each iteration forks a middle process that forks a grandchild and exits at once; the
grandchild exits at once too and is orphaned, so only PID 1 can reap it. The workload waits
for its own middle child only, as applications do. Every 25 iterations it samples the zombies
in its PID namespace and the cgroup's pids.current. It stops at the first failed fork.
"""
import errno
import json
import os
import sys
import time


def state(pid):
    """The state letter of /proc/PID/stat, or None when the process is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            data = stat.read()
    except OSError:
        return None
    return data[data.rindex(b")") + 2:][:1]


def zombies():
    return sum(1 for name in os.listdir("/proc") if name.isdigit() and state(name) == b"Z")


def others():
    """Processes in the PID namespace besides PID 1 and this one, zombies included."""
    own = {"1", str(os.getpid())}
    return [name for name in os.listdir("/proc") if name.isdigit() and name not in own]


def pids_current(path):
    with open(path) as current:
        return int(current.read())


iterations, report_path, current_path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
report = {"iterations": iterations, "completed": 0, "failure": None, "max_zombies": 0,
          "max_pids": 0, "pid": os.getpid()}
started = time.monotonic()
for index in range(iterations):
    if index % 25 == 0:
        report["max_zombies"] = max(report["max_zombies"], zombies())
        report["max_pids"] = max(report["max_pids"], pids_current(current_path))
    try:
        middle = os.fork()
    except OSError as error:
        report["failure"] = {"iteration": index + 1, "error": errno.errorcode.get(error.errno, "?"),
                             "message": error.strerror}
        break
    if middle == 0:
        try:
            if os.fork() == 0:
                os._exit(0)
        except OSError as error:
            os._exit(100 + error.errno)
        os._exit(0)
    _, status = os.waitpid(middle, 0)
    if os.waitstatus_to_exitcode(status) > 100:
        code = os.waitstatus_to_exitcode(status) - 100
        report["failure"] = {"iteration": index + 1, "error": errno.errorcode.get(code, "?"),
                             "message": os.strerror(code)}
        break
    report["completed"] = index + 1
# The last orphan may still be running, or have exited a moment ago: give it a bounded moment
# to exit and PID 1 to reap it before counting, or the count says nothing about PID 1. Waiting
# for zombies alone would miss an orphan that had not yet exited when the wait began.
# When the workload is PID 1 itself, nobody reaps: then wait only for orphans still running.
settle = time.monotonic() + 30
while time.monotonic() < settle:
    left = others()
    if os.getpid() == 1:
        left = [pid for pid in left if state(pid) not in (b"Z", None)]
    if not left:
        break
    time.sleep(0.01)
report["zombies_at_end"] = zombies()
report["pids_at_end"] = pids_current(current_path)
report["max_zombies"] = max(report["max_zombies"], report["zombies_at_end"])
report["max_pids"] = max(report["max_pids"], report["pids_at_end"])
report["seconds"] = round(time.monotonic() - started, 2)
with open(report_path, "w") as out:
    json.dump(report, out)
