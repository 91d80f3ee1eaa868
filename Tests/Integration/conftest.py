"""Fixtures for vigil's integration tests: `launch` starts vigil (as PID 1 of a fresh PID
namespace, or directly) and kills every run at the end of the test; `as_pid1` runs a test both
ways. The engines' fixtures come from engines.py. Shared helpers are in helpers.py, readers of
/proc in procfs.py.
"""
import os
import signal
import subprocess

import pytest

from helpers import IN_CI, UNSHARE, VIGIL, wait_for
from procfs import children_of, descendants

# The engines' fixtures (docker, podman and their daemons), for every module.
pytest_plugins = ["engines"]

# scripts/soak runs the tests marked `timing` this many times each.
REPEATS = int(os.environ.get("VIGIL_REPEATS", "1"))


def pytest_configure(config):
    config.addinivalue_line("markers", "timing: timing-sensitive; scripts/soak repeats it (VIGIL_REPEATS)")


def pytest_generate_tests(metafunc):
    if REPEATS > 1 and metafunc.definition.get_closest_marker("timing"):
        metafunc.fixturenames.append("repeat")
        metafunc.parametrize("repeat", range(REPEATS))


class Run:
    """A running vigil, started as PID 1 of a new namespace or directly."""

    def __init__(self, args, tmp_path, pid1=True, env=None, cwd=None, binary=None, **popen):
        self.tmp = tmp_path
        self.out_path = tmp_path / f"stdout-{id(self)}"
        self.err_path = tmp_path / f"stderr-{id(self)}"
        command = [binary or VIGIL] + list(args)
        if pid1:
            command = UNSHARE + command
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
            if self.pid1 and self._vigil_pid is None:
                # Killing unshare alone would leave vigil running as PID 1 of its namespace.
                self._vigil_pid = next(iter(children_of(self.process.pid)), None)
            # As a subreaper, what vigil started would outlive it and be adopted by the host's init.
            below = [] if self.pid1 else descendants(self.process.pid)
            for pid in [self._vigil_pid, self.process.pid] + below:
                if pid is None:
                    continue
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


@pytest.fixture(params=["pid1", "subreaper"])
def as_pid1(request):
    """Each test as PID 1 of a new PID namespace, and as a subreaper (not PID 1)."""
    return request.param == "pid1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI a skip, from whatever cause, is a failure: nothing may hide a gap."""
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped:
        report.outcome = "failed"
        report.longrepr = f"skipped under CI: {report.longrepr}"
