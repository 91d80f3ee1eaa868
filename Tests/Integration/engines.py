"""Real container engines for the integration tests: a dockerd of the tests' own, and Podman with
configuration and storage of its own.

Nothing on the host is configured or reused. Each engine keeps its data, state, sockets and
configuration under one temporary directory, uses the vfs storage driver (overlay on overlay is
not available everywhere) and no network: no iptables rules, no bridge. An engine is started at
most once per test session, when a test first asks for it. At the end of the session, pass or
fail (and from atexit if pytest is interrupted), every container is removed, dockerd is stopped
by its PID, any process still naming the directory (containerd, its shims, conmon) is killed by
its PID, and the directory goes.

Images are built FROM scratch with the vigil under test (VIGIL_BIN), a static busybox and the
scripts in workloads/container; there is no registry. `build_image` takes a Dockerfile text and
the files it copies, and builds with either engine: new image tests (a HEALTHCHECK image, the
several-process example) start there.

A fenced block in docs/*.md that a test runs is marked on the line before its fence with
`<!-- executed by Tests/Integration/FILE.py (KEY) -->`; the test reads it with
`executed_blocks`, so the page and the test cannot drift apart.
"""
import atexit
import json
import os
import pathlib
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

from helpers import ROOT, VIGIL, require, wait_for
from procfs import all_pids, cmdline_bytes, mount_points, namespace_processes, proc_stat

BUSYBOX = shutil.which("busybox") or "/bin/busybox"
CONTAINER_WORKLOADS = pathlib.Path(__file__).resolve().parent / "workloads" / "container"
EXAMPLE_DOCKERFILE = ROOT / "examples" / "Dockerfile"

# The test image: vigil as the entrypoint, busybox's applets in /bin, the scripts of
# workloads/container in /usr/local/bin. One RUN: with vfs every layer is a full copy.
TEST_DOCKERFILE = """\
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "sh", "-c", "/bin/busybox --install -s /bin && mkdir -p /out /tmp /var/log/app"]
COPY workloads/ /usr/local/bin/
COPY vigil /vigil
ENTRYPOINT ["/vigil", "--"]
"""
TEST_FILES = {"busybox": BUSYBOX, "workloads": CONTAINER_WORKLOADS, "vigil": VIGIL}

START_TIMEOUT = 120  # seconds for dockerd to answer; it takes under a second when idle
STOP_TIMEOUT = 60    # seconds for dockerd to exit on TERM before it is killed


def require_static_busybox():
    linkage = subprocess.run(["ldd", BUSYBOX], capture_output=True, text=True)
    require("not a dynamic executable" in linkage.stdout + linkage.stderr,
            f"{BUSYBOX} is not a static busybox (apt-get install busybox-static)")


class Engine:
    """A container engine's command line, with the environment that points it at our own
    daemon or storage. Calling it runs one command and returns the CompletedProcess (text)."""

    name = "engine"

    def __init__(self, command, env, directory):
        self.command = command
        self.env = env
        self.directory = directory
        self.stopped = False

    def __call__(self, *args, check=True, timeout=300, **options):
        options.setdefault("stdin", subprocess.DEVNULL)
        argv = self.command + [str(a) for a in args]
        result = subprocess.run(argv, env=self.env, capture_output=True, text=True,
                                timeout=timeout, **options)
        if check and result.returncode != 0:
            raise AssertionError(f"`{self.name} {shlex.join(argv[1:])}` exited {result.returncode}:"
                                 f"\n{result.stdout}{result.stderr}")
        return result

    def output(self, *args, **options):
        return self(*args, **options).stdout.strip()

    def popen(self, *args, **options):
        """Starts a command in the background; its output goes to the file `log_path`."""
        descriptor, path = tempfile.mkstemp(dir=self.directory, prefix="popen-")
        with os.fdopen(descriptor, "wb") as log:
            process = subprocess.Popen(self.command + [str(a) for a in args], env=self.env,
                                       stdin=subprocess.DEVNULL, stdout=log,
                                       stderr=subprocess.STDOUT, **options)
        process.log_path = pathlib.Path(path)
        return process

    def inspect(self, container, template):
        return self.output("inspect", "--format", template, container)

    def exit_code(self, container):
        """The exit code of a container that has exited (waits for it, bounded)."""
        wait_for(lambda: self.inspect(container, "{{.State.Status}}") in ("exited", "stopped"),
                 timeout=120, interval=0.1, what=f"container {container} to exit")
        return int(self.inspect(container, "{{.State.ExitCode}}"))

    def init_pid(self, container):
        """The host PID of a running container's first process."""
        return wait_for(lambda: int(self.inspect(container, "{{.State.Pid}}")) or None,
                        timeout=120, interval=0.1, what=f"container {container} to start")

    def logs(self, container):
        """(stdout, stderr) of a container."""
        result = self("logs", container)
        return result.stdout, result.stderr

    def versions(self):
        """{component: upstream version}, such as {"docker": "20.10.24", ...}."""
        raise NotImplementedError

    def remove_all(self):
        raise NotImplementedError

    def stop(self):
        raise NotImplementedError


