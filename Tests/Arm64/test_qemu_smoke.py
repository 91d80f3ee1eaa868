"""Smoke tests of the aarch64 release binary under qemu-aarch64-static, as PID 1 of a fresh PID
namespace: run, exit codes, signal forwarding, orphan reaping, a graceful stop with a leftover,
a sidecar restart, `vigil ps`.

qemu-user runs the aarch64 vigil; the processes vigil starts are this machine's own x86_64
programs, which the kernel runs natively. qemu-user refuses PR_SET_CHILD_SUBREAPER (EINVAL), so
this suite has no subreaper case by design: every run here is PID 1. The whole integration suite
runs against the x86_64 binary built from the same sources.

VIGIL_AARCH64 names the binary (default .build/dist/vigil-aarch64); scripts/test runs this.
"""
import os
import pathlib
import shutil
import signal
import subprocess
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "Integration"))
from helpers import ROOT, UNSHARE, require, wait_for, workload  # noqa: E402
from procfs import children_of  # noqa: E402

VIGIL = os.environ.get("VIGIL_AARCH64") or str(ROOT / ".build" / "dist" / "vigil-aarch64")
QEMU = shutil.which("qemu-aarch64-static")
PYTHON = sys.executable
EM_AARCH64 = 183  # e_machine of an aarch64 ELF file


@pytest.fixture(autouse=True)
def prerequisites():
    require(QEMU, "qemu-aarch64-static is not installed (apt-get install qemu-user-static)")
    require(os.path.exists(VIGIL), f"{VIGIL} is missing (scripts/build-release)")
    require(os.geteuid() == 0, "PID namespaces need root")


class Run:
    """The aarch64 vigil as PID 1 of a new PID namespace, its output in files."""

    def __init__(self, args, tmp_path):
        self.out_path, self.err_path = tmp_path / "stdout", tmp_path / "stderr"
        with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
            self.process = subprocess.Popen(UNSHARE + [QEMU, VIGIL] + list(args), stdout=out, stderr=err,
                                            stdin=subprocess.DEVNULL)
        # qemu running vigil: unshare's child in the host's view.
        self.vigil_pid = wait_for(lambda: next(iter(children_of(self.process.pid)), None), what="vigil")

    @property
    def stdout(self):
        return self.out_path.read_text(errors="replace")

    @property
    def stderr(self):
        return self.err_path.read_text(errors="replace")

    def wait(self, timeout=120):
        return self.process.wait(timeout=timeout)

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=60)


@pytest.fixture
def launch(tmp_path):
    runs = []

    def start(args):
        run = Run(args, tmp_path)
        runs.append(run)
        return run
    yield start
    for run in runs:
        run.kill()


def test_the_binary_is_static_aarch64_and_says_its_version():
    header = pathlib.Path(VIGIL).read_bytes()[:20]
    assert header[:4] == b"\x7fELF" and int.from_bytes(header[18:20], "little") == EM_AARCH64
    assert b"PT_INTERP" not in header  # no interpreter: checked for real below, it runs bare
    result = subprocess.run([QEMU, VIGIL, "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.startswith("vigil "), result


@pytest.mark.parametrize("command,code", [
    (["sh", "-c", "exit 0"], 0),
    (["sh", "-c", "exit 3"], 3),
    (["/etc/passwd"], 126),                 # found, not executable
    (["/nonexistent/app"], 127),           # not found
    (["sh", "-c", "kill -TERM $$"], 143),  # killed by SIGTERM: 128 + 15
])
def test_exit_codes_as_pid_1(launch, command, code):
    run = launch(["--"] + command)
    assert run.wait() == code, run.stderr


def test_signals_are_forwarded_to_the_child(launch, tmp_path):
    ready = tmp_path / "ready"
    run = launch(["--", "sh", "-c", f"trap 'echo got-usr1; exit 7' USR1; touch {ready}; "
                                    "while :; do sleep 0.05; done"])
    wait_for(ready.exists, what="the child's trap")
    os.kill(run.vigil_pid, signal.SIGUSR1)
    assert run.wait() == 7, run.stderr
    assert "got-usr1" in run.stdout


def test_orphans_are_reaped(launch):
    run = launch(["--", PYTHON, workload("orphans.py"), "50"])
    assert run.wait() == 0, run.stderr
    assert "created=50 zombies=0" in run.stdout, run.stdout


def test_a_graceful_stop_kills_a_leftover_after_the_grace(launch, tmp_path):
    ready = tmp_path / "ready"
    # The leftover ignores TERM and outlives the main child, which exits on TERM.
    script = (f"sh -c 'trap \"\" TERM; touch {ready}; while :; do sleep 0.05; done' & "
              "trap 'exit 0' TERM; while :; do sleep 0.05; done")
    run = launch(["--grace", "1s", "--", "sh", "-c", script])
    wait_for(ready.exists, what="the leftover")
    os.kill(run.vigil_pid, signal.SIGTERM)
    assert run.wait() == 0, run.stderr
    assert "grace period of 1s expired; sent SIGKILL to" in run.stderr, run.stderr


def test_a_sidecar_is_restarted(launch, tmp_path):
    starts, done = tmp_path / "starts", tmp_path / "done"
    sidecar = f"helper=sh -c 'echo started >> {starts}; exit 1'"
    run = launch(["-v", "--sidecar", sidecar, "--backoff", "helper=100ms", "--",
                  "sh", "-c", f"while [ ! -e {done} ]; do sleep 0.05; done"])
    wait_for(lambda: starts.exists() and starts.read_text().count("started") >= 3, timeout=60,
             what="three starts of the sidecar")
    done.touch()
    assert run.wait() == 0, run.stderr
    assert "helper: exited with code 1; restarting in" in run.stderr, run.stderr


def test_vigil_ps_lists_the_namespace(launch):
    # The main child runs the same binary's `ps`, inside vigil's namespace.
    run = launch(["--", "sh", "-c", f"sleep 1000 & {QEMU} {VIGIL} ps; kill $!"])
    assert run.wait() == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith("processes: "), run.stdout
    assert lines[1].split()[:3] == ["PID", "PPID", "S"], run.stdout
    assert any(line.split()[0] == "1" for line in lines[2:]), run.stdout
    assert any(line.endswith("sleep 1000") for line in lines[2:]), run.stdout
