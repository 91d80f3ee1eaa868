"""vigil where a hostile or unlucky environment tries it: trees that fork while they are
stopped, a /proc of another namespace or none, stopped processes, a child that leaves its
group, names that try to forge log lines, a stderr nobody reads, glibc's own signals.

The escapes are races, so the subreaper cases run many times each (RUNS), counting survivors
in a pids cgroup of the test's own.
"""
import os
import signal
import subprocess

import pytest

from helpers import (PYTHON, ROOT, UNSHARE, VIGIL, PidsCgroup, compiled, leftovers, markers,
                     nsenter, require, shell_leftovers, vigil, wait_for, workload)
from procfs import proc_stat, state_of

RUNS = int(os.environ.get("VIGIL_RACE_RUNS", "20"))


@pytest.fixture
def cgroup(request):
    group = PidsCgroup(f"vigil-test-{os.getpid()}-{request.node.name[:40]}".replace("[", "-").replace("]", ""))
    yield group
    group.remove()


def survivors_after(cgroup, argv, timeout=120, **options):
    """Runs `argv` inside the cgroup to the end; returns (exit code, stderr, what is left)."""
    result = subprocess.run(argv, preexec_fn=cgroup.join, capture_output=True, timeout=timeout,
                            stdin=subprocess.DEVNULL, **options)
    return result.returncode, result.stderr.decode(errors="replace"), cgroup.procs()


# --- 1. nothing escapes the stop ---------------------------------------------------------------

@pytest.mark.parametrize("pid1", [False, True], ids=["subreaper", "pid1"])
def test_a_forking_tree_is_stopped_whole(cgroup, tmp_path, pid1):
    forker = compiled("forker", tmp_path)
    (cgroup.path / "pids.max").write_text("300")
    runs = RUNS if not pid1 else 3
    for run in range(runs):
        # The main child leaves a fork bomb behind (bounded by the cgroup) and exits.
        argv = [VIGIL, "-vvv", "--grace", "0.3s", "sh", "-c", f"{forker} ignore & sleep 0.3; exit 7"]
        code, stderr, left = survivors_after(cgroup, UNSHARE + argv if pid1 else argv)
        assert code == 7, stderr[-3000:]
        assert left == [], f"run {run}: {len(left)} processes survived vigil\n{stderr[-3000:]}"
        assert "exiting anyway" not in stderr


