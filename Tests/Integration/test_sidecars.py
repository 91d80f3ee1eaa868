"""Several processes in one container (issue 13): init tasks, sidecars and a main process.

Every test runs twice, with vigil as PID 1 of a fresh PID namespace and as a subreaper, but
for two where that cannot matter (a comparison of messages; two vigils that are both PID 1). The
processes are workloads/service.py (or sh for the quick ones): each appends "NAME EVENT"
lines to one shared log, so the tests read what happened, and in which order, from the log.
Waits are bounded polls; assertions are on order and counts. Where a test looks at time, it
is a lower bound that load can only make truer (a restart comes at least its delay after the
exit), never an upper one.
"""
import os
import pathlib
import re
import select
import shlex
import signal
import socket
import subprocess
import time

import pytest

from helpers import PYTHON, VIGIL, vigil, wait_for, workload
from procfs import (command_line, descendants, environment, state_of, status_field, status_ids, syscall_number,
                    wchan)

SERVICE = workload("service.py")
HELP_HINT = "Try 'vigil --help' for more information."


@pytest.fixture(params=["pid1", "subreaper"])
def as_pid1(request):
    """Each test as PID 1 of a new PID namespace, and as a subreaper (not PID 1)."""
    return request.param == "pid1"


# --- building command lines -------------------------------------------------------------------

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


def delays_announced(stderr, name, code):
    """The restart delays vigil announced for `name`, in order."""
    return re.findall(rf"vigil: warning: {name}: exited with code {code}; restarting in (\S+)", stderr)


def seconds(text):
    """"100ms" or "1.5s" (vigil's log format) in seconds."""
    return float(text[:-2]) / 1000 if text.endswith("ms") else float(text[:-1])


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
    assert f"vigil: i2: {how}; nothing more starts" in result.stderr.decode()


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
    assert "vigil: s: killed by SIGKILL and stays down; stopping everything" in stderr
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


# --- restarts ---------------------------------------------------------------------------------

@pytest.mark.parametrize("policy,code,limit,starts", [
    ("always", 0, 2, 3), ("always", 1, 2, 3), ("on-failure", 1, 2, 3), ("on-failure", 0, None, 1),
    ("never", 1, None, 1),
])
def test_restart_policies(launch, tmp_path, as_pid1, policy, code, limit, starts):
    log, go = tmp_path / "log", tmp_path / "go"
    args = (sidecar("s", sh(f"echo s start >> {log}; exit {code}"))
            + ["--restart", f"s={policy}", "--backoff", "s=0"]
            + (["--max-restarts", f"s={limit}"] if limit is not None else [])
            + ["--"] + service("main", log, "after", go, "exit", 0))
    run = launch(args, pid1=as_pid1)
    wait_for_stderr(run, f"vigil: warning: s: exited with code {code} and stays down")
    wait_for_event(log, "main start")
    # Down for good, and not required: logged, and the main carries on.
    assert events(log).count("s start") == starts
    assert run.stderr.count("restarting in 0s") == starts - 1
    assert "main TERM" not in events(log)
    go.touch()
    assert run.wait() == 0, run.stderr
    assert events(log).count("s start") == starts


@pytest.mark.timing
def test_restarts_back_off_doubling_up_to_the_cap(launch, tmp_path, as_pid1):
    log, go = tmp_path / "log", tmp_path / "go"
    stamp = f"import time; open({str(log)!r}, 'a').write(f'start {{time.monotonic()}}\\n'); raise SystemExit(1)"
    args = (sidecar("s", [PYTHON, "-I", "-S", "-c", stamp])
            + ["--backoff", "s=100ms", "--backoff-max", "s=400ms", "--max-restarts", "s=5"]
            + ["--"] + service("main", log, "after", go, "exit", 0))
    run = launch(args, pid1=as_pid1)
    wait_for_stderr(run, "vigil: warning: s: exited with code 1 and stays down")
    delays = delays_announced(run.stderr, "s", 1)
    assert delays == ["100ms", "200ms", "400ms", "400ms", "400ms"], run.stderr
    starts = [float(line.split()[1]) for line in events(log) if line.startswith("start ")]
    assert len(starts) == 6
    # A lower bound only: each start came at least its delay after the one before.
    for before, after, delay in zip(starts, starts[1:], delays):
        assert after - before >= seconds(delay), (starts, delays)
    go.touch()
    assert run.wait() == 0, run.stderr


@pytest.mark.timing
def test_the_backoff_starts_over_after_a_run_longer_than_backoff_reset(launch, tmp_path, as_pid1):
    log, count, go = tmp_path / "log", tmp_path / "count", tmp_path / "go"
    # The third run lasts longer than --backoff-reset; the others exit at once.
    script = (f"n=$(cat {count} 2>/dev/null || echo 0); n=$((n + 1)); echo $n > {count}; "
              f"echo s start $n >> {log}; if [ $n = 3 ]; then sleep 3.1; fi; exit 1")
    args = (sidecar("s", sh(script))
            + ["--backoff", "s=100ms", "--backoff-max", "s=10s", "--backoff-reset", "s=3s",
               "--max-restarts", "s=4"]
            + ["--"] + service("main", log, "after", go, "exit", 0))
    run = launch(args, pid1=as_pid1)
    wait_for_stderr(run, "vigil: warning: s: exited with code 1 and stays down")
    # The long third run starts the doubling and the count of restarts in a row over:
    # without the reset, 100ms, 200ms, 400ms, 800ms and down after the fifth run.
    assert delays_announced(run.stderr, "s", 1) == ["100ms", "200ms", "100ms", "200ms", "400ms", "800ms"], run.stderr
    assert [line for line in events(log) if line.startswith("s ")] == [f"s start {n}" for n in range(1, 8)]
    go.touch()
    assert run.wait() == 0, run.stderr