def upstream(version):
    """A packaged version without the distribution's suffix: 20.10.24+dfsg1 -> 20.10.24."""
    return re.split(r"[+~-]", version, maxsplit=1)[0]


def build_image(engine, tag, dockerfile, files):
    """Builds `dockerfile` (its text) tagged `tag`; `files` maps names in the build context to
    host files or directories. The context is a fresh directory, removed afterwards."""
    context = pathlib.Path(tempfile.mkdtemp(prefix="context-", dir=engine.directory))
    try:
        for name, source in files.items():
            source = pathlib.Path(source)
            (context / name).parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                shutil.copytree(source, context / name, symlinks=True)
            else:
                shutil.copy2(source, context / name)  # keeps the mode: scripts stay executable
        (context / "Dockerfile").write_text(dockerfile)
        # No network for RUN steps either: Podman's default would set up a bridge and
        # firewall rules on the host.
        engine("build", "--quiet", "--network", "none", "--tag", tag,
               "--file", context / "Dockerfile", context, timeout=900)
    finally:
        shutil.rmtree(context, ignore_errors=True)
    return tag


def build_test_image(engine, tag="vigil-test"):
    """The standard test image (TEST_DOCKERFILE): vigil as entrypoint, busybox, the workloads."""
    return build_image(engine, tag, TEST_DOCKERFILE, TEST_FILES)


def dockerfile_stage(path, stage=None):
    """A stage of a multi-stage Dockerfile, as a Dockerfile of its own that builds from a local
    context: `COPY --from=OTHER /some/path/NAME DEST` becomes `COPY NAME DEST`. Returns (text,
    names the context must hold, sources of plain COPYs: paths in the original context).
    Without `stage`, the last stage (the default target)."""
    stages, current, order = {}, None, []
    logical = re.sub(r"\\\n(\s*#.*\n)*", " ", pathlib.Path(path).read_text())
    for line in logical.splitlines():
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        if words[0].upper() == "FROM":
            current = words[3] if len(words) >= 4 and words[2].upper() == "AS" else f"#{len(order)}"
            order.append(current)
            stages[current] = []
        if current is not None:
            stages[current].append(line)
    name = stage or order[-1]
    assert name in stages, f"{path} has no stage {name!r} (stages: {order})"
    lines, needed, local = [], [], []
    for line in stages[name]:
        words = line.split()
        if words[0].upper() == "FROM":
            assert words[1] == "scratch", f"{path}: stage {name} is not FROM scratch: {line}"
            lines.append("FROM scratch")
            continue
        if words[0].upper() == "COPY" and words[1].startswith("--from="):
            assert len(words) == 4, f"{path}: one source per COPY --from, please: {line}"
            source = os.path.basename(words[2])
            needed.append(source)
            line = f"COPY {source} {words[3]}"
        elif words[0].upper() == "COPY":
            assert len(words) == 3 and not words[1].startswith("--"), \
                f"{path}: one source and no flags per plain COPY, please: {line}"
            local.append(words[1].rstrip("/"))
        lines.append(line)
    return "\n".join(lines) + "\n", needed, local


