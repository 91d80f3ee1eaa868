"""What a user who swaps tini or dumb-init for vigil relies on: fault signals sent with kill()
are forwarded, the child's signal configuration, dumb-init's single-child job control, and
tini's texts, warning and version line."""
import ctypes
import os
import signal
import subprocess

import pytest

from helpers import PYTHON, UNSHARE, VIGIL, wait_for, workload
from procfs import proc_stat, signal_masks

NAMES = ["vigil", "tini", "dumb-init"]


@pytest.fixture
def binaries(tmp_path):
    """The vigil under test, and symlinks to it named tini, docker-init and dumb-init."""
    directory = tmp_path / "bin"
    directory.mkdir()
    paths = {"vigil": VIGIL}
    for name in ["tini", "docker-init", "dumb-init"]:
        os.symlink(VIGIL, directory / name)
        paths[name] = str(directory / name)
    return paths


def command_line(binaries, name, command, pid1=False):
    """`name` running `command`, with the options each tool needs to reap when not PID 1."""
    tini = ["-s", "--"] if not pid1 else ["--"]
    options = {"vigil": [], "tini": tini, "docker-init": tini, "dumb-init": []}[name]
    argv = [binaries[name]] + options + list(command)
    if pid1:
        argv = UNSHARE + argv
    return argv


# --- fault signals ---------------------------------------------------------------------------

FAULTS = ["SEGV", "BUS", "FPE", "ILL", "ABRT", "TRAP", "SYS"]


@pytest.mark.timing
@pytest.mark.parametrize("pid1", [True, False], ids=["pid1", "subreaper"])
@pytest.mark.parametrize("name", NAMES)
def test_fault_signals_sent_with_kill_reach_the_child(binaries, launch, tmp_path, name, pid1):
    output, ready = tmp_path / "signals", tmp_path / "ready"
    output.touch()
    recorder = [PYTHON, workload("record_signals.py"), str(output), str(ready)] + FAULTS
    options = {"vigil": [], "tini": ["-s", "--"] if not pid1 else ["--"], "dumb-init": []}[name]
    run = launch(options + recorder, pid1=pid1, binary=binaries[name])
    wait_for(ready.exists, what="the recorder")
    for fault in FAULTS:
        number = int(signal.Signals["SIG" + fault])
        run.signal(number)
        wait_for(lambda: f" {number}\n" in output.read_text(), what=f"SIG{fault} at the child")
        # The recorder exits after the last one, and vigil with it.
        assert fault == FAULTS[-1] or run.process.poll() is None, f"vigil ended on SIG{fault}: {run.stderr}"
    assert run.wait() == 0, run.stderr    # not killed by any of them
    received = [int(line.split()[1]) for line in output.read_text().splitlines()]
    assert received == [int(signal.Signals["SIG" + fault]) for fault in FAULTS]


# --- the child's signal configuration ----------------------------------------------------------

def mask_of(signals):
    return sum(1 << (int(s) - 1) for s in signals)


def child_signal_masks(argv):
    """SigBlk and SigIgn of `cat /proc/self/status` run by `argv`, started with HUP and USR2
    (and TTIN) ignored and USR1 and WINCH blocked."""

    def configure():
        for number in (signal.SIGHUP, signal.SIGUSR2, signal.SIGTTIN):
            signal.signal(number, signal.SIG_IGN)
        signal.pthread_sigmask(signal.SIG_SETMASK, {signal.SIGUSR1, signal.SIGWINCH})

    result = subprocess.run(argv + ["cat", "/proc/self/status"], capture_output=True, timeout=60,
                            stdin=subprocess.DEVNULL, preexec_fn=configure)
    assert result.returncode == 0, result.stderr
    return signal_masks(result.stdout.decode())


IGNORED = mask_of([signal.SIGHUP, signal.SIGUSR2, signal.SIGTTIN])
BLOCKED = mask_of([signal.SIGUSR1, signal.SIGWINCH])


@pytest.mark.parametrize("pid1", [True, False], ids=["pid1", "subreaper"])
@pytest.mark.parametrize("name", ["vigil", "dumb-init", "dumb-init -c", "tini", "docker-init"])
def test_the_child_keeps_the_ignored_signals_and_gets_the_mask_its_tool_gives(binaries, name, pid1):
    tool, *extra = name.split()
    argv = command_line(binaries, tool, extra, pid1=pid1)
    blocked, ignored = child_signal_masks(argv)
    # TTOU, which vigil ignores for itself but was not ignored at start, is back to default.
    assert ignored == IGNORED, f"SigIgn {ignored:#x}"
    # tini hands the child the mask it was started with; vigil and dumb-init an empty one.
    assert blocked == (BLOCKED if tool in ("tini", "docker-init") else 0), f"SigBlk {blocked:#x}"


def test_nohup_leaves_sighup_ignored_in_the_application():
    result = subprocess.run(["nohup", VIGIL, "cat", "/proc/self/status"], capture_output=True,
                            timeout=60, stdin=subprocess.DEVNULL)
    blocked, ignored = signal_masks(result.stdout.decode())
    assert ignored & mask_of([signal.SIGHUP])
    assert blocked == 0


# --- dumb-init's single-child mode and terminal stop signals ----------------------------------