# --- what ends vigil --------------------------------------------------------------------------

@pytest.mark.parametrize("settings,code,main_signal,runs", [
    (["--restart", "r=never"], 3, "TERM", 1),
    (["--max-restarts", "r=2", "--backoff", "r=0", "--stop-signal", "main=USR1"], 3, "USR1", 3),
    # A main that ignores its stop signal is SIGKILLed after --kill-after; the status stays r's.
    (["--restart", "r=never", "--kill-after", "300ms"], 3, "TERM ignored", 1),
])
def test_a_required_sidecar_down_for_good_stops_everything_with_its_status(
        tmp_path, as_pid1, settings, code, main_signal, runs):
    log, up = tmp_path / "log", tmp_path / "main.up"
    ignore = ["ignore", "TERM"] if main_signal == "TERM ignored" else []
    args = (["-v"] + sidecar("other", service("other", log, "notify")) + ["--ready", "other=notify"]
            + sidecar("r", service("r", log, "after", up, "exit", code)) + ["--required", "r"] + settings
            + ["--"] + service("main", log, *ignore, "touch", up, "stop-code", 0))
    result = vigil(args, pid1=as_pid1)
    stderr = result.stderr.decode()
    assert result.returncode == code, stderr   # r's status, not the main's 0
    assert f"vigil: r: exited with code {code} and stays down; stopping everything" in stderr
    lines = events(log)
    assert lines.count("r start") == runs
    assert lines.index("main start") < lines.index(f"r exit {code}")
    if main_signal == "TERM ignored":
        # (The main may be killed before it had a chance to say that it ignored TERM.)
        assert [line for line in lines if line.startswith("main ")] in (
            ["main start", "main touching"], ["main start", "main touching", "main TERM ignored"]), lines
        assert lines[-1] == "other TERM", lines
        assert re.search(r"^vigil: sending SIGKILL to \d+$", stderr, re.MULTILINE), stderr
    else:
        assert lines[-2:] == [f"main {main_signal}", "other TERM"], lines


@pytest.mark.parametrize("main,options,code", [
    (["exit", 7], [], 7),
    (["exit", 7], ["-e", "7"], 0),
    (None, [], 128 + signal.SIGUSR1),
])
def test_the_main_process_decides_the_exit_code_with_sidecars_running(tmp_path, as_pid1, main, options, code):
    log = tmp_path / "log"
    command = service("main", log, *main) if main else sh(f"echo main start >> {log}; kill -USR1 $$")
    args = (options + sidecar("s1", service("s1", log, "notify")) + ["--ready", "s1=notify"]
            + sidecar("s2", service("s2", log, "notify")) + ["--ready", "s2=notify"] + ["--"] + command)
    result = vigil(args, pid1=as_pid1)
    assert result.returncode == code, result.stderr
    assert events(log)[-2:] == ["s2 TERM", "s1 TERM"]


@pytest.mark.parametrize("pause", [[], ["--pause"]])
def test_without_a_main_process_sidecars_run_until_a_stop_request(launch, tmp_path, as_pid1, pause):
    log = tmp_path / "log"
    args = pause + (sidecar("s1", service("s1", log, "ignore", "USR1", "notify")) + ["--ready", "s1=notify"]
            + sidecar("s2", service("s2", log, "ignore", "USR1", "notify")) + ["--ready", "s2=notify"])
    run = launch(args, pid1=as_pid1)
    wait_for_event(log, "s2 notifying")
    run.signal(signal.SIGUSR1)     # without a main, to every sidecar
    wait_for_event(log, "s1 USR1 ignored")
    wait_for_event(log, "s2 USR1 ignored")
    run.signal(signal.SIGTERM)
    assert run.wait() == 0, run.stderr
    assert events(log)[-2:] == ["s2 TERM", "s1 TERM"]


def test_without_a_main_process_a_required_sidecar_decides_the_exit_code(tmp_path, as_pid1):
    log, ready = tmp_path / "log", tmp_path / "s2.ready"
    args = (sidecar("s1", service("s1", log, "after", ready, "exit", 6)) + ["--required", "s1", "--restart", "s1=never"]
            + sidecar("s2", service("s2", log, "touch", ready)))
    result = vigil(args, pid1=as_pid1)
    assert result.returncode == 6, result.stderr
    assert events(log)[-2:] == ["s1 exit 6", "s2 TERM"]