def build_example_stage(engine, tag, stage=None):
    """Builds a stage of examples/Dockerfile with the vigil under test and the static busybox
    in place of what the stage copies from the Swift build and the Debian stages, and the
    repository's own files (plain COPYs, such as examples/several-processes/) as they are."""
    text, needed, local = dockerfile_stage(EXAMPLE_DOCKERFILE, stage)
    known = {"vigil": VIGIL, "busybox": BUSYBOX}
    unknown = [n for n in needed if n not in known]
    assert not unknown, f"examples/Dockerfile stage {stage}: no local file for {unknown}"
    files = {n: known[n] for n in needed}
    files.update({source: ROOT / source for source in local})
    return build_image(engine, tag, text, files)


# --- Processes of the containers and of the engines, on the host ------------------------------

def settled_orphans(pid):
    """The `sleep 1000` processes in the PID namespace of host PID `pid` once what
    workloads/container/orphans made has settled, else None: the orphans that exit at once are
    gone and reaped, and the one that keeps running has exec'd and lost its first parent."""
    processes = namespace_processes(pid)
    unsettled = [p for p in processes if p["state"] == "Z" or not p["cmdline"]  # a zombie has none
                 or p["cmdline"] == ["sleep", "0.01"] or {"sleep 0.01 &", "sleep 1000 &"} & set(p["cmdline"])]
    kept = [p for p in processes if p["cmdline"] == ["sleep", "1000"]]
    return kept if kept and not unsettled else None


def _kill_processes_naming(directory):
    """SIGKILLs, by PID, every process whose command line names `directory` (containerd, its
    shims, conmon, podman's cleanup processes): nothing else refers to our temporary directory."""
    marker = str(directory).encode()
    victims = []
    for pid in all_pids():
        if pid != os.getpid() and marker in (cmdline_bytes(pid) or b""):
            try:
                os.kill(pid, signal.SIGKILL)
                victims.append(pid)
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(
            (proc_stat(p) or {"state": "Z"})["state"] != "Z" for p in victims):
        time.sleep(0.05)
    return victims


def _unmount_under(directory):
    """Lazily unmounts whatever is still mounted under `directory`, deepest first."""
    prefix = str(directory).rstrip("/") + "/"
    points = [point for point in mount_points() if point.startswith(prefix) or point == prefix.rstrip("/")]
    for point in sorted(set(points), key=len, reverse=True):
        subprocess.run(["umount", "-l", point], capture_output=True)


def _remove_directory(directory):
    _unmount_under(directory)
    shutil.rmtree(directory, ignore_errors=True)


def _fail_to_start(engine, reason):
    """The engine could not start: clean up, then skip (or fail under CI) saying why."""
    engine.stop()
    require(False, reason)


# --- Docker -----------------------------------------------------------------------------------

