"""Several processes (issue 20), dependencies: --after NAME=DEP[:started|ready|done],... and
`after = [...]` start what has its dependencies met at once, in parallel, and the stop runs the
graph backwards, so that processes with nothing between them stop together; mistakes in the
graph are usage errors before anything starts.

Each test runs as PID 1 of a fresh PID namespace and as a subreaper (as_pid1). The processes log
to one shared event log (services.py); assertions are on its order and counts. Where two things
must happen at the same time, the test holds them until both have been seen (a file releases
them), so that a one-at-a-time vigil would time out instead of passing by luck.
"""
import os
import signal

import pytest

from helpers import vigil
from services import events, free_port, init, service, sh, sidecar, wait_for_event


def test_processes_start_as_soon_as_their_dependencies_are_met(launch, tmp_path, as_pid1):
    log, release, port = tmp_path / "log", tmp_path / "release", free_port()
    args = (init("migrate", sh(f"echo migrate run >> {log}"))
            # db depends on nothing: it starts with migrate, and is ready once it listens.
            + sidecar("db", service("db", log, "after", release, "listen", f"127.0.0.1:{port}"))
            + ["--after", "db=", "--ready", f"db=tcp:{port}"]
            # cache only needs db started; app needs db ready and migrate done.
            + sidecar("cache", service("cache", log)) + ["--after", "cache=db:started"]
            + sidecar("app", service("app", log, "notify")) + ["--after", "app=db,migrate:done", "--ready", "app=notify"]
            + ["--"] + service("main", log, "exit", 0))
    run = launch(args, pid1=as_pid1)
    # cache starts while db is still held back, so not ready: the two run side by side.
    wait_for_event(log, "db start")
    wait_for_event(log, "cache start")
    wait_for_event(log, "migrate run")
    assert "app start" not in events(log) and "main start" not in events(log)
    release.touch()
    assert run.wait() == 0, run.stderr
    lines = events(log)
    assert lines.index("db listening") < lines.index("app start") < lines.index("main start"), lines
    assert lines.index("cache start") < lines.index("db listening"), lines


def test_the_main_waits_only_for_what_it_declares(launch, tmp_path, as_pid1):
    log, release = tmp_path / "log", tmp_path / "release"
    args = (sidecar("db", service("db", log, "notify")) + ["--ready", "db=notify"]
            + sidecar("slow", service("slow", log, "after", release, "notify")) + ["--ready", "slow=notify", "--after", "slow="]
            + ["--after", "main=db", "--"] + service("main", log, "after", release, "exit", 0))
    run = launch(args, pid1=as_pid1)
    wait_for_event(log, "main start")          # while slow is not ready
    assert "slow notifying" not in events(log)
    release.touch()
    assert run.wait() == 0, run.stderr


def test_independent_sidecars_stop_at_the_same_time(launch, tmp_path, as_pid1):
    log, release, go = tmp_path / "log", tmp_path / "release", tmp_path / "go"
    args = []
    for name in ("a", "b", "c"):
        args += sidecar(name, service(name, log, "stop-after", release, "notify")) + ["--ready", f"{name}=notify",
                                                                                     "--after", f"{name}="]
    run = launch(args + ["--"] + service("main", log, "after", go, "exit", 0), pid1=as_pid1)
    wait_for_event(log, "main start")
    go.touch()
    # All three are stopping before any is released: none waited for another.
    for name in ("a", "b", "c"):
        wait_for_event(log, f"{name} stopping")
    release.touch()
    assert run.wait() == 0, run.stderr
    lines = events(log)
    assert max(lines.index(f"{n} stopping") for n in "abc") < min(lines.index(f"{n} stopped") for n in "abc"), lines