def test_a_main_command_that_cannot_start_stops_the_sidecars(tmp_path, as_pid1):
    log = tmp_path / "log"
    args = sidecar("s", service("s", log, "notify")) + ["--ready", "s=notify", "--", str(tmp_path / "missing")]
    result = vigil(args, pid1=as_pid1)
    assert result.returncode == 127, result.stderr
    assert events(log) == ["s start", "s notifying", "s TERM"]


@pytest.mark.parametrize("waiting_on", ["an init task", "a sidecar not ready yet"])
def test_a_stop_request_during_the_start_up_starts_nothing_more(launch, tmp_path, as_pid1, waiting_on):
    log = tmp_path / "log"
    if waiting_on == "an init task":
        args = init("i", service("i", log)) + sidecar("s1", service("s1", log))
        last, stop = "i start", ["i TERM"]
    else:
        args = (sidecar("s1", service("s1", log, "notify")) + ["--ready", "s1=notify"]
                + sidecar("s2", service("s2", log)) + ["--ready", "s2=notify"])
        last, stop = "s2 start", ["s2 TERM", "s1 TERM"]
    run = launch(args + sidecar("s3", service("s3", log)) + ["--"] + service("main", log), pid1=as_pid1)
    wait_for_event(log, last)
    run.signal(signal.SIGTERM)
    assert run.wait() == 128 + signal.SIGTERM, run.stderr
    lines = events(log)
    assert lines[lines.index(last) + 1:] == stop, lines
    assert "s3 start" not in lines and "main start" not in lines


def test_nothing_restarts_once_the_stop_has_begun(launch, tmp_path, as_pid1):
    log = tmp_path / "log"
    # a exits while the main is still stopping; b is backing off when the stop begins.
    until_main_stops = f"echo a start >> {log}; until grep -q '^main stopping' {log}; do sleep 0.02; done; exit 1"
    args = (["-v"] + sidecar("a", sh(until_main_stops)) + ["--backoff", "a=0"]
            + sidecar("b", sh(f"echo b start >> {log}; exit 1")) + ["--backoff", "b=1h"]
            + ["--"] + service("main", log, "stop-work", 0.3, "stop-code", 4))
    run = launch(args, pid1=as_pid1)
    wait_for_event(log, "main start")
    wait_for_stderr(run, "vigil: warning: b: exited with code 1; restarting in 3600s")
    run.signal(signal.SIGTERM)
    assert run.wait(timeout=30) == 4, run.stderr   # not an hour: a backoff does not hold up the stop
    lines = events(log)
    assert lines.count("a start") == 1 and lines.count("b start") == 1, lines
    assert "main stopped" in lines
    assert "a: exited with code 1; restarting" not in run.stderr


# --- stopping ---------------------------------------------------------------------------------

def ready_sidecars(log, names, *steps):
    args = []
    for name in names:
        args += sidecar(name, service(name, log, *steps, "notify")) + ["--ready", f"{name}=notify"]
    return args


@pytest.mark.parametrize("trigger", ["stop request", "main exits"])
def test_the_main_stops_first_then_sidecars_one_at_a_time_in_reverse_start_order(
        launch, tmp_path, as_pid1, trigger):
    log, go = tmp_path / "log", tmp_path / "go"
    args = (["-v"] + ready_sidecars(log, ["s1", "s2", "s3"], "stop-work", 0.1)
            + ["--"] + service("main", log, "stop-work", 0.1, "stop-code", 12, "after", go, "exit", 5))
    run = launch(args, pid1=as_pid1)
    wait_for_event(log, "main start")
    if trigger == "stop request":
        run.signal(signal.SIGTERM)
        main_events, code = ["main TERM", "main stopping", "main stopped"], 12
    else:
        go.touch()
        main_events, code = ["main exit 5"], 5
    assert run.wait() == code, run.stderr
    lines = events(log)
    stop = lines[lines.index(main_events[0]):]
    # Each sidecar is done before the next one is asked: no two stop at once.
    assert stop == main_events + [f"{name} {what}" for name in ("s3", "s2", "s1")
                                  for what in ("TERM", "stopping", "stopped")], lines
    stopping = [line.split(": ")[1] for line in run.stderr.splitlines() if line.endswith(": stopping with SIGTERM")]
    assert stopping == ["s3", "s2", "s1"], run.stderr


@pytest.mark.parametrize("options", [[], ["--repeat-stop-kills"]])
def test_a_repeated_stop_request_during_the_sidecars_stop(launch, tmp_path, as_pid1, options):
    log, release = tmp_path / "log", tmp_path / "release"
    args = (["-vvv"] + options + ready_sidecars(log, ["s1"], "stop-work", 0.1)
            + ready_sidecars(log, ["s2"], "stop-after", release) + ["--"] + service("main", log))
    run = launch(args, pid1=as_pid1)
    wait_for_event(log, "main start")
    run.signal(signal.SIGTERM)
    wait_for_event(log, "s2 stopping")
    run.signal(signal.SIGTERM)       # while s2 is still stopping
    if not options:
        # vigil takes signals in order: once it has taken WINCH, it is done with the TERM.
        run.signal(signal.SIGWINCH)
        wait_for_stderr(run, "received SIGWINCH")
        release.touch()
    assert run.wait() == 0, run.stderr
    lines = events(log)
    stop = lines[lines.index("main TERM"):]
    if options:
        # Everything is SIGKILLed at once.
        assert stop == ["main TERM", "s2 TERM", "s2 stopping"], lines
    else:
        # A repeat changes nothing: the order holds, and s1 is not asked before s2 is done.
        s1 = re.search(r"vigil: s1: started \(pid (\d+)\)", run.stderr).group(1)
        assert not re.search(rf"^vigil: sent SIGTERM to .*\b{s1} \(", run.stderr, re.MULTILINE), run.stderr
        assert stop == ["main TERM"] + [f"{name} {what}" for name in ("s2", "s1")
                                        for what in ("TERM", "stopping", "stopped")], lines