class Docker(Engine):
    """dockerd (Debian's docker.io) with everything under a temporary directory: data root,
    exec root (its containerd too), pidfile, socket, an empty daemon.json and client config.
    vfs, no iptables, no bridge. `--init-path` is a symlink named docker-init to the vigil
    under test, so `docker run --init` runs vigil under tini's personality."""

    name = "docker"

    def __init__(self):
        dockerd = shutil.which("dockerd")
        require(os.geteuid() == 0, "the Docker tests need root to run dockerd")
        require(dockerd, "dockerd is not installed (apt-get install docker.io)")
        require_static_busybox()
        # Under /tmp: unix socket paths must stay short.
        directory = pathlib.Path(tempfile.mkdtemp(prefix="vigil-dockerd-", dir="/tmp"))
        (directory / "bin").mkdir()
        self.init_path = directory / "bin" / "docker-init"
        os.symlink(VIGIL, self.init_path)
        (directory / "daemon.json").write_text("{}\n")  # not /etc/docker/daemon.json
        # The client that came with the daemon (docker.io puts both in /usr), else any on PATH.
        sibling = pathlib.Path(dockerd).resolve().parent.parent / "bin" / "docker"
        client = str(sibling) if os.access(sibling, os.X_OK) else shutil.which("docker")
        require(client, "the docker client is not installed (apt-get install docker.io)")
        env = dict(os.environ, DOCKER_HOST=f"unix://{directory}/docker.sock",
                   DOCKER_CONFIG=str(directory / "client"), DOCKER_BUILDKIT="0")
        super().__init__([client], env, directory)
        self.log_path = directory / "dockerd.log"
        self.process = None
        _track(self)
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [dockerd, "--config-file", directory / "daemon.json",
                 "--data-root", directory / "data", "--exec-root", directory / "exec",
                 "--pidfile", directory / "dockerd.pid", "--host", env["DOCKER_HOST"],
                 "--iptables=false", "--ip6tables=false", "--bridge=none",
                 "--storage-driver=vfs", "--init-path", self.init_path],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        while self("version", check=False, timeout=60).returncode != 0:
            if self.process.poll() is not None or time.monotonic() > deadline:
                _fail_to_start(self, f"dockerd did not start (exit status {self.process.poll()}); "
                                     f"its log ends:\n{self.log_tail()}")
            time.sleep(0.1)

    def log_tail(self, lines=20):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def versions(self):
        server = json.loads(self.output("version", "--format", "{{json .Server}}"))
        found = {"docker": server["Version"]}
        for component in server.get("Components") or []:
            found[component["Name"].lower()] = component["Version"]
        return {name: upstream(version) for name, version in found.items()}

    def remove_all(self):
        if self.process is None or self.process.poll() is not None:
            return
        ids = self("ps", "-aq", check=False, timeout=60).stdout.split()
        if ids:
            self("rm", "--force", *ids, check=False, timeout=120)

    def stop(self):
        """Removes every container, stops dockerd by its PID (SIGKILL if TERM is not enough),
        kills whatever still names our directory, and removes the directory."""
        if self.stopped:
            return
        self.stopped = True
        try:
            self.remove_all()
        except (subprocess.TimeoutExpired, OSError):
            pass
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)
        _kill_processes_naming(self.directory)
        _remove_directory(self.directory)


# --- Podman -----------------------------------------------------------------------------------

CONTAINERS_CONF = """\
# The tests' own Podman configuration (CONTAINERS_CONF): nothing in /etc is read or changed.
[containers]
# Podman's default rlimits cannot be set in some sandboxes; explicit values can.
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
netns = "none"

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "{directory}/tmp"
# Lock files under tmp_dir rather than the host-wide /dev/shm/libpod_lock.
lock_type = "file"

[network]
network_config_dir = "{directory}/networks"
"""

STORAGE_CONF = """\
[storage]
driver = "vfs"
graphroot = "{directory}/root"
runroot = "{directory}/run"
"""


class Podman(Engine):
    """Podman (Debian's podman) with its own containers.conf and storage.conf (vfs) under a
    temporary directory, runc, cgroupfs, and no network for any container."""

    name = "podman"

    def __init__(self):
        podman = shutil.which("podman")
        require(os.geteuid() == 0, "the Podman tests need root")
        require(podman, "podman is not installed (apt-get install podman)")
        require(shutil.which("runc"), "runc is not installed (apt-get install runc)")
        require_static_busybox()
        directory = pathlib.Path(tempfile.mkdtemp(prefix="vigil-podman-", dir="/tmp"))
        for name in ("root", "run", "tmp", "networks"):
            (directory / name).mkdir()
        (directory / "containers.conf").write_text(CONTAINERS_CONF.format(directory=directory))
        (directory / "storage.conf").write_text(STORAGE_CONF.format(directory=directory))
        env = dict(os.environ, CONTAINERS_CONF=str(directory / "containers.conf"),
                   CONTAINERS_STORAGE_CONF=str(directory / "storage.conf"))
        super().__init__([podman], env, directory)
        _track(self)
        info = self("info", "--format", "{{.Store.GraphDriverName}} {{.Store.GraphRoot}}",
                    check=False, timeout=120)
        if info.returncode != 0 or info.stdout.split() != ["vfs", str(directory / "root")]:
            _fail_to_start(self, f"podman info failed or did not take our storage.conf:\n"
                                 f"{info.stdout}{info.stderr}")

    def versions(self):
        found = {"podman": self.output("version", "--format", "{{.Client.Version}}")}
        runtime = self.output("info", "--format", "{{.Host.OCIRuntime.Version}}").splitlines()
        conmon = self.output("info", "--format", "{{.Host.Conmon.Version}}")
        found["runc"] = runtime[0].split()[-1] if runtime else ""
        found["conmon"] = conmon.split(",")[0].split()[-1] if conmon else ""
        return {name: upstream(version) for name, version in found.items()}

    def remove_all(self):
        self("pod", "rm", "--all", "--force", "--time", "0", check=False, timeout=120)
        self("rm", "--all", "--force", "--time", "0", check=False, timeout=120)
        self("volume", "rm", "--all", "--force", check=False, timeout=120)

    def stop(self):
        """Removes every pod, container and volume, kills whatever still names our directory
        (conmon, cleanup processes) by PID, and removes the directory."""
        if self.stopped:
            return
        self.stopped = True
        try:
            self.remove_all()
        except (subprocess.TimeoutExpired, OSError):
            pass
        _kill_processes_naming(self.directory)
        _remove_directory(self.directory)


