"""`vigil --procfile`: a Procfile's processes run as PID 1 of a fresh PID namespace, as honcho
runs them: `.env` loaded, output prefixed `NAME | ` (padded to the longest name), PORT 5000 +100
a type, the first process to end stopping the rest, vigil exiting with its status; and side by
side with honcho 2.0.0 (pip), the same lines, PORTs, environment and exit code. `--dry-run`
prints the plan that `vigil procfile-plan` prints, which test_procfile.py compares with
honcho's; here the dry run itself (in release builds too) is compared with honcho.
"""
import os
import pathlib
import re
import signal
import subprocess
import sys

import pytest

from helpers import ROOT, UNSHARE, VIGIL, wait_for
from procfs import children_of, descendants, state_of
from honcho_plans import honcho_plan, need_honcho, parse_plan, same

# The real Procfiles the project checks its reading against, when this checkout has them.
REALWORLD = pathlib.Path(os.environ.get("VIGIL_REALWORLD", ROOT.parent / "shared" / "realworld")) / "procfile"

# web and worker (app.py) say who they are and wait; clock ends first, once $WAIT_FOR exist,
# with $CLOCK_EXIT. A TERM makes web say so; both leave a marker and exit 0. worker leaves an
# orphan (reaped by PID 1) and writes a line on stderr.
PROCFILE = b"""# a web server, a worker and a clock
web: exec python3 -u app.py web

worker: ( (sleep 0.2; touch orphan.done) & ); exec python3 -u app.py worker
clock: for f in $WAIT_FOR; do while [ ! -e $f ]; do sleep 0.02; done; done; echo "clock $PORT $RAILS_ENV"; exit $CLOCK_EXIT
"""
APP = """import os, signal, sys
name = sys.argv[1]

def stop(*_):
    if name == "web":
        print("web stopping", flush=True)
    open("stopped." + name, "w").close()
    sys.exit(0)

signal.signal(signal.SIGTERM, stop)
if name == "web":
    print("web", os.environ["PORT"], os.environ["GREETING"], os.environ["HONCHO_PROCESS_NAME"], flush=True)
else:
    print("worker", os.environ["PORT"], os.environ["GREETING"], flush=True)
    print("worker complains", file=sys.stderr, flush=True)
open("ready." + name, "w").close()
while True:
    signal.pause()
"""
ENV = b'# honcho\'s .env\nGREETING="hello world"\nRAILS_ENV=production\nCLOCK_EXIT=3\nWAIT_FOR="ready.web ready.worker"\n'
TIME = re.compile(r"^\d\d:\d\d:\d\d ")


@pytest.fixture
def app(tmp_path):
    """A folder holding the Procfile and its .env, where the processes run."""
    folder = tmp_path / "app"
    folder.mkdir()
    (folder / "Procfile").write_bytes(PROCFILE)
    (folder / ".env").write_bytes(ENV)
    (folder / "app.py").write_text(APP)
    return folder


def environment(**extra):
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", **extra}


def start(app, *args, pid1=True):
    argv = [VIGIL, "--procfile", *args]
    with open(app / "vigil.out", "wb") as out, open(app / "vigil.err", "wb") as err:
        return subprocess.Popen((UNSHARE if pid1 else []) + argv, cwd=app, stdout=out, stderr=err,
                                stdin=subprocess.DEVNULL, env=environment())


def finish(process, timeout=60):
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        for pid in children_of(process.pid) + [process.pid]:
            os.kill(pid, signal.SIGKILL)
        process.wait(timeout=30)
        raise AssertionError("vigil did not exit")


def lines(path):
    return (path).read_bytes().decode().splitlines()


def relayed(app):
    """The processes' lines vigil relayed (stdout and stderr), without vigil's own log lines."""
    return [line for line in lines(app / "vigil.out") + lines(app / "vigil.err") if not line.startswith("vigil:")]


