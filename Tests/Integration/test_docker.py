"""vigil in Docker: dockerd from Debian's docker.io, run by the tests themselves (engines.py),
with images built FROM scratch holding the vigil under test, a static busybox and the scripts
of workloads/container.

Two ways in: vigil as the image's ENTRYPOINT, and vigil as the daemon's init (`--init-path` is
a symlink named docker-init to it) for `docker run --init`. The README's HEALTHCHECK line
(`vigil check`) is built into an image as written, and Docker's health state is followed. The tests assert exit codes and
what processes wrote into a directory mounted at /out, never durations: an exit code that is
the application's, and not 137, is how we know vigil finished before Docker's own SIGKILL.
"""
import collections
import itertools
import json
import os
import re
import signal
import subprocess

import pytest

from engines import (EXAMPLE_DOCKERFILE, TEST_DOCKERFILE, TEST_FILES, build_example_stage, build_image,
                     build_test_image, commands, executed_blocks, settled_orphans)
from helpers import ROOT, wait_for
from procfs import namespace_processes

DOC = ROOT / "docs" / "docker.md"
BLOCKS = executed_blocks(DOC, "Tests/Integration/test_docker.py")
EXPECTED_BLOCKS = {"demo", "several", "several-entrypoint", "several-output"}
README_BLOCKS = executed_blocks(ROOT / "README.md", "Tests/Integration/test_docker.py")
EXPECTED_README_BLOCKS = {"healthcheck"}
_names = itertools.count(1)


@pytest.fixture(scope="module")
def image(docker_engine):
    return build_test_image(docker_engine)


@pytest.fixture
def out(tmp_path):
    """A host directory that containers see as /out."""
    directory = tmp_path / "out"
    directory.mkdir()
    return directory


def start(docker, image, out, *command, options=()):
    """Runs a detached container with /out mounted, and returns its name."""
    name = f"vigil-test-{next(_names)}"
    docker("run", "--detach", "--name", name, "--network", "none", "--volume", f"{out}:/out",
           *options, image, *command)
    return name


def wait_ready(out, *names):
    for name in names:
        wait_for((out / f"{name}.ready").exists, timeout=60, what=f"/out/{name}.ready")


def top(docker, name):
    """`docker top` rows as dicts: pid, ppid, stat, args (host PIDs)."""
    lines = docker.output("top", name, "-o", "pid,ppid,stat,args").splitlines()[1:]
    rows = []
    for line in lines:
        pid, ppid, stat, args = line.split(None, 3)
        rows.append({"pid": int(pid), "ppid": int(ppid), "stat": stat, "args": args})
    return rows


def test_every_block_marked_for_this_file_is_run():
    assert set(BLOCKS) == EXPECTED_BLOCKS
    assert set(README_BLOCKS) == EXPECTED_README_BLOCKS


def test_the_page_names_the_versions_it_was_run_with(docker_engine):
    versions = docker_engine.versions()
    text = " ".join(DOC.read_text().split())  # lines wrap anywhere
    for name, label in [("docker", "Docker"), ("containerd", "containerd"), ("runc", "runc")]:
        assert f"{label} {versions[name]}" in text, f"docs/docker.md: say {label} {versions[name]}"


# --- vigil as the ENTRYPOINT ------------------------------------------------------------------

@pytest.mark.parametrize("command,code", [
    (["sh", "-c", "exit 42"], 42),
    (["sh", "-c", "kill -TERM $$"], 128 + 15),
    (["sh", "-c", "kill -USR1 $$"], 128 + 10),
    (["/no/such/program"], 127),
])
def test_the_container_exits_with_the_applications_status(docker, image, command, code):
    result = docker("run", "--rm", "--network", "none", image, *command, check=False)
    assert result.returncode == code, result.stderr