# --- Fixtures ---------------------------------------------------------------------------------

_started = []  # engines to stop at exit, whatever happens to the session


@atexit.register
def _stop_all():
    for engine in reversed(_started):
        engine.stop()


def _interrupt(number, frame):
    raise KeyboardInterrupt(f"signal {number}")


def _track(engine):
    """Stops `engine` at exit. From the first engine on, a TERM to pytest (a cancelled CI job)
    becomes an interrupt, which pytest handles by tearing the session down, engines included,
    instead of dying with dockerd still running."""
    _started.append(engine)
    if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _interrupt)


@pytest.fixture(scope="session")
def docker_engine():
    """Our dockerd, started on first use and stopped at the end of the session."""
    engine = Docker()
    yield engine
    engine.stop()


@pytest.fixture
def docker(docker_engine):
    """The Docker engine for one test: its containers are removed when the test ends."""
    yield docker_engine
    docker_engine.remove_all()


@pytest.fixture(scope="session")
def podman_engine():
    """Podman with our own configuration and storage, removed at the end of the session."""
    engine = Podman()
    yield engine
    engine.stop()


@pytest.fixture
def podman(podman_engine):
    """The Podman engine for one test: its pods, containers and volumes go when it ends."""
    yield podman_engine
    podman_engine.remove_all()


# --- Blocks of the documentation that the tests execute ----------------------------------------

MARKER = re.compile(r"^<!-- executed by (\S+) \(([a-z0-9-]+)\) -->\s*$")
FENCE = re.compile(r"^(`{3,}|~{3,})")


def executed_blocks(document, test_file):
    """{key: text} of the fenced blocks of `document` marked as executed by `test_file`
    (a path relative to the repository, such as Tests/Integration/test_podman.py)."""
    lines = pathlib.Path(document).read_text().splitlines()
    where = pathlib.Path(document).relative_to(ROOT)
    blocks = {}
    for index, line in enumerate(lines):
        marker = MARKER.match(line)
        if not marker or marker.group(1) != test_file:
            continue
        key = marker.group(2)
        opening = FENCE.match(lines[index + 1]) if index + 1 < len(lines) else None
        assert opening, f"{where}:{index + 1}: the marker is not followed by a code fence"
        assert key not in blocks, f"{where}:{index + 1}: a second block marked {key}"
        end = index + 2
        while end < len(lines) and not lines[end].startswith(opening.group(1)):
            end += 1
        assert end < len(lines), f"{where}:{index + 2}: the fence is never closed"
        blocks[key] = "\n".join(lines[index + 2:end]) + "\n"
    return blocks


def commands(block):
    """The command lines of a shell block, each split as sh would (comments dropped)."""
    result = []
    for line in block.splitlines():
        assert not line.rstrip().endswith("\\"), f"continuation lines are not handled: {line}"
        words = shlex.split(line, comments=True)
        if words:
            result.append(words)
    return result