def test_signals_other_than_stop_requests_go_to_the_main_only(launch, tmp_path, as_pid1):
    log = tmp_path / "log"
    args = ready_sidecars(log, ["s"], "ignore", "HUP") + ["--"] + service("main", log, "ignore", "HUP")
    run = launch(args, pid1=as_pid1)
    wait_for_event(log, "main start")
    run.signal(signal.SIGHUP)
    wait_for_event(log, "main HUP ignored")
    run.signal(signal.SIGTERM)
    assert run.wait() == 0, run.stderr
    # Had s been sent HUP, it would have taken it before its TERM (the lower number comes first).
    assert events(log)[-3:] == ["main HUP ignored", "main TERM", "s TERM"]


def test_each_sidecar_gets_its_own_stop_signal(launch, tmp_path, as_pid1):
    log = tmp_path / "log"
    args = (ready_sidecars(log, ["s1", "s2", "s3"]) + ["--stop-signal", "s1=INT", "--stop-signal", "s2=USR1"]
            + ["--"] + service("main", log))
    run = launch(args, pid1=as_pid1)
    wait_for_event(log, "main start")
    run.signal(signal.SIGTERM)
    assert run.wait() == 0, run.stderr
    assert events(log)[-4:] == ["main TERM", "s3 TERM", "s2 USR1", "s1 INT"]


@pytest.mark.timing
def test_a_sidecar_that_ignores_term_is_killed_at_the_end_of_its_share(launch, tmp_path, as_pid1):
    log = tmp_path / "log"
    args = (["-v", "--grace", "60s"] + ready_sidecars(log, ["s1"]) + ready_sidecars(log, ["s2"], "ignore", "TERM")
            + ready_sidecars(log, ["s3"]) + ["--grace", "s2=300ms"]
            + ["--"] + service("main", log, "stop-code", 9))
    run = launch(args, pid1=as_pid1)
    wait_for_event(log, "main start")
    run.signal(signal.SIGTERM)
    # Far less than the 60 s grace: s2 had its 300 ms share, and s1 was not held up.
    assert run.wait(timeout=30) == 9, run.stderr
    lines = events(log)
    # (s2 may be killed before it had a chance to say that it ignored TERM.)
    assert [line for line in lines[lines.index("main TERM"):] if line != "s2 TERM ignored"] == [
        "main TERM", "s3 TERM", "s1 TERM"], lines
    assert run.stderr.count("vigil: warning: s2: still running at the end of its grace; sending SIGKILL") == 1
    assert "grace period" not in run.stderr  # nothing was left for the overall grace to kill


@pytest.mark.timing
def test_a_share_longer_than_what_is_left_of_the_grace_is_cut_to_it(launch, tmp_path, as_pid1):
    log = tmp_path / "log"
    args = (["-v", "--grace", "1s"] + ready_sidecars(log, ["s1"]) + ready_sidecars(log, ["s2"], "ignore", "TERM")
            + ["--grace", "s2=1h"] + ["--"] + service("main", log, "stop-code", 9))
    run = launch(args, pid1=as_pid1)
    wait_for_event(log, "main start")
    run.signal(signal.SIGTERM)
    # A per-process grace only shortens its share: the whole stop fits in --grace (not 1 h).
    assert run.wait(timeout=30) == 9, run.stderr
    lines = events(log)
    assert lines[lines.index("main TERM"):] in (["main TERM"], ["main TERM", "s2 TERM ignored"]), lines
    assert "s1 TERM" not in lines   # s1's turn never came: the grace ran out during s2's
    assert "vigil: warning: grace period of 1s expired; sent SIGKILL to" in run.stderr


def test_a_sidecars_stop_signal_goes_to_its_whole_process_group(launch, tmp_path, as_pid1):
    log, up = tmp_path / "log", tmp_path / "g.up"
    # s is a shell that, on TERM, waits for its child g: g must get the TERM too, from vigil.
    shell = f"trap 'wait; exit 0' TERM; {words(service('g', log, 'touch', up))} & wait"
    args = (ready_sidecars(log, ["s0"]) + sidecar("s", sh(shell)) + ["--ready", f"s=exec:{words(['test', '-e', up])}"]
            + ["--"] + service("main", log))
    run = launch(args, pid1=as_pid1)
    wait_for_event(log, "main start")
    run.signal(signal.SIGTERM)
    assert run.wait() == 0, run.stderr
    assert events(log)[-3:] == ["main TERM", "g TERM", "s0 TERM"]
    assert "still running at the end of its grace" not in run.stderr