def test_a_process_stops_once_everything_that_waits_for_it_has_exited(launch, tmp_path, as_pid1):
    log, go = tmp_path / "log", tmp_path / "go"
    releases = {name: tmp_path / f"release-{name}" for name in ("log", "db", "app", "web")}
    args = []
    for name, after in (("log", None), ("db", "log"), ("app", "db"), ("web", "log")):
        args += sidecar(name, service(name, log, "stop-after", releases[name], "notify")) + ["--ready", f"{name}=notify"]
        args += ["--after", f"{name}={after or ''}"]
    run = launch(args + ["--"] + service("main", log, "after", go, "exit", 0), pid1=as_pid1)
    wait_for_event(log, "main start")
    go.touch()
    # app and web have nothing waiting for them: they stop together.
    wait_for_event(log, "app stopping")
    wait_for_event(log, "web stopping")
    releases["web"].touch()
    wait_for_event(log, "web stopped")
    assert "db TERM" not in events(log)        # app, which needs db, still runs
    releases["app"].touch()
    wait_for_event(log, "db stopping")
    assert "log TERM" not in events(log)       # db, which needs log, still runs
    releases["db"].touch()
    wait_for_event(log, "log stopping")
    releases["log"].touch()
    assert run.wait() == 0, run.stderr


def test_the_file_declares_dependencies_too(tmp_path, as_pid1):
    log = tmp_path / "log"
    config = tmp_path / "vigil.toml"
    config.write_text(f"""
[init.migrate]
command = "sh -c 'echo migrate run >> {log}'"

[sidecar.db]
command = {service_toml(service("db", log, "notify"))}
ready = "notify"
after = []

[sidecar.app]
command = {service_toml(service("app", log, "notify"))}
ready = "notify"
after = ["db", "migrate:done"]

[main]
after = ["app"]
""")
    result = vigil(["--config", str(config), "--"] + service("main", log, "exit", 0), pid1=as_pid1)
    assert result.returncode == 0, result.stderr
    lines = events(log)
    assert lines.index("db notifying") < lines.index("app start") and lines.index("migrate run") < lines.index("app start")


def service_toml(argv):
    return "[" + ", ".join(f'"{word}"' for word in argv) + "]"


@pytest.mark.parametrize("options,message", [
    (["--after", "a=b", "--after", "b=a"], "--after: dependency cycle: a -> b -> a"),
    (["--after", "a=b"], "--after: dependency cycle: a -> b -> a (a process without --after waits for the one before it in the start order)"),
    (["--after", "a=nope"], "--after: a waits for 'nope', but no process has that name"),
    (["--after", "a=a"], "--after: a cannot wait for itself"),
    (["--after", "a=main"], "--after: a cannot wait for the main process, which starts last"),
    (["--after", "b=a:done"], "--after: b waits for a to be done, but a restarts always; give it --restart a=on-failure or never"),
    (["--after", "b=a:soon"], "--after: unknown condition 'soon'; expected started, ready or done"),
    (["--after", "x=a"], "--after: no process named 'x'"),
])
def test_mistakes_in_the_graph_are_usage_errors_before_anything_starts(tmp_path, as_pid1, options, message):
    marker = tmp_path / "started"
    args = (sidecar("a", sh(f"touch {marker}; sleep 100")) + sidecar("b", sh(f"touch {marker}; sleep 100")) + options
            + ["--", "sh", "-c", f"touch {marker}"])
    result = vigil(args, pid1=as_pid1)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.decode().splitlines()
    assert lines == [f"vigil: {message}", "Try 'vigil --help' for more information."], lines
    assert not marker.exists()


def test_a_stop_request_during_a_parallel_start_stops_what_started(launch, tmp_path, as_pid1):
    log = tmp_path / "log"
    args = (sidecar("a", service("a", log, "notify")) + ["--after", "a=", "--ready", "a=notify"]
            + sidecar("b", service("b", log, "notify")) + ["--after", "b=", "--ready", "b=notify"]
            + sidecar("c", service("c", log, "env", "HOME")) + ["--after", "c=a,b", "--ready", "c=notify"]
            + ["--"] + service("main", log))
    run = launch(args, pid1=as_pid1)
    wait_for_event(log, "c env HOME=" + os.environ["HOME"])  # c takes signals from here on
    run.signal(signal.SIGTERM)
    assert run.wait() == 128 + signal.SIGTERM, run.stderr
    lines = events(log)
    assert "main start" not in lines
    # c waits for a and b: it stops first.
    assert lines.index("c TERM") < lines.index("a TERM") and lines.index("c TERM") < lines.index("b TERM"), lines
