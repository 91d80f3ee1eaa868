"""Reading /proc, and running an init as PID 1 of a fresh PID namespace."""
import os
import pathlib
import select
import signal
import subprocess
import time

UNSHARE = ["unshare", "--pid", "--fork", "--mount-proc"]


class BenchmarkError(Exception):
    """A failure the user can act on; printed as one message."""


def children(pid):
    """Host PIDs of the children of `pid` (empty once it is gone)."""
    try:
        text = pathlib.Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return []
    return [int(word) for word in text.split()]


def descendants(pid):
    """Host PIDs of every process below `pid`, parents before their children."""
    found = []
    for child in children(pid):
        found += [child, *descendants(child)]
    return found


def comm(pid):
    try:
        return pathlib.Path(f"/proc/{pid}/comm").read_text().strip()
    except (FileNotFoundError, ProcessLookupError):
        return None


def state(pid):
    """The one-letter state of /proc/PID/stat (Z for a zombie), or None once it is reaped."""
    try:
        data = pathlib.Path(f"/proc/{pid}/stat").read_bytes()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return chr(data[data.rindex(b")") + 2])  # comm may hold spaces and parentheses


def status_field(pid, field, last=False):
    """A numeric field of /proc/PID/status: VmRSS and VmHWM in KiB, voluntary_ctxt_switches;
    with `last`, the last number on the line (NSpid's innermost PID)."""
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[-1 if last else 1])
    raise KeyError(field)


def namespace_pid(pid):
    """The PID that the process with host PID `pid` has in its own PID namespace."""
    return status_field(pid, "NSpid", last=True)


def executable(pid):
    """The path of the binary `pid` runs, or None once it is gone (or a zombie)."""
    try:
        return os.readlink(f"/proc/{pid}/exe")
    except (FileNotFoundError, ProcessLookupError):
        return None


def pss(pid):
    """Proportional set size in KiB: shared pages divided among the processes that map them."""
    for line in pathlib.Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    raise KeyError("Pss")


class Pid1:
    """An init started as PID 1 of a fresh PID namespace through unshare.

    `pid` is the init's PID as the host sees it: the only child of the unshare process.
    The init's stderr goes to `log`, quoted when something goes wrong.
    """

    def __init__(self, init, command, log, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL):
        self.init = init
        self.log = log
        with open(log, "ab") as err:
            self.process = subprocess.Popen(UNSHARE + init.argv(command), stdin=stdin,
                                            stdout=stdout, stderr=err)
        # Opened at once so that the exit is seen the moment it happens, even a quick one.
        self.pidfd = os.pidfd_open(self.process.pid)
        self._pid = None

    @property
    def pid(self):
        if self._pid is None:
            self._pid = self.wait_for(lambda: next(iter(children(self.process.pid)), None),
                                      "unshare to start it")
        return self._pid

    def child(self, program):
        """The host PID of the init's child once that child runs `program` (its comm)."""
        return self.wait_for(
            lambda: next((pid for pid in children(self.pid) if comm(pid) == program), None),
            f"it to start {program}")

    def wait_for(self, probe, what, timeout=60.0):
        """Polls probe() until it returns something other than None, and returns that."""
        deadline = time.monotonic() + timeout
        while True:
            value = probe()
            if value is not None:
                return value
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise self.failure(f"gave up waiting for {what}")
            time.sleep(0.001)

    def wait_exit(self, timeout):
        """Waits for unshare to exit and returns CLOCK_MONOTONIC (ns) at the moment it did."""
        poller = select.poll()
        poller.register(self.pidfd, select.POLLIN)
        if not poller.poll(timeout * 1000):
            self.stop()
            raise self.failure(f"did not exit within {timeout} s")
        ended = time.monotonic_ns()
        self.close()
        return ended

    def failure(self, what):
        return BenchmarkError(f"{self.init.name} as PID 1: {what} (unshare's exit status "
                              f"{self.process.returncode}); its stderr: {self.log_tail()!r}")

    def log_tail(self):
        return pathlib.Path(self.log).read_text(errors="replace")[-500:]

    def stop(self):
        """SIGKILLs the init, which makes the kernel kill the rest of its namespace."""
        if self.process.poll() is None:
            try:
                os.kill(self._pid or self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.close()

    def close(self):
        self.process.wait(timeout=30)
        if self.pidfd is not None:
            os.close(self.pidfd)
            self.pidfd = None