# --- output -----------------------------------------------------------------------------------

SPEW = """
import os, signal, sys
signal.signal(signal.SIGUSR1, lambda *_: open(sys.argv[1], "a").write("usr1\\n"))
signal.signal(signal.SIGTERM, lambda *_: os._exit(7))
lines, descriptor = b"main line\\n" * 200, int(sys.argv[2])
while True:
    os.write(descriptor, lines)
"""


def blocked_in_pipe_write(pid):
    """Asleep in write(2) to a pipe (or, where the kernel hides wchan, asleep in write(2))."""
    where = wchan(pid)
    if where is None:
        return False
    if where not in ("", "0"):
        return "pipe_write" in where
    return state_of(pid) == "S" and syscall_number(pid) == "1"


def read_what_is_there(pipe):
    """What a pipe holds, up to its end or until nothing more comes for a while."""
    output, descriptor = b"", pipe.fileno()
    os.set_blocking(descriptor, False)
    while select.select([descriptor], [], [], 5)[0]:
        chunk = os.read(descriptor, 1 << 16)
        if not chunk:
            break
        output += chunk
    return output


@pytest.mark.parametrize("stream", ["stdout", "stderr"])
def test_prefixed_output_to_a_stream_nobody_reads_does_not_stop_vigil(launch, tmp_path, as_pid1, stream):
    usr1, go, log = tmp_path / "usr1", tmp_path / "go", tmp_path / "log"
    descriptor = 1 if stream == "stdout" else 2
    flaky = sh(f"echo flaky start >> {log}; while [ ! -e {go} ]; do sleep 0.02; done; exit 1")
    args = (["--prefix-output"] + sidecar("noisy", sh(f"yes noisy >&{descriptor}"))
            + sidecar("flaky", flaky) + ["--backoff", "flaky=0", "--max-restarts", "flaky=3"]
            + ["--", PYTHON, "-c", SPEW, str(usr1), str(descriptor)])
    run = launch(args, pid1=as_pid1, **{stream: subprocess.PIPE})   # never read until vigil exits
    pipe = getattr(run.process, stream)
    try:
        main = find_descendant(run.vigil_pid, f"{PYTHON} -c {SPEW} {usr1} {descriptor}")
        noisy = find_descendant(run.vigil_pid, "yes noisy")
        wait_for(lambda: blocked_in_pipe_write(main) and blocked_in_pipe_write(noisy),
                 what="the writers to block on their full pipes")
        # vigil still forwards signals, reaps and restarts.
        run.signal(signal.SIGUSR1)
        wait_for(usr1.exists, what="USR1 to reach the main")
        go.touch()
        wait_for_event(log, "flaky start", count=4)   # the first start and 3 restarts
        run.signal(signal.SIGTERM)
        assert run.wait(timeout=30) == 7, run.stderr
        # What did get through is whole prefixed lines (and, on stderr, vigil's own).
        lines = read_what_is_there(pipe).split(b"\n")[:-1]
        assert lines and all(line in (b"main | main line", b"noisy | noisy") or line.startswith(b"vigil: ")
                             for line in lines), lines[:5]
    finally:
        pipe.close()
    assert events(log).count("flaky start") == 4


WRITER = """
import os, signal, sys
name, count, done = sys.argv[1], int(sys.argv[2]), sys.argv[3]
sys.stdout.write("".join(f"{name}-line-{index}\\n" for index in range(count)))
if name == "b":
    sys.stdout.write("x" * 70000 + "\\n" + "tail without newline")
sys.stdout.flush()
sys.stderr.write(f"{name}-err\\n")
sys.stderr.flush()
open(done, "w").close()
signal.pause()
"""


def test_prefixed_output_is_whole_lines_each_with_its_name(tmp_path, as_pid1):
    done = {name: tmp_path / f"{name}.done" for name in "abc"}
    wait_all = " || ".join(f"[ ! -e {path} ]" for path in done.values())
    args = (["--prefix-output=a", "--prefix-output=b", "--prefix-output=main"]
            + sidecar("a", [PYTHON, "-c", WRITER, "a", 2000, done["a"]])
            + sidecar("b", [PYTHON, "-c", WRITER, "b", 2000, done["b"]])
            + sidecar("c", [PYTHON, "-c", WRITER, "c", 1, done["c"]])   # not prefixed: straight through
            + ["--"] + sh(f"echo main says hi; while {wait_all}; do sleep 0.02; done"))
    result = vigil(args, pid1=as_pid1)
    assert result.returncode == 0, result.stderr
    # c writes straight to the same pipe: its short line is whole (one write of less than
    # PIPE_BUF), but it may land inside a 64 KiB piece of b's, which the pipe takes in parts.
    text = result.stdout.decode()
    assert text.count("c-line-0\n") == 1
    out = text.replace("c-line-0\n", "").splitlines()
    assert [line for line in out if line.startswith("a | ")] == [f"a | a-line-{index}" for index in range(2000)]
    b_lines = [line for line in out if line.startswith("b | b-line")]
    assert b_lines == [f"b | b-line-{index}" for index in range(2000)]
    pieces = [line[4:] for line in out if line.startswith("b | x")]
    # A line over 64 KiB is cut into lines of at most 64 KiB; an unfinished last line is ended.
    assert len(pieces) > 1 and all(len(piece) <= 65536 for piece in pieces) and "".join(pieces) == "x" * 70000
    assert "b | tail without newline" in out
    assert "main | main says hi" in out
    assert len(out) == 2000 + 2000 + len(pieces) + 2, [line[:40] for line in out
                                                        if not re.match(r"[ab] \| [ab]-line-\d+$", line)]
    err = result.stderr.decode().splitlines()
    assert "a | a-err" in err and "b | b-err" in err and "c-err" in err


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


