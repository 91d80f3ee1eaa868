"""Several processes (issue 13), starting: init tasks in order before everything else, then the
sidecars in order, each ready (notify, exec or tcp check) before the next, then the main process;
and what a readiness check may and may not do.

Each test runs as PID 1 of a fresh PID namespace and as a subreaper (as_pid1), but for the two
on notify sockets in a network namespace (PID 1 only). The processes log to one shared event
log (services.py); assertions are on its order and counts.
"""
import re
import signal
import subprocess
import time

import pytest

from helpers import PYTHON, VIGIL, vigil, wait_for
from procfs import command_line, descendants, environment, state_of, status_field
from services import (events, find_descendant, free_port, init, service, sh, sidecar, wait_for_event,
                      wait_for_stderr, words)


# --- init tasks -------------------------------------------------------------------------------

def test_init_tasks_run_in_order_before_the_sidecars_and_the_main(tmp_path, as_pid1):
    log = tmp_path / "log"
    args = (["-v"] + init("i1", sh(f"echo i1 run >> {log}"))
            # A sidecar given before an init task still starts after every init task.
            + sidecar("s", service("s", log, "notify")) + ["--ready", "s=notify"]
            + init("i2", sh(f"echo i2 run >> {log}")) + init("i3", sh(f"echo i3 run >> {log}"))
            + ["--"] + service("main", log, "exit", 5))
    result = vigil(args, pid1=as_pid1)
    assert result.returncode == 5, result.stderr
    assert events(log) == ["i1 run", "i2 run", "i3 run", "s start", "s notifying", "main start", "main exit 5",
                           "s TERM"]


@pytest.mark.parametrize("failure,code,how", [("exit 3", 3, "exited with code 3"),
                                              ("kill -USR1 $$", 128 + signal.SIGUSR1, "killed by SIGUSR1")])
def test_a_failing_init_task_stops_the_start_up(tmp_path, as_pid1, failure, code, how):
    log = tmp_path / "log"
    args = (["-v"] + init("i1", sh(f"echo i1 run >> {log}")) + init("i2", sh(f"echo i2 run >> {log}; {failure}"))
            + init("i3", sh(f"echo i3 run >> {log}")) + sidecar("s", service("s", log))
            + ["--"] + service("main", log))
    result = vigil(args, pid1=as_pid1)
    assert result.returncode == code, result.stderr
    assert events(log) == ["i1 run", "i2 run"]  # nothing after it started
    assert f"vigil: error: i2: {how}; nothing more starts" in result.stderr.decode()


# --- sidecars: start order and readiness ------------------------------------------------------

def test_sidecars_start_in_order_each_ready_before_the_next(tmp_path, as_pid1):
    log, ready = tmp_path / "log", tmp_path / "a.ready"
    port_b, port_c = free_port(), free_port()
    check_a = words(sh(f"echo a check >> {log}; test -e {ready}"))
    # Each takes a while to become ready, so that a start that did not wait would show.
    args = (["-v"]
            + sidecar("a", service("a", log, "sleep", 0.2, "touch", ready)) + ["--ready", f"a=exec:{check_a}"]
            + sidecar("b", service("b", log, "sleep", 0.2, "listen", f"127.0.0.1:{port_b}"))
            + ["--ready", f"b=tcp:{port_b}"]
            + sidecar("c", service("c", log, "sleep", 0.2, "listen", f"127.0.0.1:{port_c}"))
            + ["--ready", f"c=tcp:127.0.0.1:{port_c}"]
            + sidecar("d", service("d", log, "env", "NOTIFY_SOCKET", "sleep", 0.2, "notify"))
            + ["--ready", "d=notify"]
            + ["--"] + service("main", log, "env", "NOTIFY_SOCKET", "exit", 0))
    result = vigil(args, pid1=as_pid1)
    stderr = result.stderr.decode()
    assert result.returncode == 0, stderr
    lines = events(log)
    checks = [index for index, line in enumerate(lines) if line == "a check"]
    assert checks and max(checks) < lines.index("b start"), lines  # polled until it passed, then b
    others = [line for line in lines if line != "a check"]
    assert re.fullmatch(r"d env NOTIFY_SOCKET=@\S+", others[7]), others
    others[7] = "d env NOTIFY_SOCKET=@..."
    assert others == [
        "a start", "a touching", "b start", "b listening", "c start", "c listening",
        "d start", "d env NOTIFY_SOCKET=@...", "d notifying",
        "main start", "main env NOTIFY_SOCKET unset", "main exit 0",  # NOTIFY_SOCKET is d's only
        "d TERM", "c TERM", "b TERM", "a TERM"]
    progress = re.findall(r"^vigil: ([a-d]): (started|ready)", stderr, re.MULTILINE)
    assert progress == [(name, what) for name in "abcd" for what in ("started", "ready")], stderr