def test_vigil_is_pid_1_and_reaps_orphans(docker, image, out):
    name = start(docker, image, out, "sh", "-c", "orphans 50 && exec main 0")
    wait_ready(out, "main")
    vigil = docker.init_pid(name)
    rows = top(docker, name)
    assert [r["args"] for r in rows if r["pid"] == vigil] == ["/vigil -- sh -c orphans 50 && exec main 0"]

    def zombies():
        seen = [f"docker top: {r}" for r in top(docker, name) if r["stat"].startswith("Z")]
        return seen + [f"/proc: {p}" for p in namespace_processes(vigil) if p["state"] == "Z"]

    wait_for(lambda: settled_orphans(vigil), timeout=60, interval=0.1, what="the orphans to exit and be reaped")
    wait_for(lambda: not zombies(), timeout=60, interval=0.1, what="no zombies in the container")
    # The orphan that keeps running was re-parented to vigil, PID 1 of the container.
    kept = [r for r in top(docker, name) if r["args"] == "sleep 1000"]
    assert [r["ppid"] for r in kept] == [vigil], top(docker, name)


def test_docker_kill_delivers_signals_to_the_application(docker, image, out):
    name = start(docker, image, out, "main", "3")
    wait_ready(out, "main")
    signals = out / "main.signals"
    for number, sent in enumerate(["USR1", "HUP"], start=1):
        docker("kill", "--signal", sent, name)
        wait_for(lambda: signals.exists() and len(signals.read_text().split()) == number,
                 timeout=60, what=f"the application to record {sent}")
    docker("kill", "--signal", "TERM", name)
    assert docker.exit_code(name) == 3
    assert signals.read_text().split() == ["USR1", "HUP", "TERM"]


def test_docker_stop_lets_leftovers_finish_their_writes(docker, image, out):
    # Two leftovers that take a second to flush on TERM, children of the application.
    name = start(docker, image, out, "sh", "-c",
                 "flusher /out/one & flusher /out/two & exec main 3")
    wait_ready(out, "main", "one", "two")
    docker("stop", "--time", "60", name)
    # The application's status: vigil exited by itself, before Docker's SIGKILL (137).
    assert docker.exit_code(name) == 3
    assert (out / "one").read_text() == "flushed\n"
    assert (out / "two").read_text() == "flushed\n"
    assert "SIGKILL" not in docker.logs(name)[1]


def test_a_leftover_that_ignores_term_is_killed_when_the_grace_runs_out(docker, image, out):
    name = start(docker, image, out, "sh", "-c",
                 "stubborn /out/stubborn & flusher /out/one 0.2 & exec main 3",
                 options=["--env", "VIGIL_GRACE=5s"])
    wait_ready(out, "main", "stubborn", "one")
    docker("stop", "--time", "60", name)
    assert docker.exit_code(name) == 3  # vigil's SIGKILL, long before Docker's at 60 s
    assert (out / "one").read_text() == "flushed\n"
    log = docker.logs(name)[1]
    assert re.search(r"grace period of 5s expired; sent SIGKILL to \d+ \(stubborn\)", log), log


def test_a_process_started_with_docker_exec_is_stopped_with_the_rest(docker, image, out):
    name = start(docker, image, out, "main", "3")
    wait_ready(out, "main")
    docker("exec", "--detach", name, "flusher", "/out/exec")
    wait_ready(out, "exec")
    docker("stop", "--time", "60", name)
    assert docker.exit_code(name) == 3
    # Not vigil's descendant, but in its PID namespace: asked with TERM, and waited for.
    assert (out / "exec").read_text() == "flushed\n"


# --- vigil as Docker's --init ----------------------------------------------------------------

# The application leaves a process behind that needs TERM and a second to flush, then exits 5.
LEAVES_A_FLUSHER = ("cat /proc/1/cmdline > /out/cmdline; cat /proc/1/comm > /out/comm; "
                    "flusher /out/left & while [ ! -e /out/left.ready ]; do sleep 0.01; done; "
                    "exit 5")


