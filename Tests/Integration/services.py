"""What the several-process test modules (test_sidecars_*.py) share: argv of
workloads/service.py, vigil's flags for init tasks and sidecars, and the shared event log.

Each service appends "NAME EVENT" lines to one log, so a test reads what happened, and in which
order, from the log. Waits are bounded polls.
"""
import pathlib
import shlex
import socket

from helpers import PYTHON, wait_for, workload
from procfs import command_line, descendants

SERVICE = workload("service.py")


def service(name, log, *steps):
    """argv of workloads/service.py named `name`, logging to `log`."""
    return [PYTHON, SERVICE, name, str(log)] + [str(step) for step in steps]


def words(argv):
    """An argv as one command string, quoted the way vigil splits it (POSIX quoting)."""
    return shlex.join(str(word) for word in argv)


def init(name, argv):
    return ["--init", f"{name}={words(argv)}"]


def sidecar(name, argv):
    return ["--sidecar", f"{name}={words(argv)}"]


def sh(script):
    return ["sh", "-c", script]


def events(log):
    """The log's lines, in order ([] before anything wrote)."""
    try:
        return pathlib.Path(log).read_text().splitlines()
    except FileNotFoundError:
        return []


def wait_for_event(log, line, count=1, timeout=30):
    try:
        wait_for(lambda: events(log).count(line) >= count, timeout=timeout, what=f"{line!r} in the log")
    except AssertionError as error:
        raise AssertionError(f"{error}; the log: {events(log)}") from None


def wait_for_stderr(run, text, timeout=30):
    try:
        wait_for(lambda: text in run.stderr, timeout=timeout, what=f"{text!r} on vigil's stderr")
    except AssertionError as error:
        raise AssertionError(f"{error}; vigil's stderr: {run.stderr}") from None


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def find_descendant(pid, text):
    """The descendant of `pid` whose command line is exactly `text`."""
    def look():
        return next((child for child in descendants(pid) if command_line(child).strip() == text), None)
    return wait_for(look, what=f"a process running {text!r}")
