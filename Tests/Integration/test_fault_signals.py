"""Around vigil's fault handler (issue 26): the fault signals sent with kill() keep their
meaning (forwarded to the main process, vigil survives); a fault before the first process
started ends vigil with one line; the re-execution's arguments are checked like any input; and
`docker stop` of a container whose vigil faulted ends with the application's status.
"""
import re
import shutil
import signal
import subprocess

import pytest

from engines import build_test_image
from helpers import RECOVERY_FLAG, VIGIL, compiled, inject_fault, recovered, require, vigil, wait_for
from procfs import command_line

FAULTS = [signal.SIGSEGV, signal.SIGBUS, signal.SIGILL, signal.SIGTRAP, signal.SIGFPE, signal.SIGSYS]


def counts(path):
    """{signal: count} from workloads/signal_counter.c's file."""
    try:
        lines = path.read_text().splitlines()
    except FileNotFoundError:
        return {}
    return {int(number): int(count) for number, count in (line.split() for line in lines)}


# While vigil waits for signals alone, one sent with kill() is taken like any other; while it
# polls (here: for the relayed output), it reaches vigil's fault handler, which keeps it.
@pytest.mark.parametrize("relay", [False, True], ids=["waiting-for-signals", "polling"])
def test_a_thousand_fault_signals_sent_with_kill_are_forwarded(launch, tmp_path, relay):
    counter = compiled("signal_counter", tmp_path)
    path, ready = tmp_path / "counts", tmp_path / "ready"
    run = launch((["--prefix-output"] if relay else []) + ["--", counter, str(path), str(ready)])
    wait_for(ready.exists, what="the counter")
    for index in range(1000):
        number = FAULTS[index % len(FAULTS)]
        expected = index // len(FAULTS) + 1
        run.signal(number)
        wait_for(lambda: counts(path).get(number, 0) >= expected, interval=0.001,
                 what=f"signal {number} number {expected} at the main process")
    assert sum(counts(path)[number] for number in FAULTS) == 1000
    assert run.process.poll() is None, run.stderr
    assert RECOVERY_FLAG not in command_line(run.vigil_pid), "a sent signal was taken for a fault"
    assert "fatal" not in run.stderr and "recovered" not in run.stderr, run.stderr


def test_a_fault_before_the_first_process_started_ends_vigil_with_one_line(tmp_path):
    require(shutil.which("gdb"), "no gdb (apt-get install gdb)")
    marker = tmp_path / "started"
    # vigil stops at the signalfd it opens just before starting the child; from there, its
    # program counter 0 makes the kernel raise SIGSEGV.
    result = subprocess.run(
        ["gdb", "-batch", "-ex", "handle SIGSEGV nostop noprint pass", "-ex", "catch syscall signalfd4",
         "-ex", "run", "-ex", "delete", "-ex", "set $pc=0", "-ex", "continue",
         "--args", VIGIL, "--", "touch", str(marker)],
        capture_output=True, timeout=300, stdin=subprocess.DEVNULL)
    output = (result.stdout + result.stderr).decode(errors="replace")
    lines = [line for line in output.splitlines() if line.startswith("vigil:")]
    assert lines == ["vigil: fatal: SIGSEGV at address 0x0 before the first process started; exiting"], output
    assert "terminated with signal SIGSEGV" in output, output
    assert not marker.exists()


@pytest.mark.parametrize("fault,state,problem", [
    ("x", "vigil-recovery-1 phase=1 main=7", "bad fault description 'x'"),
    ("11:1:0:1", "vigil-recovery-1 phase=1", "phase 1 needs main"),
    ("11:1:0:1", "phase=1 main=7", "it does not start with 'vigil-recovery-1'"),
    ("11:1:0:1", "vigil-recovery-1 phase=1 main=7 relay=x:0:1:1", "bad relay 'x:0:1:1'"),
    ("11:1:0:1", "vigil-recovery-1 phase=1 main=7 program=\x1b[31m", r"bad program '\x1b[31m'"),
])
def test_the_recovery_arguments_are_checked_like_any_input(fault, state, problem):
    result = vigil([RECOVERY_FLAG, fault, state])
    assert result.returncode == 2
    lines = result.stderr.decode().splitlines()
    assert lines == [f"vigil: {problem}" if "fault" in problem else f"vigil: recovery state: {problem}",
                     f"{RECOVERY_FLAG} is for vigil's own use, after a fault."], lines


def test_a_recovery_given_no_child_of_its_own_adopts_nothing(tmp_path):
    # PID 1 is nobody's child: the main process named is gone, its status unknown.
    result = vigil([RECOVERY_FLAG, "11:1:0:1", "vigil-recovery-1 phase=1 main=1"], pid1=True)
    assert result.returncode == 125, result.stderr
    assert b"adopted no process; gone, exit status lost: main (1);" in result.stderr


def test_a_recovery_adopts_a_child_it_was_given(tmp_path):
    # A shell that execs the recovery entry leaves it a child, which it then adopts.
    script = f'sleep 1000 & exec "$0" {RECOVERY_FLAG} 11:1:0:1 "vigil-recovery-1 phase=1 main=$!"'
    run = subprocess.Popen(["sh", "-c", script, VIGIL], stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    try:
        line = run.stderr.readline().decode()
        assert re.match(r"vigil: warning: recovered from SIGSEGV at address 0x0 in \d+ µs: adopted main \(\d+\);", line), line
        run.send_signal(signal.SIGTERM)
        assert run.wait(timeout=60) == 128 + signal.SIGTERM
    finally:
        run.kill()


def test_docker_stop_after_a_fault_ends_with_the_applications_status(docker_engine, docker, tmp_path):
    image = build_test_image(docker_engine)
    out = tmp_path / "out"
    out.mkdir()
    name = "vigil-test-fault"
    docker("run", "--detach", "--name", name, "--network", "none", "--volume", f"{out}:/out",
           image, "sh", "-c", "flusher /out/one & exec main 3")
    for ready in ["main", "one"]:
        wait_for((out / f"{ready}.ready").exists, timeout=60, what=f"/out/{ready}.ready")
    inject_fault(docker.init_pid(name))
    recovered(lambda: docker.logs(name)[1])
    docker("stop", "--time", "60", name)
    # The application's status, and the leftover's flush: vigil ended the stop, not Docker's SIGKILL.
    assert docker.exit_code(name) == 3
    assert (out / "one").read_text() == "flushed\n"
    assert "SIGKILL" not in docker.logs(name)[1]