def test_first_exit_stops_the_rest_with_its_status(app):
    code = finish(start(app))
    assert code == 3, (app / "vigil.err").read_text()
    assert sorted(relayed(app)) == sorted([
        "web.1    | web 5000 hello world web.1",
        "worker.1 | worker 5100 hello world",
        "worker.1 | worker complains",
        "clock.1  | clock 5200 production",
        "web.1    | web stopping",
    ])
    # Both were stopped by vigil's TERM (their trap ran), not killed with the namespace.
    assert (app / "stopped.web").exists() and (app / "stopped.worker").exists()
    assert "exiting with 3: " in (app / "vigil.err").read_text()


def test_a_clean_first_exit_is_exit_0_and_a_signal_is_128_plus_n(app):
    (app / ".env").write_bytes(ENV.replace(b"CLOCK_EXIT=3", b"CLOCK_EXIT=0"))
    assert finish(start(app)) == 0
    (app / "Procfile").write_bytes(b"web: sleep 60\ncrash: kill -9 $$\n")
    assert finish(start(app)) == 128 + 9


def test_sigterm_stops_every_process_and_zombies_are_reaped(app):
    (app / ".env").write_bytes(ENV.replace(b"CLOCK_EXIT=3", b"CLOCK_EXIT=0"))
    process = start(app, "Procfile", "web", "worker")
    try:
        vigil_pid = wait_for(lambda: next(iter(children_of(process.pid)), None), what="vigil")
        wait_for(lambda: (app / "ready.web").exists() and (app / "ready.worker").exists(), what="web and worker")
        # worker's orphan ended under vigil, which reaps it: no zombie stays among its children.
        wait_for(lambda: (app / "orphan.done").exists(), what="the orphan")
        wait_for(lambda: all(state_of(pid) not in ("Z", None) for pid in children_of(vigil_pid))
                 and len(children_of(vigil_pid)) == 2, what="the orphan to be reaped")
        os.kill(vigil_pid, signal.SIGTERM)
    finally:
        code = finish(process)
    # honcho's rule for a stop request: 128+N.
    assert code == 128 + signal.SIGTERM
    assert (app / "stopped.web").exists() and (app / "stopped.worker").exists()
    assert not any(line.startswith("clock") for line in relayed(app)), "clock was not chosen"
    assert "web.1    | web 5000 hello world web.1" in relayed(app)
    assert "worker.1 | worker 5100 hello world" in relayed(app)


def test_a_restart_policy_keeps_the_rest_running(app):
    (app / "Procfile").write_bytes(b"web: touch ready.web; exec sleep 60\n"
                                   b"worker: echo run >> runs; exit 1\n")
    process = start(app, "--restart", "worker=always", "--backoff", "worker.1=10ms")
    try:
        vigil_pid = wait_for(lambda: next(iter(children_of(process.pid)), None), what="vigil")
        wait_for(lambda: (app / "runs").exists() and len(lines(app / "runs")) >= 3, what="worker's restarts")
        assert process.poll() is None
        os.kill(vigil_pid, signal.SIGTERM)
    finally:
        code = finish(process)
    assert code == 128 + signal.SIGTERM


@pytest.mark.parametrize("procfile,message", [
    (b"web: a\nweb: b\n", "Procfile:2: the process type 'web' is already on line 1"),
    (b"# nothing\n", "Procfile: no process types (lines NAME: COMMAND)"),
])
def test_a_bad_procfile_is_a_usage_error(app, procfile, message):
    (app / "Procfile").write_bytes(procfile)
    result = subprocess.run([VIGIL, "--procfile"], cwd=app, capture_output=True, timeout=60, env=environment())
    assert (result.returncode, result.stderr.decode().splitlines()[0]) == (2, "vigil: " + message)


