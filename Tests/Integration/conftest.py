"""Shared helpers for vigil's integration tests.

The tests run the built binary (VIGIL_BIN, default .build/debug/vigil) as PID 1 of a fresh PID
namespace, or directly when a test is about vigil not being PID 1, and read /proc like a user.
Waits are bounded polls with generous limits; nothing here asserts on speed.
"""
import os
import pathlib
import signal
import subprocess
import sys
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
WORKLOADS = pathlib.Path(__file__).resolve().parent / "workloads"
IN_CI = os.environ.get("CI") == "true"
VIGIL = os.environ.get("VIGIL_BIN") or str(ROOT / ".build" / "debug" / "vigil")


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


def proc_stat(pid):
    """Fields of /proc/PID/stat as a dict, or None when the process is gone."""
    try:
        data = pathlib.Path(f"/proc/{pid}/stat").read_bytes()
    except (FileNotFoundError, ProcessLookupError):
        return None
    close = data.rindex(b")")
    fields = data[close + 2:].split()
    return {
        "pid": pid,
        "comm": data[data.index(b"(") + 1:close].decode(errors="replace"),
        "state": fields[0].decode(),
        "ppid": int(fields[1]),
        "pgrp": int(fields[2]),
        "session": int(fields[3]),
        "tpgid": int(fields[5]),
    }


def all_pids():
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def children_of(pid):
    result = []
    for other in all_pids():
        stat = proc_stat(other)
        if stat and stat["ppid"] == pid:
            result.append(other)
    return result


def status_field(pid, field):
    """A numeric field of /proc/PID/status (VmRSS in kB, voluntary_ctxt_switches, ...)."""
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


class Run:
    """A running vigil, started as PID 1 of a new namespace or directly."""

    def __init__(self, args, tmp_path, pid1=True, env=None, cwd=None, binary=None, **popen):
        self.tmp = tmp_path
        self.out_path = tmp_path / f"stdout-{id(self)}"
        self.err_path = tmp_path / f"stderr-{id(self)}"
        command = [binary or VIGIL] + list(args)
        if pid1:
            command = ["unshare", "--pid", "--fork", "--mount-proc"] + command
        self.pid1 = pid1
        with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
            self.process = subprocess.Popen(
                command, stdout=popen.pop("stdout", out), stderr=popen.pop("stderr", err),
                stdin=popen.pop("stdin", subprocess.DEVNULL), env=env, cwd=cwd, **popen)
        self._vigil_pid = None

    @property
    def vigil_pid(self):
        """vigil's PID as the host sees it."""
        if self._vigil_pid is None:
            if self.pid1:
                self._vigil_pid = wait_for(
                    lambda: next(iter(children_of(self.process.pid)), None),
                    what="unshare to start vigil")
            else:
                self._vigil_pid = self.process.pid
        return self._vigil_pid

    def child_pid(self):
        """The main child's host PID, once vigil has started it."""
        return wait_for(lambda: next(iter(children_of(self.vigil_pid)), None), what="the child")

    def signal(self, number):
        os.kill(self.vigil_pid, number)

    def wait(self, timeout=60):
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"vigil did not exit within {timeout}s; stderr: {self.stderr}")

    @property
    def stdout(self):
        return self.out_path.read_bytes().decode(errors="replace")

    @property
    def stderr(self):
        return self.err_path.read_bytes().decode(errors="replace")

    def kill(self):
        if self.process.poll() is None:
            for pid in {self._vigil_pid, self.process.pid} - {None}:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self.process.wait(timeout=30)


@pytest.fixture
def launch(tmp_path):
    """Starts vigil; every run is killed at the end of the test, pass or fail."""
    runs = []

    def start(args, **options):
        run = Run(args, tmp_path, **options)
        runs.append(run)
        return run

    yield start
    for run in runs:
        run.kill()


def vigil(args, timeout=60, pid1=False, **options):
    """Runs vigil to completion and returns the CompletedProcess (text output)."""
    command = [VIGIL] + list(args)
    if pid1:
        command = ["unshare", "--pid", "--fork", "--mount-proc"] + command
    return subprocess.run(command, capture_output=True, timeout=timeout,
                          stdin=options.pop("stdin", subprocess.DEVNULL), **options)


PYTHON = sys.executable


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI a skip, from whatever cause, is a failure: nothing may hide a gap."""
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped:
        report.outcome = "failed"
        report.longrepr = f"skipped under CI: {report.longrepr}"