# --- users and working directories -----------------------------------------------------------

@pytest.mark.parametrize("user,ids", [
    ("nobody", (65534, 65534, [65534])),
    ("12345", (12345, 0, [0])),
    ("nobody:12", (65534, 12, [12])),
    ("nobody:nogroup", (65534, 65534, [65534])),
])
def test_a_process_runs_as_the_user_it_is_given(launch, as_pid1, user, ids):
    uid, gid, groups = ids
    args = (["--user", f"s={user}", "--user", f"main={user}"] + sidecar("s", ["sleep", "3601"])
            + ["--", "sleep", "3602"])
    run = launch(args, pid1=as_pid1)
    for text in ("sleep 3601", "sleep 3602"):
        pid = find_descendant(run.vigil_pid, text)
        assert status_ids(pid) == ([uid] * 4, [gid] * 4, groups), text
    run.signal(signal.SIGTERM)
    assert run.wait() == 128 + signal.SIGTERM, run.stderr


def test_an_exec_check_runs_as_its_process_does(tmp_path, as_pid1):
    """As a probe runs inside its container: the process's user, environment and directory."""
    log = tmp_path / "log"
    check = "sh -c 'test $(id -u) = 65534 && test \"$MARK\" = for-s && test $(pwd) = /tmp'"
    args = (sidecar("s", ["sleep", "1000"]) + ["--user", "s=nobody", "--env", "s=MARK=for-s", "--workdir", "s=/tmp",
                                              "--ready", f"s=exec:{check}", "--start-timeout", "s=20s",
                                              "--restart", "s=never", "--required", "s"]
            + ["--"] + service("main", log, "exit", 0))
    result = vigil(args, pid1=as_pid1)
    assert result.returncode == 0, result.stderr
    assert events(log)[:1] == ["main start"]


def test_every_process_starts_in_vigils_working_directory(tmp_path, as_pid1):
    directory, record, once, twice = tmp_path / "work", tmp_path / "cwd", tmp_path / "once", tmp_path / "twice"
    directory.mkdir()

    def where(name):
        return f"echo {name} $(pwd) >> {record}"

    # s fails its first start and is ready on its second: a restart starts where the first did.
    second_run = f"if [ -e {once} ]; then touch {twice}; else touch {once}; exit 1; fi; exec sleep 1000"
    args = (init("i1", sh(where("i1"))) + init("i2", sh(where("i2")))
            + sidecar("s", sh(f"{where('s')}; {second_run}"))
            + ["--backoff", "s=0", "--ready", f"s=exec:{words(['test', '-e', twice])}"]
            + sidecar("t", sh(where("t") + "; exec sleep 1000")) + ["--workdir", "t=/"]
            + ["--ready", f"t=exec:{words(['grep', '-q', '^t ', record])}"]
            + ["--"] + sh(where("main")))
    result = vigil(args, pid1=as_pid1, cwd=directory)
    assert result.returncode == 0, result.stderr
    assert events(record) == [f"i1 {directory}", f"i2 {directory}", f"s {directory}", f"s {directory}", "t /",
                              f"main {directory}"]


# --- bad input --------------------------------------------------------------------------------

