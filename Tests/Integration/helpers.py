"""What vigil's integration tests share: where things are, bounded waits, the control channel's
name, signal recorders, leftovers, a pseudo-terminal driver, cgroups and compiled workloads.
Test modules import from here; no test module imports another. Fixtures are not here: they
come from conftest.py and, for the container engines, engines.py. Readers of /proc are in
procfs.py.

Waits are bounded polls with generous limits; nothing here asserts on speed.
"""
import fcntl
import os
import pathlib
import select
import shutil
import signal
import subprocess
import sys
import termios
import time

import pytest

from procfs import command_line, namespace, processes, state_of

ROOT = pathlib.Path(__file__).resolve().parents[2]
WORKLOADS = pathlib.Path(__file__).resolve().parent / "workloads"
IN_CI = os.environ.get("CI") == "true"
VIGIL = os.environ.get("VIGIL_BIN") or str(ROOT / ".build" / "debug" / "vigil")
PYTHON = sys.executable
UNSHARE = ["unshare", "--pid", "--fork", "--mount-proc"]


def require(condition, reason):
    """Skip a test whose prerequisite is missing, except under CI, where it is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"missing under CI: {reason}")
    pytest.skip(reason)


def workload(name):
    return str(WORKLOADS / name)


def wait_for(predicate, timeout=30.0, interval=0.01, what="condition"):
    """Polls until predicate() is truthy and returns it; fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def control_channel_name(pid="self"):
    """The control channel's abstract name, as vigil computes it from the namespaces of `pid`."""
    return f"vigil-control:{namespace(pid, 'pid')}:{namespace(pid, 'mnt')}"


def vigil(args, timeout=60, pid1=False, binary=None, **options):
    """Runs vigil to completion and returns the CompletedProcess (bytes output)."""
    command = [binary or VIGIL] + list(args)
    if pid1:
        command = UNSHARE + command
    return subprocess.run(command, capture_output=True, timeout=timeout,
                          stdin=options.pop("stdin", subprocess.DEVNULL), **options)


# --- signals ----------------------------------------------------------------------------------

FORWARDED = ["HUP", "INT", "QUIT", "USR1", "USR2", "WINCH", "TERM", "RTMIN+3"]


def signal_number(name):
    if name.startswith("RTMIN"):
        return signal.SIGRTMIN + int(name[6:] or 0)
    return signal.Signals["SIG" + name]


def recorder(output, ready, *signals):
    """argv of a process that records each of `signals` it receives in `output` (one line
    "PID NUMBER" each) and exits once it has seen them all; `ready` appears once it listens."""
    return [PYTHON, workload("record_signals.py"), str(output), str(ready)] + list(signals)


def received(output):
    """The signal numbers a recorder logged, in order."""
    return [int(line.split()[1]) for line in pathlib.Path(output).read_text().splitlines()]


def send_one_by_one(run, names, outputs):
    """Sends each signal to vigil and waits until every recorder has logged it."""
    for name in names:
        number = signal_number(name)
        run.signal(number)
        for output in outputs:
            wait_for(lambda: f" {int(number)}\n" in pathlib.Path(output).read_text(), what=f"{name} to arrive")


# --- faults -----------------------------------------------------------------------------------

# The argument of vigil's re-execution after a fault of its own.
RECOVERY_FLAG = "--recover-after-fault"