def run_with_init(docker, image, out, script, options=()):
    return docker("run", "--rm", "--network", "none", "--volume", f"{out}:/out", "--init",
                  "--entrypoint", "/bin/sh", *options, image, "-c", script, check=False)


def test_docker_run_init_runs_vigil_as_tini(docker, image, out):
    result = run_with_init(docker, image, out, LEAVES_A_FLUSHER)
    assert result.returncode == 5, result.stderr
    assert (out / "cmdline").read_text().split("\0") == \
        ["/sbin/docker-init", "--", "/bin/sh", "-c", LEAVES_A_FLUSHER, ""]
    assert (out / "comm").read_text() == "docker-init\n"
    # Like tini it exits as soon as the application has exited; the kernel then kills the
    # leftover, which never got a TERM.
    assert not (out / "left.term").exists() and not (out / "left").exists()
    assert run_with_init(docker, image, out, "kill -TERM $$").returncode == 128 + 15


def test_docker_run_init_with_vigil_grace_stops_the_leftovers_gracefully(docker, image, out):
    result = run_with_init(docker, image, out, LEAVES_A_FLUSHER, options=["--env", "VIGIL_GRACE=8s"])
    assert result.returncode == 5, result.stderr
    assert (out / "left").read_text() == "flushed\n"


def init_version_line(docker_engine):
    """What dockerd reads: `<init-path> --version`, run the way dockerd runs it."""
    result = subprocess.run([docker_engine.init_path, "--version"], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_docker_version_shows_the_init_version(docker_engine):
    line = init_version_line(docker_engine)
    version = re.match(r"tini version (\S+)", line)
    assert version, f"docker-init --version printed {line!r}, not tini's format"
    assert docker_engine.versions().get("docker-init") == version.group(1)


def test_docker_info_shows_the_init_commit(docker_engine):
    # dockerd (parseInitVersion) takes the commit from `tini version X - git.COMMIT` only: the
    # part after " - " must be "git." and a commit containing no further dot.
    line = init_version_line(docker_engine)
    commit = re.search(r" - git\.([^.\s]+)$", line)
    assert commit, f"docker-init --version printed {line!r}: docker info shows no init commit"
    shown = docker_engine.output("info", "--format", "{{.InitCommit.ID}}")
    assert shown == commit.group(1)


# --- The recipe in docs/docker.md -------------------------------------------------------------

def test_the_demo_in_the_docs(docker):
    build, run, stop = commands(BLOCKS["demo"])
    # The build needs the Swift image from a registry; the test builds the same stage of
    # examples/Dockerfile (the default target, the last one) from the vigil under test.
    assert build == ["docker", "build", "-f", "examples/Dockerfile", "-t", "vigil-demo", "."]
    build_example_stage(docker, "vigil-demo")
    assert run[:2] == ["docker", "run"] and stop[:2] == ["docker", "stop"]
    running = docker.popen(*run[1:])
    try:
        wait_for(lambda: docker("inspect", "--format", "{{.State.Running}}", stop[-1],
                                check=False).stdout.strip() == "true",
                 timeout=60, interval=0.1, what="the demo container to run")
        # A stop before the shell has set its trap would end it by TERM (143): wait for its loop.
        vigil = docker.init_pid(stop[-1])
        wait_for(lambda: any(p["cmdline"] == ["/bin/busybox", "sleep", "1"] for p in namespace_processes(vigil)),
                 timeout=60, interval=0.1, what="the demo's loop to run")
        docker(*stop[1:])
        assert running.wait(timeout=120) == 0, running.log_path.read_text()
    finally:
        if running.poll() is None:
            running.kill()


# --- The several-process example (examples/Dockerfile, stage several) -------------------------

SEVERAL_IMAGE = "vigil-several"


@pytest.fixture(scope="module")
def several_image(docker_engine):
    """The `several` stage of examples/Dockerfile: the vigil under test, a static busybox and
    the scripts of examples/several-processes/."""
    return build_example_stage(docker_engine, SEVERAL_IMAGE, "several")


def shipped_lines(shipped):
    return (shipped / "app.log").read_text().splitlines()


def wait_until_running(docker, shipped):
    """Until the app has started, after the log shipper and the metrics agent were ready."""
    wait_for(lambda: (shipped / "app.log").exists() and "app: started" in shipped_lines(shipped),
             timeout=120, interval=0.1, what="the app's first line in the shipped log")


def assert_stopped_in_order(docker, name, shipped):
    """The shipped log ends with the stop of the app, then of the metrics agent (the last
    sidecar started), then of the log shipper (the first), each after the one before was gone.
    The app takes a second over its stop: had the sidecars been asked at the same time as the
    app, their lines would come before its last one, or be missing."""
    tail = shipped_lines(shipped)[-4:]
    assert [re.sub(r"\d+", "N", line) for line in tail] == [
        "app: stopping: finishing the request in progress",
        "app: stopped after N requests",
        "metrics: stopping",
        "log-shipper: flushed; stopping after N lines",
    ], shipped_lines(shipped)
    # Everything the app logged was shipped, the shipper's own last line aside.
    assert int(tail[-1].split()[-2]) == len(shipped_lines(shipped)) - 1
    stdout, stderr = docker.logs(name)
    for prefix in ("main | app: started", "log-shipper | log-shipper: shipping", "metrics | metrics: serving",
                   "main | app: stopped after", "metrics | metrics: stopping", "log-shipper | log-shipper: flushed"):
        assert prefix in stdout, stdout
    # Nobody needed vigil's SIGKILL, nor Docker's.
    assert "SIGKILL" not in stderr and "warning" not in stderr, stderr


def test_the_page_shows_the_several_process_entrypoint_as_the_dockerfile_has_it():
    assert BLOCKS["several-entrypoint"] in EXAMPLE_DOCKERFILE.read_text()


def test_the_several_process_example_in_the_docs(docker, several_image, tmp_path):
    build, run, stop, wait, tail = commands(BLOCKS["several"])
    # The build needs the Swift image from a registry; the test builds the same stage from the
    # vigil under test.
    assert build == ["docker", "build", "-f", "examples/Dockerfile", "--target", "several",
                     "-t", SEVERAL_IMAGE, "."]
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    assert run[:2] == ["docker", "run"] and run[-1] == SEVERAL_IMAGE
    docker(*[word.replace("$PWD", str(tmp_path)) for word in run[1:]])
    name = stop[-1]
    assert stop[:2] == ["docker", "stop"] and wait == ["docker", "wait", name]
    wait_until_running(docker, shipped)
    docker(*stop[1:])
    # `docker wait` prints the exit code: the app's 0, not Docker's 137.
    assert docker.output(*wait[1:]) == "0"
    assert tail[:3] == ["tail", "-n", "4"] and tail[3] == "shipped/app.log"
    assert_stopped_in_order(docker, name, shipped)
    # The page shows what `tail` printed (the counts differ from run to run).
    shown = [re.sub(r"\d+", "N", line) for line in BLOCKS["several-output"].splitlines()]
    assert shown == [re.sub(r"\d+", "N", line) for line in shipped_lines(shipped)[-4:]]


def test_docker_stop_stops_the_main_process_then_the_sidecars_in_reverse_order(docker, several_image,
                                                                               tmp_path):
    # CMD replaced: the app exits 3 when asked to stop. The entrypoint keeps the sidecars.
    name = f"vigil-test-{next(_names)}"
    docker("run", "--detach", "--name", name, "--network", "none",
           "--volume", f"{tmp_path}:/var/log/shipped", several_image, "app", "3")
    wait_until_running(docker, tmp_path)
    docker("stop", "--time", "60", name)
    assert docker.exit_code(name) == 3
    assert_stopped_in_order(docker, name, tmp_path)


# --- HEALTHCHECK CMD ["/vigil", "check"], the README's line ---------------------------------------

ZOMBIE_LINE = re.compile(r"unhealthy: (\d+) zombies whose parent is not vigil, above the limit of 10\n?")


def health(docker, name):
    """(status, exit code and output of the latest check) from `docker inspect`."""
    state = json.loads(docker.output("inspect", "--format", "{{json .State.Health}}", name))
    latest = (state.get("Log") or [{}])[-1]
    return state["Status"], latest.get("ExitCode"), latest.get("Output", "")


def wait_health(docker, name, status, output):
    """Until Docker reports `status` and its latest check printed a line `output` accepts;
    returns (status, exit code, output)."""
    seen = []

    def reached():
        seen[:] = [health(docker, name)]
        return seen[0][0] == status and output(seen[0][2]) and seen[0]
    try:
        return wait_for(reached, timeout=180, interval=0.2, what=f"{name} to be {status}")
    except AssertionError as error:
        raise AssertionError(f"{error}; last seen: {seen}") from None


def test_healthcheck_reports_zombies_of_a_parent_that_never_waits(docker, out):
    block = README_BLOCKS["healthcheck"]
    instructions = [line for line in block.splitlines() if line.strip() and not line.startswith("#")]
    assert len(instructions) == 1 and instructions[0].startswith("HEALTHCHECK "), block
    image = build_image(docker, "vigil-healthcheck", TEST_DOCKERFILE + block, TEST_FILES)
    # Exec form: Docker runs vigil itself, no shell.
    test = json.loads(docker.output("inspect", "--format", "{{json .Config.Healthcheck.Test}}", image))
    assert test == ["CMD", "/vigil", "check"]
    # The README's timing, made quick: a check every second, and one failure is enough.
    name = start(docker, image, out, "sleep", "1000",
                 options=["--health-interval", "1s", "--health-retries", "1", "--health-timeout", "60s"])
    wait_health(docker, name, "healthy", lambda line: line.startswith("healthy: "))

    # A process in the container starts 15 children that exit, and never waits for them.
    docker("exec", "--detach", name, "zombies", "15")
    def fifteen_or_more(line):
        counted = ZOMBIE_LINE.fullmatch(line)
        return counted and int(counted.group(1)) >= 15
    _, code, _ = wait_health(docker, name, "unhealthy", fifteen_or_more)
    assert code == 1

    # Their parent goes: vigil, PID 1, inherits the zombies and reaps them.
    vigil = docker.init_pid(name)
    parents = collections.Counter(p["ppid"] for p in namespace_processes(vigil) if p["state"] == "Z")
    parent, count = parents.most_common(1)[0]
    assert count >= 15 and parent != vigil, parents
    os.kill(parent, signal.SIGKILL)
    wait_for(lambda: not [p for p in namespace_processes(vigil) if p["state"] == "Z"],
             timeout=60, interval=0.1, what="no zombies in the container")
    _, code, _ = wait_health(docker, name, "healthy", lambda line: line.startswith("healthy: "))
    assert code == 0


# --- Who may use the control channel -------------------------------------------------------------

def test_the_control_channel_serves_docker_exec_and_nsenter_from_the_node(docker, image, out):
    """`docker exec` is inside the container; a node's administrator enters its PID, mount and
    network namespaces with nsenter (docs/security.md). Both are served."""
    name = start(docker, image, out, "main", "0", options=["--entrypoint", "/vigil"])
    wait_ready(out, "main")
    result = docker("exec", name, "/vigil", "status")
    assert result.stdout.splitlines()[0] == "vigil: running (pid 1)"
    vigil = docker.init_pid(name)
    entered = subprocess.run(["nsenter", "--target", str(vigil), "--pid", "--mount", "--net", "--", "/vigil", "status"],
                             capture_output=True, text=True, timeout=60)
    assert entered.returncode == 0, entered.stderr
    assert entered.stdout.splitlines()[0] == "vigil: running (pid 1)"
    docker("stop", name)