@pytest.mark.parametrize("args,message", [
    (["--procfile", "missing"], "vigil: missing: cannot be read: No such file or directory"),
    (["--procfile", "--env-file", "missing.env"], "vigil: missing.env: cannot be read: No such file or directory"),
    (["--procfile", "Procfile", "nope"], "vigil: no process type 'nope' in the Procfile"),
    (["--dry-run", "true"], "vigil: --dry-run goes with --procfile"),
    (["--procfile", "Procfile", "--dry-run"], "vigil: '--dry-run' comes after the Procfile's operands; options go "
                                              "before them: vigil [OPTIONS] --procfile [FILE] [TYPE...]"),
])
def test_bad_choices_are_usage_errors(app, args, message):
    result = subprocess.run([VIGIL, *args], cwd=app, capture_output=True, timeout=60, env=environment())
    assert (result.returncode, result.stderr.decode().splitlines()[0]) == (2, message)


# --- beside honcho ----------------------------------------------------------------------------

def honcho_run(app, *args):
    process = subprocess.Popen([sys.executable, "-m", "honcho", "start", "--no-colour", *args], cwd=app,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment(),
                               stdin=subprocess.DEVNULL)
    try:
        out, _ = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        # honcho's processes lead sessions of their own: each is killed by its PID.
        for pid in descendants(process.pid) + [process.pid]:
            os.kill(pid, signal.SIGKILL)
        process.communicate(timeout=30)
        raise AssertionError("honcho did not exit")
    text = [TIME.sub("", line) for line in out.decode().splitlines()]
    return process.returncode, [line for line in text if not line.startswith("system ")]


@pytest.mark.parametrize("types", [[], ["web", "clock"], ["clock,worker"]])
def test_beside_honcho_the_same_lines_and_exit_code(tmp_path, types):
    need_honcho()
    chosen = [part for word in types for part in word.split(",")]
    waits = " ".join(f"ready.{name}" for name in ["web", "worker"] if not chosen or name in chosen)
    folders = []
    for name in ["theirs", "ours"]:
        folder = tmp_path / name
        folder.mkdir()
        (folder / "Procfile").write_bytes(PROCFILE)
        (folder / "app.py").write_text(APP)
        (folder / ".env").write_bytes(ENV.replace(b"ready.web ready.worker", waits.encode()))
        folders.append(folder)
    their_code, their_lines = honcho_run(folders[0], *chosen)
    our_code = finish(start(folders[1], "Procfile", *types))
    assert our_code == their_code == 3
    assert sorted(relayed(folders[1])) == sorted(their_lines)
    # Each process saw the same PORT, .env and HONCHO_PROCESS_NAME (the lines print them).
    assert any(line.startswith("clock.1") for line in their_lines)


# --- dry runs ---------------------------------------------------------------------------------

def dry_run(folder, *args):
    result = subprocess.run([VIGIL, "--procfile", "--dry-run", *args], cwd=folder,
                            capture_output=True, timeout=60, env=environment())
    assert result.returncode == 0, result.stderr.decode()
    text = result.stdout.decode().splitlines()
    assert text[0] == "vigil --procfile --dry-run: nothing runs"
    assert text[-1] == "the first process to end stops the rest; vigil exits with its status"
    return parse_plan("\n".join(line for line in text[2:-1] if not line.startswith("  restart ")))


@pytest.mark.parametrize("types", [[], ["clock", "web"]])
def test_the_dry_run_is_honchos_plan(app, types):
    need_honcho()
    ours = dry_run(app, "Procfile", *types)
    theirs = honcho_plan(app / "Procfile", [app / ".env"], types)
    same(ours, theirs)
    assert [p["port"] for p in ours] == ([5000, 5100, 5200] if not types else [5000, 5100])


def the_real_procfiles_dry_runs_are_honchos(tmp_path):
    need_honcho()
    paths = sorted(REALWORLD.glob("*.Procfile"))
    assert len(paths) == 4
    for path in paths:
        folder = tmp_path / path.stem
        folder.mkdir()
        (folder / "Procfile").write_bytes(path.read_bytes())
        same(dry_run(folder, "Procfile"), honcho_plan(folder / "Procfile", [], []))


# A check against real Procfiles where this checkout has them; a fresh clone has none, and then
# there is no test (not a skip: under CI nothing skips).
if REALWORLD.is_dir():
    test_the_real_procfiles_dry_runs_are_honchos = the_real_procfiles_dry_runs_are_honchos