def inject_fault(pid):
    """Makes the kernel raise SIGSEGV in process `pid` (host PID): gdb sets its program
    counter to 0 and lets it go on."""
    require(shutil.which("gdb"), "no gdb (apt-get install gdb)")
    result = subprocess.run(["gdb", "-p", str(pid), "-batch", "-ex", "set $pc=0", "-ex", "detach"],
                            capture_output=True, timeout=300, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr.decode(errors="replace")


def recovered(output, timeout=60):
    """Waits until `output()` (a log's text) says that vigil recovered from the injected fault."""
    return wait_for(lambda: "recovered from SIGSEGV at address 0x" in output(), timeout=timeout,
                    what="vigil's recovery from the fault")


# --- leftovers --------------------------------------------------------------------------------

def leftovers(tmp_path, count, work=0.5, mode=""):
    """Shell text that starts `count` leftovers and waits until all are ready. On TERM each
    works for `work` seconds and then writes its marker; mode "ignore" ignores TERM."""
    text = ""
    for index in range(count):
        text += (f"{PYTHON} {workload('leftover.py')} {tmp_path}/marker{index} {work} "
                 f"{tmp_path}/ready{index} {mode} & ")
    checks = " || ".join(f"[ ! -e {tmp_path}/ready{index} ]" for index in range(count))
    return text + f"while {checks}; do sleep 0.02; done; "


def shell_leftovers(tmp_path, count, work=0.3):
    """Like `leftovers`, but each is a shell (for where python cannot start, with 4 descriptors)."""
    text = ""
    for index in range(count):
        marker, ready = tmp_path / f"marker{index}", tmp_path / f"ready{index}"
        text += (f"sh -c 'trap \"sleep {work}; touch {marker}; exit 0\" TERM; touch {ready}; "
                 f"while :; do sleep 1 & wait $!; done' & ")
    checks = " || ".join(f"[ ! -e {tmp_path}/ready{index} ]" for index in range(count))
    return text + f"while {checks}; do sleep 0.02; done; "


def markers(tmp_path, count):
    return [(tmp_path / f"marker{index}").exists() for index in range(count)]


def nsenter(pid, *command, **options):
    """argv that runs `command` in the PID and mount namespaces of `pid`."""
    return ["nsenter", "--target", str(pid), "--pid", "--mount", "--"] + list(command)


# --- pseudo-terminals -------------------------------------------------------------------------

class Terminal:
    """A pty whose slave side is the controlling terminal of a new session running `command`."""

    def __init__(self, command, env=None):
        self.master, slave = os.openpty()

        def take_terminal():
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.process = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave,
                                        start_new_session=True, preexec_fn=take_terminal,
                                        env=env)
        os.close(slave)
        self.output = b""

    def read_until(self, needle, timeout=30):
        deadline = time.monotonic() + timeout
        while needle not in self.output:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {needle!r} in terminal output {self.output!r}")
            ready, _, _ = select.select([self.master], [], [], remaining)
            if ready:
                try:
                    self.output += os.read(self.master, 4096)
                except OSError:
                    break
        return self.output

    def write(self, data):
        os.write(self.master, data)

    def prompt(self):
        """Sets a prompt that the shell in the terminal shows when it is ready for input."""
        self.write(b"PS1='READY> '\n")
        self.read_until(b"READY> ")

    def foreground(self, comm):
        """The PID of the process named `comm` in this terminal's session that is in the
        terminal's foreground group, or None."""
        for stat in processes():
            if stat["comm"] == comm and stat["pgrp"] == stat["tpgid"] and stat["session"] == self.process.pid:
                return stat["pid"]
        return None

    def job_control(self, command, names, marker):
        """Runs `command` from the shell in this terminal; the processes named `names` whose
        command lines hold `marker` must stop together on ^Z and resume together on `fg`."""
        self.prompt()
        self.write(command + b"\n")

        def find_all():
            found = []
            for name in names:
                matches = [stat["pid"] for stat in processes()
                           if stat["comm"] == name and marker in command_line(stat["pid"])]
                if not matches:
                    return None
                found += matches
            return found

        pids = wait_for(find_all, what=" and ".join(names))
        self.write(b"\x1a")  # ^Z
        self.read_until(b"Stopped")
        wait_for(lambda: all(state_of(pid) == "T" for pid in pids), what="both stopped")
        self.write(b"fg\n")
        wait_for(lambda: all(state_of(pid) in ("S", "R") for pid in pids), what="both resumed")
        for pid in pids:
            os.kill(pid, signal.SIGKILL)

    def close(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=30)
        os.close(self.master)


# --- cgroups and compiled workloads -------------------------------------------------------------

class PidsCgroup:
    """A pids cgroup of the test's own (cgroup v1's pids hierarchy, or v2): bounds how many
    processes a fork bomb makes, and counts what is still alive. `remove()` kills what is left
    and deletes it."""

    def __init__(self, name, limit=None):
        v1 = pathlib.Path("/sys/fs/cgroup/pids")
        if (v1 / "cgroup.procs").exists():
            self.path = v1 / name
        else:
            root = pathlib.Path("/sys/fs/cgroup")
            require((root / "cgroup.controllers").exists(), "no pids cgroup (v1 or v2) is mounted")
            try:
                (root / "cgroup.subtree_control").write_text("+pids")
            except OSError:
                pass
            self.path = root / name
        self.path.mkdir()
        if limit is not None:
            (self.path / "pids.max").write_text(str(limit))

    def join(self):
        """For preexec_fn: moves the calling process into the cgroup."""
        (self.path / "cgroup.procs").write_text(str(os.getpid()))

    def procs(self):
        return [int(pid) for pid in (self.path / "cgroup.procs").read_text().split()]

    def remove(self):
        for _ in range(100):
            pids = self.procs()
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.05)
        self.path.rmdir()


def compiled(name, tmp_path, static=False):
    """Compiles workloads/NAME.c into tmp_path and returns the program's path; `static` for
    one that runs in an empty container."""
    require(shutil.which("cc"), "no C compiler (apt-get install gcc)")
    program = tmp_path / name
    subprocess.run(["cc", "-O2"] + (["-static"] if static else []) + ["-o", str(program),
                   str(WORKLOADS / f"{name}.c")], check=True)
    return str(program)