BAD_INPUT = [
    # duplicate and reserved names
    (["--sidecar", "a=sleep 1", "--sidecar", "a=sleep 2"], "two processes are named 'a'"),
    (["--sidecar", "sleep 1", "--init", "/bin/sleep 0"], "two processes are named 'sleep'"),
    (["--sidecar", "main=sleep 1"], "'main' names the main command"),
    # a setting for an unknown process, or one its kind does not take
    (["--restart", "nope=always"], "--restart: no process named 'nope'"),
    (["--sidecar", "a=sleep 1", "--ready", "b=notify"], "--ready: no process named 'b'"),
    (["--init", "i=true", "--ready", "i=notify"], "only sidecars take 'ready'"),
    (["--init", "i=true", "--restart", "i=never"], "only sidecars take 'restart'"),
    (["--grace", "main=1s"], "the main process's stop is bounded by --kill-after"),
    # empty commands
    (["--sidecar", ""], "--sidecar: empty command"),
    (["--sidecar", "a="], "--sidecar: empty command"),
    (["--init", "   "], "--init: empty command"),
    # quoting, and shell syntax that vigil does not run
    (["--sidecar", "a=sh -c 'echo"], "unterminated single quote"),
    (["--init", 'i=echo "x'], "unterminated double quote"),
    (["--sidecar", "a=echo hi | cat"], "shell operator '|'"),
    (["--sidecar", "a=sleep 1 &"], "shell operator '&'"),
    (["--sidecar", "a=echo $(id)"], "command substitution '$('"),
    # unknown users and groups
    (["--sidecar", "a=sleep 1", "--user", "a=no-such-user"], "unknown user 'no-such-user'"),
    (["--sidecar", "a=sleep 1", "--user", "a=nobody:no-such-group"], "unknown group 'no-such-group'"),
    (["--user", "main=no-such-user"], "unknown user 'no-such-user'"),
    # malformed checks
    (["--sidecar", "a=sleep 1", "--ready", "a=tcp:0"], "--ready: expected a port from 1 to 65535"),
    (["--sidecar", "a=sleep 1", "--ready", "a=tcp:65536"], "--ready: expected a port from 1 to 65535"),
    (["--sidecar", "a=sleep 1", "--ready", "a=tcp:1.2.3:80"], "--ready: expected tcp:PORT or tcp:IPV4:PORT"),
    (["--sidecar", "a=sleep 1", "--ready", "a=tcp:localhost:80"], "--ready: expected tcp:PORT or tcp:IPV4:PORT"),
    (["--sidecar", "a=sleep 1", "--ready", "a=http:80"], "--ready: expected exec:COMMAND"),
    (["--sidecar", "a=sleep 1", "--ready", "a="], "--ready: expected exec:COMMAND"),
    (["--sidecar", "a=sleep 1", "--ready", "a=exec:"], "--ready: exec check: empty command"),
    (["--sidecar", "a=sleep 1", "--ready", "a=exec:'x"], "--ready: exec check: unterminated single quote"),
    # malformed values
    (["--sidecar", "a=sleep 1", "--restart", "a=sometimes"], "--restart: expected always, on-failure or never"),
    (["--sidecar", "a=sleep 1", "--backoff", "a=soon"], "--backoff: expected a duration"),
    (["--sidecar", "a=sleep 1", "--start-timeout", "a=soon"], "--start-timeout: expected a duration"),
    (["--sidecar", "a=sleep 1", "--ready-timeout", "a=0"], "--ready-timeout: expected a duration above 0"),
    (["--ready-timeout", "main=1s"], "--ready-timeout: only sidecars take 'ready-timeout'"),
    (["--sidecar", "a=sleep 1", "--max-restarts", "a=-1"], "--max-restarts: expected a number of restarts"),
    (["--sidecar", "a=sleep 1", "--stop-signal", "a=NOPE"], "unknown signal 'NOPE'"),
    (["--sidecar", "a=sleep 1", "--workdir", "a=relative"], "--workdir: expected an absolute directory"),
    (["--sidecar", "a=sleep 1", "--env", "a=NOEQUALS"], "--env: expected KEY=VALUE"),
]


def assert_usage_error(result, message):
    """Exit 2, nothing on stdout, and one line on stderr (with the usual hint)."""
    stderr = result.stderr.decode()
    assert result.returncode == 2, stderr
    assert result.stdout == b""
    lines = stderr.splitlines()
    assert len(lines) == 2 and lines[1] == HELP_HINT and lines[0].startswith("vigil: "), stderr
    assert message in lines[0], stderr
    return lines[0]


def guarded(tmp_path, args):
    """`args` between an init task and a main command that would leave markers if started."""
    return (init("first", ["touch", tmp_path / "init-ran"]) + args
            + ["--", "touch", str(tmp_path / "main-ran")])


def nothing_started(tmp_path):
    return not (tmp_path / "init-ran").exists() and not (tmp_path / "main-ran").exists()


@pytest.mark.parametrize("args,message", BAD_INPUT, ids=[" ".join(case[0]) for case in BAD_INPUT])
def test_bad_input_is_one_line_exit_2_and_nothing_started(tmp_path, as_pid1, args, message):
    result = vigil(guarded(tmp_path, args), pid1=as_pid1)
    assert_usage_error(result, message)
    assert nothing_started(tmp_path)


CONFIG_ERRORS = [
    ('[sidecar.a]\ncommand = "sleep 1\n', 2, 11, "unterminated string"),
    ("[foo]\n", 1, 1, "unknown table"),
    ('[sidecar.a]\nready = "notify"\n', 1, 1, "[sidecar.a] has no command"),
    ('[sidecar.a]\ncommand = "sleep 1"\nbogus = 1\n', 3, 1, "unknown setting 'bogus'"),
    ('[sidecar.a]\ncommand = []\n', 2, 1, "empty command"),
    ('[sidecar.a]\ncommand = ""\n', 2, 1, "empty command"),
    ("[sidecar.a]\ncommand = \"sh -c 'x\"\n", 2, 1, "unterminated single quote"),
    ('[sidecar.a]\ncommand = "sleep 1"\nready = "tcp:0"\n', 3, 1, "expected a port from 1 to 65535"),
    ('[sidecar.a]\ncommand = "sleep 1"\n\n[sidecar.a]\ncommand = "sleep 2"\n', 4, 1, "defined twice"),
    ('[init.i]\ncommand = "true"\nready = "notify"\n', 3, 1, "only sidecars take 'ready'"),
    ("bogus = 1\n", 1, 1, "not an option the file can set"),
    # Errors found after the file is read still name where in the file.
    ('[init.a]\ncommand = "true"\n\n[sidecar.a]\ncommand = "sleep 1"\n', 4, 1, "two processes are named 'a'"),
    ('[sidecar.main]\ncommand = "sleep 1"\n', 1, 1, "'main' names the main command"),
    ('[sidecar.a]\ncommand = "sleep 1"\nuser = "no-such-user"\n', 3, 1, "unknown user 'no-such-user'"),
]


