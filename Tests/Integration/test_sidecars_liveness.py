"""Several processes (issue 20), liveness and HTTP checks: a ready sidecar whose liveness check
fails --live-failures times in a row is stopped and restarted by its policy; a main process that
fails its check stops the container with exit code 124; http: readiness and liveness checks
against a real server; no wake-ups while nothing is checked.

Each test runs as PID 1 of a fresh PID namespace and as a subreaper (as_pid1), but for the one
that asks `vigil status` (subreaper only, to share vigil's namespaces). The processes log to one
shared event log (services.py); assertions are on its order and counts.
"""
import json
import signal
import time

import pytest

from helpers import vigil, wait_for
from procfs import state_of, status_field
from services import events, free_port, service, sh, sidecar, wait_for_event, wait_for_stderr, words


def http_sidecar(log, name, port, failing, *checks):
    return sidecar(name, service(name, log, "http", port, failing)) + list(checks)


def test_a_sidecar_whose_http_endpoint_answers_500_is_restarted_after_3_failed_checks(launch, tmp_path, as_pid1):
    log, failing, go, port = tmp_path / "log", tmp_path / "failing", tmp_path / "go", free_port()
    args = (["-v"] + http_sidecar(log, "web", port, failing, "--ready", f"web=http:{port}/ready",
                                  "--live", f"web=http://localhost:{port}/live", "--live-period", "web=100ms",
                                  "--backoff", "web=0")
            + ["--"] + service("main", log, "after", go, "exit", 0))
    run = launch(args, pid1=as_pid1)
    wait_for_event(log, "main start")
    wait_for_event(log, "web http 200 /live")  # it is being checked, and passes
    failing.touch()
    wait_for_event(log, "web TERM")
    failing.unlink()
    wait_for_event(log, "web start", count=2)
    wait_for_event(log, "web http 200 /ready", count=2)  # the restarted one is ready again
    lines = events(log)
    first_500 = lines.index("web http 500 /live")
    stop = lines.index("web TERM")
    assert lines[first_500:stop] == ["web http 500 /live"] * 3, lines
    assert run.stderr.count("vigil: warning: web: liveness check failed 3 times in a row; stopping it") == 1, run.stderr
    assert run.stderr.count("web: liveness check failed; 3 failures in a row stop it") == 1, run.stderr
    go.touch()
    assert run.wait() == 0, run.stderr


@pytest.mark.parametrize("kind", ["exec", "tcp"])
def test_exec_and_tcp_liveness_checks_restart_a_sidecar(launch, tmp_path, as_pid1, kind):
    log, broken, go = tmp_path / "log", tmp_path / "broken", tmp_path / "go"
    if kind == "exec":
        check = f"exec:{words(sh(f'test ! -e {broken}'))}"
    else:
        check = f"tcp:{free_port()}"  # nobody listens there: fails at once
        broken.touch()
    args = (["-v"] + sidecar("s", service("s", log)) + ["--live", f"s={check}", "--live-period", "s=50ms",
                                                "--live-failures", "s=2", "--backoff", "s=0", "--max-restarts", "s=1"]
            + ["--"] + service("main", log, "after", go, "exit", 0))
    run = launch(args, pid1=as_pid1)
    wait_for_event(log, "main start")
    broken.touch()
    # Restarted once, and after its one restart it stays down (the next failures stop it for good;
    # it exits 0 on TERM, or is killed by it if it had not set up its handling yet).
    wait_for_stderr(run, " and stays down")
    assert run.stderr.count("vigil: s: started (pid") == 2, run.stderr
    assert run.stderr.count("vigil: warning: s: liveness check failed 2 times in a row; stopping it") == 2, run.stderr
    go.touch()
    assert run.wait() == 0, run.stderr


def once_up(marker):
    """A check that passes until `marker` exists and fails from then on: the process touches it
    once it takes signals, so that it is never stopped before it could handle the stop."""
    return "exec:" + words(["test", "!", "-e", marker])


def test_a_main_process_that_fails_its_liveness_check_stops_the_container_with_124(tmp_path, as_pid1):
    log, up = tmp_path / "log", tmp_path / "up"
    args = (sidecar("s", service("s", log, "notify")) + ["--ready", "s=notify"]
            + ["--live", f"main={once_up(up)}", "--live-period", "main=50ms", "--live-failures", "main=2",
               "--grace", "10s", "--"] + service("main", log, "touch", up))
    result = vigil(args, pid1=as_pid1)
    stderr = result.stderr.decode()
    assert result.returncode == 124, stderr
    assert events(log) == ["s start", "s notifying", "main start", "main touching", "main TERM", "s TERM"]
    assert "vigil: warning: main: liveness check failed 2 times in a row; stopping the container" in stderr
    assert "vigil: error: exiting with 124: main failed its liveness check; main exited with code 0" in stderr