@pytest.mark.timing
@pytest.mark.parametrize("how", [["-c"], ["--single-child"], "DUMB_INIT_SETSID=0"])
def test_dumb_init_single_child_stops_with_its_child_and_resumes_on_cont(binaries, launch, how):
    env = dict(os.environ)
    if isinstance(how, str):
        env["DUMB_INIT_SETSID"] = "0"
        how = []
    # A process group of its own below the test's: the group is not orphaned, so the child
    # (in vigil's group) stops on TSTP by default.
    run = launch(how + ["sleep", "1000"], binary=binaries["dumb-init"], env=env, pid1=False,
                 preexec_fn=os.setpgrp)
    child = run.child_pid()
    wait_for(lambda: (proc_stat(child) or {}).get("comm") == "sleep", what="sleep")
    for stop in (signal.SIGTSTP, signal.SIGTTIN, signal.SIGTTOU):
        run.signal(stop)
        wait_for(lambda: proc_stat(child)["state"] == "T" and proc_stat(run.vigil_pid)["state"] == "T",
                 what=f"both stopped by {stop.name}")
        run.signal(signal.SIGCONT)
        wait_for(lambda: proc_stat(child)["state"] in "SR" and proc_stat(run.vigil_pid)["state"] in "SR",
                 what="both running again")
    run.signal(signal.SIGTERM)
    assert run.wait() == 143


# --- tini's subreaper warning, texts and version ------------------------------------------------

PR_SET_CHILD_SUBREAPER = 36


def test_tini_does_not_warn_when_a_wrapper_made_it_a_subreaper(binaries):
    libc = ctypes.CDLL(None, use_errno=True)

    def become_subreaper():
        assert libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0

    for name in ["tini", "docker-init"]:
        result = subprocess.run([binaries[name], "true"], capture_output=True, timeout=60,
                                stdin=subprocess.DEVNULL, preexec_fn=become_subreaper)
        assert result.returncode == 0
        assert result.stderr == b"", result.stderr
        # Without the bit, the warning is there, in tini's words.
        warned = subprocess.run([binaries[name], "true"], capture_output=True, timeout=60,
                                stdin=subprocess.DEVNULL)
        assert b"Tini is not running as PID 1 and isn't registered as a child subreaper." in warned.stderr
        assert b"zombie reaping won't work" in warned.stderr


def test_tini_texts_that_log_scrapers_grep_for(binaries, tmp_path):
    # The orphan is reaped before the main child exits: the main child waits until it is gone.
    script = ("sh -c 'sleep 0.1 & echo $! > orphan'; "
              "while kill -0 $(cat orphan) 2>/dev/null; do sleep 0.02; done; exit 3")
    for name in ["tini", "docker-init"]:
        result = subprocess.run([binaries[name], "-s", "-w", "-vv", "--", "sh", "-c", script],
                                capture_output=True, timeout=60, stdin=subprocess.DEVNULL,
                                cwd=tmp_path)
        assert result.returncode == 3
        err = result.stderr.decode()
        lines = err.splitlines()
        orphan = (tmp_path / "orphan").read_text().strip()
        prefix = f"[WARN  tini ({result_pid(lines)})] "
        assert f"{prefix}Reaped zombie process with pid={orphan} (sleep)" in lines, err
        assert any(line.endswith("] Spawned child process 'sh' with pid "
                                 f"'{child_pid_from(lines)}'") for line in lines), err
        assert any(line.endswith("] Main child exited normally (with status '3')") for line in lines), err
        assert result.stdout == b""   # tini's INFO lines go to stdout; vigil keeps stdout clean
    killed = subprocess.run([binaries["tini"], "-s", "-vv", "--", "sh", "-c", "kill $$"],
                            capture_output=True, timeout=60)
    assert killed.returncode == 143
    assert b"] Main child exited with signal (with signal 'Terminated')" in killed.stderr


def result_pid(lines):
    """The PID in tini's line prefix `[LEVEL tini (PID)] `."""
    first = next(line for line in lines if line.startswith("["))
    return int(first.split("(", 1)[1].split(")", 1)[0])


def child_pid_from(lines):
    line = next(line for line in lines if "Spawned child process" in line)
    return int(line.rsplit("'", 2)[1])


def test_tini_exec_failure_text(binaries):
    result = subprocess.run([binaries["tini"], "-s", "--", "no-such-program"], capture_output=True,
                            timeout=60)
    assert result.returncode == 127
    assert result.stderr.decode().endswith(
        "] exec no-such-program failed: No such file or directory\n"), result.stderr
    assert result.stderr.startswith(b"[FATAL tini (")


def parse_init_version(text):
    """docker's parseInitVersion (daemon/info_unix.go): (version, commit)."""
    parts = text.split(" - ")
    commit = ""
    if len(parts) >= 2:
        git = parts[1].strip().split(".")
        if len(git) == 2 and git[0] == "git":
            commit = git[1]
    first = parts[0].strip()
    version = first[len("tini version "):] if first.startswith("tini version ") else ""
    return version, commit


@pytest.mark.parametrize("name", ["tini", "docker-init"])
def test_version_is_what_docker_info_parses(binaries, name):
    result = subprocess.run([binaries[name], "--version"], capture_output=True, timeout=60)
    assert result.returncode == 0 and result.stderr == b""
    version, commit = parse_init_version(result.stdout.decode())
    assert version == "0.1.0"
    assert commit and "." not in commit
    own = subprocess.run([VIGIL, "--version"], capture_output=True, timeout=60).stdout.decode()
    assert own == f"vigil 0.1.0 (commit {commit})\n"
    git = subprocess.run(["git", "-C", os.path.dirname(__file__), "rev-parse", "HEAD"],
                         capture_output=True, text=True)
    if commit != "unknown" and git.returncode == 0:
        # A release build names the commit it was built from (an ancestor of this checkout).
        assert subprocess.run(["git", "-C", os.path.dirname(__file__), "merge-base",
                               "--is-ancestor", commit, "HEAD"]).returncode == 0