@pytest.mark.parametrize("text,line,column,message", CONFIG_ERRORS,
                         ids=[case[3] for case in CONFIG_ERRORS])
def test_a_configuration_file_error_names_the_file_line_and_column(tmp_path, as_pid1, text, line, column, message):
    path = tmp_path / "vigil.toml"
    path.write_text(text)
    result = vigil(guarded(tmp_path, ["--config", str(path)]), pid1=as_pid1)
    first = assert_usage_error(result, message)
    assert first.startswith(f"vigil: {path}:{line}:{column}: "), first
    assert nothing_started(tmp_path)


SAME_MISTAKES = [("ready", "tcp:0"), ("ready", "http:80"), ("ready", "exec:'x"), ("restart", "sometimes"),
                 ("backoff", "soon"), ("max-restarts", "x"), ("stop-signal", "NOPE"), ("workdir", "relative"),
                 ("env", "NOEQUALS")]


@pytest.mark.parametrize("setting,value", SAME_MISTAKES)
def test_the_file_and_the_flags_say_the_same_about_the_same_mistake(tmp_path, setting, value):
    flags = vigil(guarded(tmp_path, ["--sidecar", "a=sleep 1", f"--{setting}", f"a={value}"]))
    path = tmp_path / "vigil.toml"
    path.write_text(f'[sidecar.a]\ncommand = "sleep 1"\n{setting} = {toml_string(value)}\n')
    from_file = vigil(guarded(tmp_path, ["--config", str(path)]))
    flag_line = assert_usage_error(flags, f"vigil: --{setting}: ")
    file_line = assert_usage_error(from_file, f"vigil: {path}:3:1: {setting}: ")
    assert flag_line.removeprefix(f"vigil: --{setting}: ") == file_line.removeprefix(f"vigil: {path}:3:1: {setting}: ")
    assert nothing_started(tmp_path)


def test_the_configuration_file_means_what_the_flags_mean(tmp_path, as_pid1):
    def scenario(log, ready):
        check = words(["test", "-e", ready])
        flags = (["--grace", "10s"] + init("i", sh(f"echo i run >> {log}"))
                 + sidecar("a", service("a", log, "env", "LEVEL", "notify"))
                 + ["--ready", "a=notify", "--env", "a=LEVEL=info", "--stop-signal", "a=USR2"]
                 + sidecar("b", service("b", log, "touch", ready))
                 + ["--ready", f"b=exec:{check}", "--stop-signal", "b=INT", "--restart", "b=on-failure"]
                 + ["--env", "main=LEVEL=debug", "--"] + service("main", log, "env", "LEVEL", "exit", 3))
        toml = f"""
grace = "10s"

[sidecar.a]                       # the file's order is the start order, inits first
command = {toml_array(service("a", log, "env", "LEVEL", "notify"))}
ready = "notify"
env = {{ LEVEL = "info" }}
stop-signal = "USR2"

[init.i]
command = {toml_string(words(sh(f"echo i run >> {log}")))}

[sidecar.b]
command = {toml_array(service("b", log, "touch", ready))}
ready = {toml_string("exec:" + check)}
stop-signal = "INT"
restart = "on-failure"

[main]
command = {toml_array(service("main", log, "env", "LEVEL", "exit", 3))}
env = ["LEVEL=debug"]
"""
        return flags, toml

    flags, _ = scenario(tmp_path / "flags.log", tmp_path / "flags.ready")
    by_flags = vigil(flags, pid1=as_pid1)
    runs = {"flags": by_flags}
    for way in ("file", "variable"):
        config = tmp_path / f"{way}.toml"
        config.write_text(scenario(tmp_path / f"{way}.log", tmp_path / f"{way}.ready")[1])
        if way == "file":
            runs[way] = vigil(["--config", str(config)], pid1=as_pid1)
        else:
            runs[way] = vigil([], pid1=as_pid1, env=dict(os.environ, VIGIL_CONFIG=str(config)))
    expected = ["i run", "a start", "a env LEVEL=info", "a notifying", "b start", "b touching",
                "main start", "main env LEVEL=debug", "main exit 3", "b INT", "a USR2"]
    for way, result in runs.items():
        assert result.returncode == 3, (way, result.stderr)
        assert events(tmp_path / f"{way}.log") == expected, way


def toml_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def toml_array(argv):
    return "[" + ", ".join(toml_string(str(word)) for word in argv) + "]"