def test_a_main_that_ignores_the_stop_is_killed_after_the_grace(tmp_path, as_pid1):
    log, up = tmp_path / "log", tmp_path / "up"
    args = (["--live", f"main={once_up(up)}", "--live-period", "main=50ms", "--live-failures", "main=1",
             "--grace", "300ms", "--"] + service("main", log, "ignore", "TERM", "touch", up))
    result = vigil(args, pid1=as_pid1)
    assert result.returncode == 124, result.stderr
    assert events(log) == ["main start", "main touching", "main TERM ignored"]
    assert "SIGKILL at the end of the grace: main" in result.stderr.decode()


def test_http_readiness_holds_the_start_until_the_server_answers_2xx(tmp_path, as_pid1):
    log, failing, port = tmp_path / "log", tmp_path / "failing", free_port()
    failing.touch()
    unfail = f"sleep 0.3; rm {failing}"
    args = (["-v"] + sidecar("web", service("web", log, "sleep", 0.2, "http", port, failing))
            + ["--ready", f"web=http://127.0.0.1:{port}/ready"]
            + sidecar("fixer", sh(unfail)) + ["--after", "fixer=web:started", "--restart", "fixer=never"]
            + ["--"] + service("main", log, "exit", 0))
    result = vigil(args, pid1=as_pid1)
    assert result.returncode == 0, result.stderr
    lines = events(log)
    # Refused while the server was not up, answered 500 while failing, then 200: and only then main.
    assert lines[:2] == ["web start", "web serving"], lines
    assert lines.index("web http 200 /ready") < lines.index("main start"), lines
    assert all(line == "web http 500 /ready" for line in lines[2:lines.index("web http 200 /ready")]), lines
    assert lines.count("web http 200 /ready") == 1, lines


def test_no_wake_ups_between_liveness_checks(launch, tmp_path, as_pid1):
    log, port = tmp_path / "log", free_port()
    args = (http_sidecar(log, "web", port, tmp_path / "never", "--ready", f"web=http:{port}/",
                         "--live", f"web=http:{port}/live", "--live-period", "web=1h")
            + ["--live", "main=exec:true", "--live-period", "main=1h", "--"] + service("main", log))
    run = launch(args, pid1=as_pid1)
    wait_for_event(log, "main start")
    wait_for(lambda: state_of(run.vigil_pid) == "S", what="vigil to wait")
    before = status_field(run.vigil_pid, "voluntary_ctxt_switches")
    time.sleep(1)  # the measurement window itself, not a wait for a condition
    assert status_field(run.vigil_pid, "voluntary_ctxt_switches") - before == 0
    run.signal(signal.SIGTERM)
    assert run.wait() == 0, run.stderr


def test_status_shows_the_liveness_result_and_dependencies(launch, tmp_path):
    log, failing, port = tmp_path / "log", tmp_path / "failing", free_port()
    failing.touch()
    args = (http_sidecar(log, "web", port, failing, "--live", f"web=http:{port}/live", "--live-period", "web=100ms",
                         "--live-failures", "web=1000", "--required", "web", "--after", "web=")
            + ["--"] + service("main", log))
    run = launch(args, pid1=False)
    wait_for_event(log, "web http 500 /live", count=2)

    def web():
        result = vigil(["status", "--json"])
        if result.returncode != 0:
            return None
        return next((p for p in json.loads(result.stdout)["processes"] if p["name"] == "web"), None)
    entry = wait_for(web, what="vigil status --json")
    assert entry["after"] == [] and entry["live"] == "failing" and entry["live_failures"] >= 1, entry
    table = vigil(["status"]).stdout.decode().splitlines()
    assert table[1].split()[-2:] == ["AFTER", "LIVE"], table
    assert table[2].split()[0] == "main" and table[3].split()[-2] == "none", table
    assert table[3].split()[-1].startswith("failing:"), table
    check = vigil(["check"])
    assert check.returncode == 1 and check.stdout.decode().startswith(
        "unhealthy: required sidecar web fails its liveness check ("), check.stdout
    run.signal(signal.SIGTERM)
    assert run.wait() == 0, run.stderr


def test_a_check_may_print_what_it_likes(tmp_path, as_pid1):
    """Its output goes to /dev/null, opened for writing: `curl URL` or `wget -O- URL` print the
    page, and a write error would fail them."""
    log = tmp_path / "log"
    printing = "exec:" + words(sh("echo ready && echo warning >&2"))
    args = (sidecar("s", service("s", log)) + ["--ready", f"s={printing}", "--start-timeout", "s=30s",
                                                "--restart", "s=never", "--required", "s",
                                                "--live", f"s={printing}", "--live-period", "s=50ms"]
            + ["--"] + service("main", log, "sleep", 0.5, "exit", 0))
    result = vigil(args, pid1=as_pid1)
    assert result.returncode == 0, result.stderr
    assert "main start" in events(log) and b"liveness check failed" not in result.stderr