@pytest.mark.timing
def test_a_required_sidecar_not_ready_in_time_fails_its_starts_and_ends_vigil(tmp_path, as_pid1):
    log = tmp_path / "log"
    args = (["-v"] + sidecar("s", ["sleep", "1000"])
            + ["--ready", "s=notify", "--start-timeout", "s=300ms", "--backoff", "s=0", "--max-restarts", "s=1",
               "--required", "s"]
            + ["--"] + service("main", log))
    result = vigil(args, pid1=as_pid1)
    stderr = result.stderr.decode()
    assert result.returncode == 128 + signal.SIGKILL, stderr
    assert stderr.count("vigil: s: started (pid") == 2                 # the first start and one restart
    assert stderr.count("vigil: warning: s: not ready in time; stopping it") == 2
    assert "vigil: error: s: killed by SIGKILL and stays down; stopping everything" in stderr
    assert events(log) == []                                           # the main never started


@pytest.mark.timing
def test_a_sidecar_not_ready_in_time_that_is_not_required_lets_the_start_up_go_on(tmp_path, as_pid1):
    log = tmp_path / "log"
    args = (["-v"] + sidecar("s", ["sleep", "1000"])
            + ["--ready", "s=exec:false", "--start-timeout", "s=300ms", "--restart", "s=never"]
            + ["--"] + service("main", log, "exit", 4))
    result = vigil(args, pid1=as_pid1)
    stderr = result.stderr.decode()
    assert result.returncode == 4, stderr
    assert stderr.count("vigil: warning: s: not ready in time; stopping it") == 1
    assert "vigil: warning: s: killed by SIGKILL and stays down" in stderr
    assert events(log) == ["main start", "main exit 4"]


@pytest.mark.timing
def test_a_readiness_check_that_never_ends_goes_with_the_start_it_was_checking(launch, tmp_path, as_pid1):
    log, go = tmp_path / "log", tmp_path / "go"
    args = (["-v"] + sidecar("s", ["sleep", "1001"])
            + ["--ready", "s=exec:sleep 1002", "--start-timeout", "s=300ms", "--max-restarts", "s=2",
               "--backoff", "s=0"]
            + ["--"] + service("main", log, "after", go, "exit", 0))
    run = launch(args, pid1=as_pid1)
    wait_for_stderr(run, "vigil: warning: s: killed by SIGKILL and stays down")
    assert run.stderr.count("vigil: warning: s: not ready in time; stopping it") == 3

    def checks_left():
        return [pid for pid in descendants(run.vigil_pid) if command_line(pid).strip() == "sleep 1002"]
    # No check of a failed start is left running: each went with its start.
    wait_for(lambda: not checks_left(), what="the checks of the failed starts to be stopped")
    go.touch()
    assert run.wait() == 0, run.stderr


@pytest.mark.timing
def test_a_check_attempt_that_hangs_is_given_up_and_the_next_one_passes(launch, tmp_path, as_pid1):
    log, go, marker = tmp_path / "log", tmp_path / "go", tmp_path / "tried"
    # The first attempt hangs in a child of the check's shell; the second passes.
    check = f"if [ -e {marker} ]; then exit 0; fi; touch {marker}; sleep 1003; exit 0"
    args = (sidecar("s", ["sleep", "1001"])
            + ["--ready", f"s=exec:{words(['sh', '-c', check])}", "--ready-timeout", "s=500ms", "--start-timeout", "s=60s"]
            + ["--"] + service("main", log, "after", go, "exit", 0))
    run = launch(args, pid1=as_pid1)
    wait_for_event(log, "main start")
    # Once, unless a loaded machine kept the first attempt from even reaching its touch.
    assert run.stderr.count("vigil: warning: s: readiness check still running after 500ms; trying again") >= 1, run.stderr
    # The hung attempt went with its whole process group.
    wait_for(lambda: not [pid for pid in descendants(run.vigil_pid) if command_line(pid).strip() == "sleep 1003"],
             what="the hung check's sleep to be killed")
    go.touch()
    assert run.wait() == 0, run.stderr


