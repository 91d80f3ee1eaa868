"""Several processes (issue 13), restarting and ending: restart policies and backoff, a required
sidecar that stays down, the main process's exit code, a stop during the start-up, and no
restart once the stop has begun.

Each test runs as PID 1 of a fresh PID namespace and as a subreaper (as_pid1). The processes log
to one shared event log (services.py); assertions are on its order and counts. Where a test
looks at time, it is a lower bound that load can only make truer (a restart comes at least its
delay after the exit), never an upper one.
"""
import re
import signal

import pytest

from helpers import PYTHON, vigil
from services import events, init, service, sh, sidecar, wait_for_event, wait_for_stderr


def delays_announced(stderr, name, code):
    """The restart delays vigil announced for `name`, in order."""
    return re.findall(rf"vigil: warning: {name}: exited with code {code}; restarting in (\S+)", stderr)


def seconds(text):
    """"100ms" or "1.5s" (vigil's log format) in seconds."""
    return float(text[:-2]) / 1000 if text.endswith("ms") else float(text[:-1])


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
    assert f"vigil: error: r: exited with code {code} and stays down; stopping everything" in stderr
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