def test_leftovers_that_fork_a_replacement_on_term_are_all_stopped(cgroup, tmp_path):
    count = 50
    for run in range(max(2, RUNS // 5)):
        replacements = tmp_path / f"replacements{run}"
        script = "".join(f"{workload('replace_on_term.sh')} {tmp_path}/ready{run}-{i} {replacements} & "
                         for i in range(count))
        checks = " || ".join(f"[ ! -e {tmp_path}/ready{run}-{i} ]" for i in range(count))
        script += f"while {checks}; do sleep 0.02; done; exit 0"
        code, stderr, left = survivors_after(cgroup, [VIGIL, "-vvv", "--grace", "2s", "sh", "-c", script])
        assert code == 0, stderr[-3000:]
        assert left == [], f"run {run}: {len(left)} survived\n{stderr[-3000:]}"
        assert len(replacements.read_text().split()) == count   # every leftover did replace itself
        assert "exiting anyway" not in stderr


def test_a_grandchild_whose_parent_was_killed_is_killed_too(cgroup, tmp_path):
    # The parent ignores TERM and so does its child: both are SIGKILLed when the grace ends.
    # Killing the parent first re-parents the grandchild to vigil mid-pass.
    # With many grandchildren, killing the parent re-parents the later ones mid-pass.
    children = " ".join(["sh -c \"trap '' TERM; exec sleep 1000\" &"] * 30)
    tree = f"(trap '' TERM; {children} exec sleep 1000) & sleep 0.3; exit 0"
    for run in range(RUNS):
        code, stderr, left = survivors_after(cgroup, [VIGIL, "-vvv", "--grace", "0.2s", "sh", "-c", tree])
        assert code == 0, stderr
        assert left == [], f"run {run}: {left} survived\n{stderr}"


def test_a_grandchild_whose_parent_died_of_the_stop_signal_gets_it_too(cgroup, tmp_path):
    for run in range(RUNS):
        marker, ready = tmp_path / f"marker{run}", tmp_path / f"ready{run}"
        grandchild = f"{PYTHON} {workload('leftover.py')} {marker} 0 {ready}"
        # The parent dies of TERM (default action); the grandchild stops cleanly on TERM.
        tree = f"(sh -c '{grandchild}' & exec sleep 1000) & while [ ! -e {ready} ]; do sleep 0.02; done; exit 0"
        code, stderr, left = survivors_after(cgroup, [VIGIL, "-vvv", "--grace", "60s", "sh", "-c", tree], timeout=50)
        assert code == 0, stderr
        assert marker.exists(), f"run {run}: the grandchild never got TERM\n{stderr}"
        assert left == []


# --- 2. a /proc that is not this namespace's, or none ---------------------------------------------

def test_a_proc_of_another_namespace_is_never_used():
    # unshare without --mount-proc: vigil is PID 1 with the host's /proc.
    result = subprocess.run(["unshare", "--pid", "--fork", VIGIL, "--grace", "60s", "sh", "-c", "exit 3"],
                            capture_output=True, timeout=30)
    assert result.returncode == 3, result.stderr
    err = result.stderr.decode()
    assert "/proc does not show this PID namespace" in err
    assert "SIGKILL" not in err and "kthreadd" not in err


def test_without_its_own_proc_pid_1_still_stops_what_is_left(tmp_path):
    result = subprocess.run(["unshare", "--pid", "--fork", VIGIL, "sh", "-c", leftovers(tmp_path, 2) + "exit 4"],
                            capture_output=True, timeout=60)
    assert result.returncode == 4, result.stderr
    assert markers(tmp_path, 2) == [True, True]


@pytest.mark.parametrize("how", ["no descriptors", "empty /proc"])
def test_a_subreaper_without_proc_stops_the_childs_group(tmp_path, how):
    script = shell_leftovers(tmp_path, 2) + "exit 5"
    if how == "no descriptors":
        # 0-2 and the signalfd: vigil cannot open /proc, nor a pidfd.
        argv = ["prlimit", "--nofile=4:4", VIGIL, "sh", "-c", script]
    else:
        # The debug build's Swift runtime reads /proc/self/exe as it starts and aborts without
        # it; the release binary (Embedded Swift, the one users run) does not.
        binary = VIGIL if os.path.getsize(VIGIL) < 2_000_000 else str(ROOT / ".build" / "dist" / "vigil")
        require(os.path.exists(binary), "the release binary is not built (scripts/build-release)")
        argv = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
                f"mount -t tmpfs none /proc && exec {binary} sh -c \"$0\"", script]
    result = subprocess.run(argv, capture_output=True, timeout=60)
    assert result.returncode == 5, result.stderr
    assert markers(tmp_path, 2) == [True, True]
    if how == "empty /proc":
        assert b"only the child's process group can be stopped" in result.stderr


# --- 3. stopped processes get CONT after the stop signal ----------------------------------------

@pytest.mark.timing
def test_a_stopped_main_child_handles_the_stop_request(launch, tmp_path):
    marker = tmp_path / "marker"
    run = launch(["-vvv", "--kill-after", "60s", PYTHON, workload("leftover.py"), str(marker), "0",
                  str(tmp_path / "ready")], pid1=False)
    wait_for((tmp_path / "ready").exists, what="the child")
    child = int((tmp_path / "ready").read_text())
    os.kill(child, signal.SIGSTOP)
    wait_for(lambda: state_of(child) == "T", what="the child to stop")
    run.signal(signal.SIGTERM)
    assert run.wait(timeout=30) == 0, run.stderr   # it ran its handler, long before kill-after
    assert marker.exists()


@pytest.mark.timing
def test_a_stopped_leftover_handles_the_stop_signal(tmp_path):
    ready = tmp_path / "ready0"
    script = leftovers(tmp_path, 1) + f"kill -STOP $(cat {ready}); exit 0"
    result = vigil(["-vvv", "--grace", "60s", "sh", "-c", script], pid1=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert markers(tmp_path, 1) == [True]


# --- 4. the draining tree gets stop requests and chosen rewrites only ---------------------------

@pytest.mark.timing
@pytest.mark.parametrize("mode", ["pause", "command"])
def test_other_signals_are_not_broadcast_during_the_shutdown(launch, tmp_path, mode):
    output, ready, done = tmp_path / "signals", tmp_path / "ready", tmp_path / "done"
    output.touch()
    stopper = [PYTHON, workload("record_during_stop.py"), str(output), str(ready), str(done)]
    if mode == "pause":
        run = launch(["-vvv", "--pause"])
        outsider = subprocess.Popen(nsenter(run.vigil_pid, *stopper))
    else:
        go = tmp_path / "go"
        run = launch(["-vvv", "--rewrite", "USR2:HUP", "sh", "-c",
                      " ".join(stopper) + f" & while [ ! -e {go} ]; do sleep 0.02; done; exit 0"])
    wait_for(ready.exists, what="the recorder")
    if mode == "pause":
        run.signal(signal.SIGTERM)
    else:
        go.touch()
    wait_for(lambda: f"{int(signal.SIGTERM)}\n" in output.read_text(), what="TERM at the recorder")
    sent = [signal.SIGUSR1, signal.SIGWINCH] + ([signal.SIGUSR2] if mode == "command" else [])
    for number in sent:   # USR2: the user chose to rewrite it, so it arrives as HUP
        run.signal(number)
    for name in (signal.Signals(number).name for number in sent):
        wait_for(lambda: f"received {name} from" in run.stderr, what=f"vigil to take {name}")
    # vigil takes signals one at a time: once it logs a second USR1, it has acted on those before.
    run.signal(signal.SIGUSR1)
    wait_for(lambda: run.stderr.count("received SIGUSR1 from") == 2, what="vigil to take the second USR1")
    if mode == "command":
        wait_for(lambda: f"{int(signal.SIGHUP)}\n" in output.read_text(), what="HUP at the recorder")
    done.touch()
    assert run.wait() == 0, run.stderr
    got = [int(line) for line in output.read_text().split()]
    assert got[:2] == [signal.SIGTERM, signal.SIGCONT]
    assert signal.SIGUSR1 not in got and signal.SIGWINCH not in got
    assert (signal.SIGHUP in got) == (mode == "command")
    if mode == "pause":
        outsider.wait(timeout=30)


# --- 5. -g with a child that leaves its group ----------------------------------------------------

LEAVES_ITS_GROUP = """
import os, signal, sys, time
grandchild = os.fork()
if grandchild == 0:
    os.setpgid(0, 0)
    time.sleep(1000)
while os.getpgid(grandchild) != grandchild:
    time.sleep(0.01)
os.setpgid(0, grandchild)          # the child's own group is now empty
signal.signal(signal.SIGTERM, lambda *a: open(sys.argv[1], "w").close())
open(sys.argv[2], "w").close()
while True:
    time.sleep(1000)
"""


@pytest.mark.timing
def test_group_signals_reach_a_child_that_left_its_group(launch, tmp_path):
    got_term, ready = tmp_path / "got-term", tmp_path / "ready"
    run = launch(["-vvv", "-g", "--kill-after", "5s", PYTHON, "-c", LEAVES_ITS_GROUP, str(got_term), str(ready)])
    wait_for(ready.exists, what="the child to leave its group")
    run.signal(signal.SIGTERM)
    wait_for(got_term.exists, what="TERM at the child")
    # It handles TERM and stays: kill-after's SIGKILL reaches it too.
    assert run.wait(timeout=60) == 137, run.stderr


# --- 6. and 7. nothing a process or a user writes can forge a line ------------------------------

# A process name holds at most 15 bytes.
FORGED = "x\\nvigil: forged"


def test_names_that_hold_a_newline_are_escaped(tmp_path):
    ready = tmp_path / "ready"
    script = (f"{PYTHON} {workload('set_name.py')} '{FORGED}' {ready} & "
              f"while [ ! -e {ready} ]; do sleep 0.02; done; exit 0")
    result = vigil(["-w", "--grace", "0", "sh", "-c", script], pid1=True)
    err = result.stderr.decode()
    assert result.returncode == 0, err
    assert not any(line.startswith("vigil: forged") for line in err.splitlines()), err
    assert "(x\\nvigil: forged)" in err

    orphan_ready = tmp_path / "orphan"
    script = (f"sh -c '{PYTHON} {workload('set_name.py')} \"{FORGED}\" {orphan_ready} exit &'; "
              f"while [ ! -s {orphan_ready} ]; do sleep 0.02; done")
    result = vigil(["-w", "sh", "-c", script])
    err = result.stderr.decode()
    assert "reaped zombie process" in err and "(x\\nvigil: forged)" in err, err
    assert not any(line.startswith("vigil: forged") for line in err.splitlines()), err


@pytest.mark.parametrize("name,option", [("vigil", "-p"), ("tini", "-p"), ("dumb-init", "-r")])
def test_usage_errors_stay_one_line(tmp_path, name, option):
    binary = VIGIL if name == "vigil" else str(tmp_path / name)
    if name != "vigil":
        os.symlink(VIGIL, binary)
    for value in ["TERM\nvigil: forged", "x" * 100_000]:
        result = subprocess.run([binary, option, value, "true"], capture_output=True, timeout=60)
        lines = result.stderr.decode().splitlines()
        assert len(lines) == 2, lines[:3]        # the problem, and where to find help
        assert len(result.stderr) < 1000
        assert "\\n" in lines[0] or "..." in lines[0]


# --- 8. glibc's own signals (dropped) ----------------------------------------------------------------------

@pytest.mark.timing
@pytest.mark.parametrize("number", [32, 33])
def test_glibcs_own_signals_are_dropped_not_fatal(launch, number):
    run = launch(["-v", "sleep", "1000"], pid1=False)
    child = run.child_pid()
    wait_for(lambda: (proc_stat(child) or {}).get("comm") == "sleep", what="sleep")
    os.kill(run.vigil_pid, number)
    wait_for(lambda: f"not forwarding signal {number} from pid" in run.stderr, what="the drop to be logged")
    # vigil lived, and sleep never got it: TERM still ends sleep as TERM does.
    os.kill(run.vigil_pid, signal.SIGTERM)
    assert run.wait() == 143, run.stderr


def test_a_rewrite_of_signal_33_still_applies(launch):
    run = launch(["--rewrite", "33:USR1", "sleep", "1000"], pid1=False)
    child = run.child_pid()
    wait_for(lambda: (proc_stat(child) or {}).get("comm") == "sleep", what="sleep")
    os.kill(run.vigil_pid, 33)
    assert run.wait() == 128 + signal.SIGUSR1, run.stderr


def test_parent_death_signal_32_does_not_end_vigil(tmp_path):
    log, started = tmp_path / "log", tmp_path / "started"
    # The shell exits once vigil runs its child: vigil has read its parent and set -p by then.
    subprocess.run(["sh", "-c", f"{VIGIL} -v -p 32 sh -c 'touch {started}; exec sleep 1000' 2>{log} & "
                    f"while [ ! -e {started} ]; do sleep 0.01; done"], timeout=60, check=True)
    wait_for(lambda: "killed by" in log.read_text(), what="sleep to die of signal 32")
    assert "killed by signal 32" in log.read_text() or "SIGRTMIN" in log.read_text(), log.read_text()


# --- 9. a stderr nobody reads --------------------------------------------------------------------

def test_logging_never_blocks_reaping():
    # stderr is a pipe this test does not read until the end: 3,000 reaped orphans make far
    # more -w lines than a pipe holds.
    process = subprocess.Popen(UNSHARE + [VIGIL, "-vvv", "-w", PYTHON, workload("orphans.py"), "3000"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    try:
        report = process.stdout.readline().decode()
        assert "zombies=0" in report, report
        err = process.stderr.read().decode(errors="replace")
        assert process.wait(timeout=60) == 0
        assert "log lines dropped: stderr was not writable" in err
    finally:
        process.kill()


# --- 10. an empty command ------------------------------------------------------------------------

def test_an_empty_command_is_not_found(tmp_path):
    tini = tmp_path / "tini"
    os.symlink(VIGIL, tini)
    result = subprocess.run([str(tini), "-s", "--", ""], capture_output=True, timeout=60)
    assert result.returncode == 127
    assert result.stderr.decode().endswith("] exec  failed: No such file or directory\n"), result.stderr
    result = subprocess.run([VIGIL, ""], capture_output=True, timeout=60)
    assert result.returncode == 127
    assert result.stderr.decode() == "vigil: error: cannot run '': command not found\n"