def test_two_vigils_as_pid_1_in_one_network_namespace_each_have_a_notify_socket(launch, tmp_path):
    """Containers of a Kubernetes pod share one network namespace, each with vigil as PID 1 of
    its own PID namespace; abstract socket names live in the network namespace. (PID 1 only:
    as subreapers the two vigils have different PIDs anyway.)"""
    log = tmp_path / "log"
    first = launch(sidecar("log", service("log1", log, "notify")) + ["--ready", "log=notify", "--"]
                   + service("main1", log))
    wait_for_event(log, "main1 start")
    second = vigil(sidecar("log", service("log2", log, "notify"))
                   + ["--ready", "log=notify", "--restart", "log=never", "--required", "log", "--"]
                   + service("main2", log, "exit", 0), pid1=True)
    assert second.returncode == 0, second.stderr
    assert "log2 notifying" in events(log) and "main2 start" in events(log)
    first.signal(signal.SIGTERM)
    assert first.wait() == 0, first.stderr


FORGE_READY = """
import socket, sys
name = sys.argv[1]
sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sender.sendto(b"READY=1\\n", ("\\0" + name[1:]) if name.startswith("@") else name)
"""


def test_a_forged_ready_notification_is_ignored(launch, tmp_path):
    """The notify socket's name is in the sidecar's environment and in /proc/net/unix. Root in
    another PID namespace sharing the network namespace, and a process of the container that
    is not the sidecar, both send READY=1: neither counts. Only the sidecar's own does."""
    log, go = tmp_path / "log", tmp_path / "go"
    run = launch(sidecar("s", service("s", log, "after", go, "notify")) + ["--ready", "s=notify", "--"]
                 + service("main", log))
    wait_for_event(log, "s start")
    sidecar_pid = find_descendant(run.vigil_pid, words(service("s", log, "after", go, "notify")))
    name = environment(sidecar_pid)["NOTIFY_SOCKET"]
    subprocess.run(["unshare", "--pid", "--fork", "--mount-proc", PYTHON, "-c", FORGE_READY, name],
                   check=True, timeout=60)
    subprocess.run(["nsenter", "--target", str(run.vigil_pid), "--pid", "--mount", "--", PYTHON, "-c", FORGE_READY,
                    name], check=True, timeout=60)
    # Two requests on the control channel: the second is read on a later wake-up than the
    # datagrams, which were queued before the first.
    for _ in range(2):
        status = subprocess.run(["nsenter", "--target", str(run.vigil_pid), "--pid", "--mount", "--", VIGIL, "status"],
                                capture_output=True, text=True, timeout=60)
    assert [line.split()[2] for line in status.stdout.splitlines() if line.startswith("s ")] == ["starting"]
    assert "main start" not in events(log)
    go.touch()
    wait_for_event(log, "main start")
    assert events(log).index("s notifying") < events(log).index("main start")
    run.signal(signal.SIGTERM)
    assert run.wait() == 0, run.stderr


def test_readiness_checks_run_in_vigils_working_directory(tmp_path, as_pid1):
    directory = tmp_path / "work"
    directory.mkdir()
    log = tmp_path / "log"
    args = (sidecar("a", service("a", log, "touch", directory / "a.ready"))
            + ["--ready", "a=exec:test -e a.ready", "--start-timeout", "a=30s", "--restart", "a=never",
               "--required", "a"]
            + sidecar("b", service("b", log, "touch", directory / "b.ready"))
            + ["--ready", "b=exec:test -e b.ready", "--start-timeout", "b=30s", "--restart", "b=never",
               "--required", "b"]
            + ["--"] + service("main", log, "exit", 0))
    result = vigil(args, pid1=as_pid1, cwd=directory)
    assert result.returncode == 0, result.stderr
    assert "main start" in events(log)


def test_no_wake_ups_once_every_sidecar_is_ready(launch, tmp_path, as_pid1):
    log, ready, port = tmp_path / "log", tmp_path / "a.ready", free_port()
    args = (sidecar("a", service("a", log, "touch", ready)) + ["--ready", f"a=exec:{words(['test', '-e', ready])}"]
            + sidecar("b", service("b", log, "listen", f"127.0.0.1:{port}")) + ["--ready", f"b=tcp:{port}"]
            + sidecar("c", service("c", log, "notify")) + ["--ready", "c=notify", "--prefix-output=c"]
            + ["--"] + service("main", log))
    run = launch(args, pid1=as_pid1)
    wait_for_event(log, "main start")
    # Once vigil is asleep (a loaded machine may not have let it get there yet).
    wait_for(lambda: state_of(run.vigil_pid) == "S", what="vigil to wait")
    before = status_field(run.vigil_pid, "voluntary_ctxt_switches")
    time.sleep(1)  # the measurement window itself, not a wait for a condition
    after = status_field(run.vigil_pid, "voluntary_ctxt_switches")
    assert after - before == 0
    run.signal(signal.SIGTERM)
    assert run.wait() == 0, run.stderr
