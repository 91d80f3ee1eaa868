"""vigil status, vigil check and the control commands, against a running vigil: its control
channel (an abstract socket), who may use it, and what bad clients cannot do to it."""
import os
import resource
import signal
import socket
import subprocess
import time

import pytest

from helpers import (PYTHON, UNSHARE, VIGIL, PidsCgroup, compiled, control_channel_name, received, recorder,
                     require, wait_for, workload)
from procfs import children_of, cpu_seconds, proc_stat


def alone(launch, args, binary=None, **options):
    """Starts vigil in a mount namespace of its own, not as PID 1, so that the test shares its
    PID namespace: its control channel's name is its own even when other test runs on the
    machine run vigil too. `ask` reaches it."""
    return launch(["--mount", "--propagation", "private", binary or VIGIL] + list(args), pid1=False,
                  binary="unshare", **options)


def ask(run, args, *nsenter_options, **options):
    """`vigil ARGS` run in the mount namespace of `run`'s vigil (the PID namespace is shared)."""
    command = ["nsenter", "--target", str(run.vigil_pid), "--mount", *nsenter_options, "--", VIGIL] + list(args)
    return subprocess.run(command, capture_output=True, timeout=60, stdin=subprocess.DEVNULL, **options)


def raw_request(data, close_write=True, name=None):
    """Sends raw bytes to the channel; returns what vigil answers before it closes."""
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.settimeout(30)
    client.connect("\0" + (name or control_channel_name()))
    try:
        client.sendall(data)
        if close_write:
            client.shutdown(socket.SHUT_WR)
        reply = b""
        while True:
            chunk = client.recv(4096)
            if not chunk:
                return reply
            reply += chunk
    finally:
        client.close()


def status_rows(text):
    """`vigil status`'s table as {name: {column: value}}."""
    lines = text.splitlines()
    header = lines[1].split()
    return {row.split()[0]: dict(zip(header, row.split())) for row in lines[2:]}


@pytest.fixture
def supervised(launch, tmp_path):
    """vigil (not PID 1, in a mount namespace of its own: see `alone`) with two sidecars."""
    run = alone(launch, ["--sidecar", "log=sleep 1000", "--sidecar", f"web={PYTHON} -c 'import time; time.sleep(1000)'",
                         "--ready", "web=exec:true", "--required", "web", "--", "sleep", "1000"])
    wait_for(lambda: ask(run, ["status"]).returncode == 0 and b"main" in ask(run, ["status"]).stdout,
             what="vigil's channel")
    wait_for(lambda: "running" in status_rows(ask(run, ["status"]).stdout.decode())["main"]["STATE"],
             what="the main process")
    return run


def test_status_shows_every_process(supervised):
    result = ask(supervised, ["status"])
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode()
    assert text.splitlines()[0] == f"vigil: running (pid {supervised.vigil_pid})"
    rows = status_rows(text)
    assert rows["main"]["KIND"] == "main" and rows["log"]["STATE"] == "running" and rows["web"]["STATE"] == "ready"
    for name in ("main", "log", "web"):
        pid = int(rows[name]["PID"])
        assert proc_stat(pid)["ppid"] == supervised.vigil_pid    # the PIDs are vigil's children
    assert ask(supervised, ["check"]).returncode == 0


def test_control_commands_act_on_sidecars(supervised):
    before = status_rows(ask(supervised, ["status"]).stdout.decode())
    assert ask(supervised, ["restart", "log"]).returncode == 0
    wait_for(lambda: status_rows(ask(supervised, ["status"]).stdout.decode())["log"]["PID"] not in ("-", before["log"]["PID"]),
             what="log restarted")
    # stop keeps it down, and is not a failure: the rest carries on.
    assert ask(supervised, ["stop", "log"]).returncode == 0
    wait_for(lambda: status_rows(ask(supervised, ["status"]).stdout.decode())["log"]["STATE"] == "stopped", what="log stopped")
    assert supervised.process.poll() is None
    # What changes a process is in vigil's log at the default verbosity, with who asked.
    wait_for(lambda: "vigil: warning: stop log, asked by uid 0 (pid " in supervised.stderr, what="the stop logged")
    assert ask(supervised, ["check"]).returncode == 0                     # log is not required
    # A required sidecar held down makes the container unhealthy, until it starts again.
    assert ask(supervised, ["stop", "web"]).returncode == 0
    wait_for(lambda: ask(supervised, ["check"]).returncode == 1, what="check to see web down")
    assert b"required sidecar web" in ask(supervised, ["check"]).stdout
    assert ask(supervised, ["start", "web"]).returncode == 0
    assert ask(supervised, ["start", "log"]).returncode == 0
    wait_for(lambda: ask(supervised, ["check"]).returncode == 0, what="healthy again")
    pid = int(status_rows(ask(supervised, ["status"]).stdout.decode())["log"]["PID"])
    assert ask(supervised, ["signal", "log", "KILL"]).returncode == 0
    wait_for(lambda: status_rows(ask(supervised, ["status"]).stdout.decode())["log"]["RESTARTS"] == "1", what="log restarted")
    assert proc_stat(pid) is None


@pytest.mark.parametrize("argv,message", [
    (["restart", "nope"], "vigil restart: no process named 'nope'"),
    (["stop", "main"], "vigil stop: the main process is not stopped or started on its own; stop the container instead"),
    (["signal", "log", "NOPE"], "vigil signal: unknown signal 'NOPE' (see 'vigil signal --help')"),
    (["start", "log"], "vigil start: log is already running"),
])
def test_control_errors(supervised, argv, message):
    result = ask(supervised, argv)
    assert result.returncode in (1, 2)
    assert result.stderr.decode() == message + "\n"


def test_another_user_is_refused(supervised):
    result = ask(supervised, ["status"], "--setuid", "65534", "--setgid", "65534")
    assert result.returncode == 1
    # vigil answers before it closes, even though it reads nothing: the client reads that.
    assert result.stderr.decode() == "vigil status: permission denied: only root or vigil's own user\n"
    # A check that vigil refuses is not healthy: /proc alone would miss vigil's own view.
    result = ask(supervised, ["check"], "--setuid", "65534", "--setgid", "65534")
    assert result.returncode == 1
    assert result.stdout.decode() == "unhealthy: vigil refused the check: permission denied: only root or vigil's own user\n"
    wait_for(lambda: "refused a control connection from uid 65534" in supervised.stderr, what="the refusal logged")


def test_bad_clients_cannot_disturb_vigil(supervised):
    # Garbage, an oversized request, a half-written one, and many idle connections.
    name = control_channel_name(supervised.vigil_pid)
    assert raw_request(b"hello\n", name=name).startswith(b"vigil 1 error ")
    assert raw_request(b"vigil 1 status " + b"x" * 10_000 + b"\n", name=name).startswith(b"vigil 1 error ")
    assert raw_request(b"vigil 9 status\n", name=name) == b"vigil 1 error unsupported version\n"
    assert raw_request(b"\xff\x00\x01\n", name=name).startswith(b"vigil 1 error ")
    idle = []
    for _ in range(20):
        client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            client.connect("\0" + name)
            client.sendall(b"vigil 1 sta")   # never finished
        except OSError:
            pass
        idle.append(client)
    try:
        # vigil goes on supervising: a signal still reaches a sidecar, which is restarted.
        pid = int(status_rows(ask(supervised, ["status"]).stdout.decode())["log"]["PID"])
        os.kill(pid, signal.SIGKILL)
        wait_for(lambda: status_rows(ask(supervised, ["status"]).stdout.decode())["log"]["PID"] not in ("-", str(pid)),
                 what="log restarted while clients hang")
        assert supervised.process.poll() is None
    finally:
        for client in idle:
            client.close()
    assert raw_request(b"vigil 1 status\n", name=name).startswith(b"vigil 1 ok\nphase running")


def test_status_without_sidecars_shows_the_main_process(launch):
    run = alone(launch, ["sleep", "1000"])
    wait_for(lambda: ask(run, ["status"]).returncode == 0, what="vigil's channel")
    rows = status_rows(ask(run, ["status"]).stdout.decode())
    assert list(rows) == ["main"] and rows["main"]["STATE"] == "running"


def test_status_with_no_vigil_running_says_so():
    # In a fresh mount namespace the channel's name is different: nobody answers.
    result = subprocess.run(["unshare", "--mount", VIGIL, "status"], capture_output=True, timeout=60)
    assert result.returncode == 1
    assert b"cannot reach the running vigil" in result.stderr


def test_under_tini_and_dumb_init_names_there_is_no_channel(tmp_path, launch):
    tini = tmp_path / "tini"
    os.symlink(VIGIL, tini)
    run = alone(launch, ["-s", "--", "sleep", "1000"], binary=str(tini))
    result = ask(run, ["status"])
    assert result.returncode == 1
    # With no vigil listening, check judges from /proc alone, and says so.
    result = ask(run, ["check"])
    assert result.returncode == 0, result.stdout
    assert result.stdout.decode().endswith(" (no vigil control channel here: /proc alone)\n")


# --- vigil check ------------------------------------------------------------------------------

ZOMBIE_MAKER = """
import os, sys, time
children = []
for _ in range(int(sys.argv[1])):
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    children.append(pid)
for pid in children:
    os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)
open(sys.argv[2], "w").close()
while not os.path.exists(sys.argv[3]):
    time.sleep(0.01)
"""


def test_check_sees_zombies_of_a_parent_that_never_waits(launch, tmp_path):
    made, release = tmp_path / "made", tmp_path / "release"
    run = launch(["sh", "-c", f"{PYTHON} -c '{ZOMBIE_MAKER}' 15 {made} {release}; sleep 1000"])
    wait_for(made.exists, what="the zombies")

    def check():
        return subprocess.run(["nsenter", "--target", str(run.vigil_pid), "--pid", "--mount", "--", VIGIL, "check",
                               "--interval", "100ms"], capture_output=True, timeout=60)

    result = check()
    assert result.returncode == 1
    assert result.stdout.decode() == "unhealthy: 15 zombies whose parent is not vigil, above the limit of 10\n"
    release.touch()   # their parent exits: vigil inherits and reaps them
    wait_for(lambda: check().returncode == 0, what="healthy again")
    assert check().stdout.decode().startswith("healthy: ")
    limit = subprocess.run(["nsenter", "--target", str(run.vigil_pid), "--pid", "--mount", "--", VIGIL, "check",
                            "--zombies", "x"], capture_output=True, timeout=60)
    assert limit.returncode == 1    # never 2: Docker reserves it


def test_check_sees_pid_pressure(tmp_path):
    group = PidsCgroup(f"vigil-check-{os.getpid()}", limit=20)
    try:
        def join():
            group.join()

        # 16 of 20 PIDs: sleeps, vigil, sh and the check itself.
        script = "for i in 1 2 3 4 5 6 7 8 9 10 11 12; do sleep 1000 & done; vigil_check() { \"$0\" check; }; " \
                 "\"$0\" check; echo code=$?"
        result = subprocess.run(UNSHARE + [VIGIL, "sh", "-c", script.replace('"$0"', VIGIL)], capture_output=True,
                                timeout=120, preexec_fn=join)
        out = result.stdout.decode()
        assert "unhealthy: PID use" in out and "of 20 is at or above 80% of pids.max" in out, out
        assert "code=1" in out
    finally:
        group.remove()


def test_check_reports_a_stopping_vigil(launch, tmp_path):
    ready = tmp_path / "ready"
    run = alone(launch, ["--grace", "60s", "sh", "-c",
                  f"{PYTHON} {workload('leftover.py')} {tmp_path}/marker 30 {ready} & "
                  f"while [ ! -e {ready} ]; do sleep 0.02; done; exit 0"])
    wait_for(lambda: (tmp_path / "marker.working").exists(), what="the leftover to start stopping")
    result = ask(run, ["check"])
    assert result.returncode == 1 and result.stdout.decode() == "unhealthy: vigil is stopping\n"
    run.kill()
    require(True, "")


def test_the_connection_signal_sent_by_a_user_is_forwarded(launch, tmp_path):
    """vigil learns of a control connection from a signal (SIGRTMAX, from the kernel). The
    same signal sent with kill(2) is the user's, and goes to the main process as any other."""
    got = tmp_path / "got"
    child = (f"import signal, time\n"
             f"signal.signal(signal.SIGRTMAX, lambda *_: open('{got}', 'a').write('RTMAX\\n'))\n"
             f"open('{got}', 'a').write('ready\\n')\n"
             f"while True: time.sleep(1)\n")
    run = alone(launch, ["--", PYTHON, "-c", child])
    wait_for(lambda: got.exists() and "ready" in got.read_text(), what="the child's handler")
    # A connection, then the user's signal: each is taken for what it is.
    assert ask(run, ["status"]).returncode == 0
    run.signal(signal.SIGRTMAX)
    wait_for(lambda: "RTMAX" in got.read_text(), what="SIGRTMAX at the child")
    assert ask(run, ["status"]).returncode == 0
    assert got.read_text().count("RTMAX") == 1


def test_out_of_descriptors_vigil_pauses_accepting_instead_of_spinning(launch):
    """A connection vigil cannot accept (EMFILE) stays queued and keeps the socket readable:
    retrying at once would spin PID 1. vigil says so once, retries every second, and answers
    the client once descriptors are free again."""
    run = alone(launch, ["sleep", "1000"])
    wait_for(lambda: ask(run, ["status"]).returncode == 0, what="vigil's channel")
    # A limit below the descriptors vigil holds: the next one it would open fails, whatever
    # it has open at this moment (0, 1 and 2 stay taken).
    soft, hard = resource.prlimit(run.vigil_pid, resource.RLIMIT_NOFILE)
    resource.prlimit(run.vigil_pid, resource.RLIMIT_NOFILE, (3, hard))
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.settimeout(60)
    try:
        client.connect("\0" + control_channel_name(run.vigil_pid))
        client.sendall(b"vigil 1 status\n")
        wait_for(lambda: "cannot accept control connections: accept4: Too many open files; retrying every second"
                 in run.stderr, what="the accept failure logged")
        # A measuring window, not a wait for something: a spinning vigil would use most of it.
        before = cpu_seconds(run.vigil_pid)
        time.sleep(2)
        assert cpu_seconds(run.vigil_pid) - before < 0.2
        resource.prlimit(run.vigil_pid, resource.RLIMIT_NOFILE, (soft, hard))
        reply = b""
        while not reply.endswith(b"\n") or b"phase" not in reply:
            chunk = client.recv(4096)
            if not chunk:
                break
            reply += chunk
        assert reply.startswith(b"vigil 1 ok\nphase running"), reply
    finally:
        client.close()
    assert run.stderr.count("cannot accept control connections") == 1
    assert ask(run, ["status"]).returncode == 0


# --- Only clients inside the container: another container's root is refused --------------------
#
# The channel's abstract name lives in the network namespace, which a pod's containers share.
# These tests run vigil as PID 1 of a fresh PID and mount namespace, sharing the test's network
# namespace, and a client as root in another PID namespace (as a neighbouring container).

REFUSED_OUTSIDE = ("vigil 1 error permission denied: the client is outside this container's PID namespace "
                   "(run it inside, with docker exec, kubectl exec or nsenter --target PID --pid --mount --net)")


def foreign_client(client, name, count, request, until=None):
    """Runs the raw client as root in another PID and mount namespace; {reply: count} and the
    number of connections it made."""
    argv = UNSHARE + [client, name, str(count), request] + ([str(until)] if until else [])
    result = subprocess.run(argv, capture_output=True, timeout=300, text=True)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    replies = {line.split("\t", 1)[1]: int(line.split("\t", 1)[0]) for line in lines[:-1]}
    return replies, int(lines[-1].split("=")[1])


def status_inside(run, *options):
    """`vigil status` run inside vigil's namespaces, as a node's administrator would."""
    return subprocess.run(["nsenter", "--target", str(run.vigil_pid), "--pid", "--mount", "--net", *options, "--",
                           VIGIL, "status"], capture_output=True, timeout=60)


@pytest.fixture
def contained(launch):
    """vigil as PID 1 of its own PID and mount namespace, with a sidecar `s`."""
    run = launch(["--sidecar", "s=sleep 1000", "--", "sleep", "1000"])
    wait_for(lambda: status_inside(run).returncode == 0 and b"\ns " in status_inside(run).stdout,
             what="vigil's channel")
    wait_for(lambda: status_rows(status_inside(run).stdout.decode())["s"]["STATE"] == "running", what="the sidecar")
    return run


@pytest.mark.parametrize("request_line", ["vigil 1 stop s", "vigil 1 restart s", "vigil 1 start s",
                                          "vigil 1 signal s KILL", "vigil 1 status"])
def test_root_in_another_pid_namespace_is_refused(contained, tmp_path, request_line):
    client = compiled("control_client", tmp_path)
    before = status_rows(status_inside(contained).stdout.decode())["s"]
    replies, made = foreign_client(client, control_channel_name(contained.vigil_pid), 1, request_line)
    assert replies == {REFUSED_OUTSIDE: 1} and made == 1
    after = status_rows(status_inside(contained).stdout.decode())["s"]
    assert (after["STATE"], after["PID"], after["RESTARTS"]) == ("running", before["PID"], "0")
    wait_for(lambda: "refused a control connection from a client outside this PID namespace (uid 0)"
             in contained.stderr, what="the refusal logged")
    assert ", asked by " not in contained.stderr


def test_a_client_entered_into_vigils_namespaces_is_served(contained):
    entered = ["nsenter", "--target", str(contained.vigil_pid), "--pid", "--mount", "--"]
    before = status_rows(status_inside(contained).stdout.decode())["s"]["PID"]
    assert subprocess.run(entered + [VIGIL, "restart", "s"], capture_output=True, timeout=60).returncode == 0
    wait_for(lambda: status_rows(status_inside(contained).stdout.decode())["s"]["PID"] not in ("-", before),
             what="s restarted")
    assert subprocess.run(entered + [VIGIL, "stop", "s"], capture_output=True, timeout=60).returncode == 0
    wait_for(lambda: status_rows(status_inside(contained).stdout.decode())["s"]["STATE"] == "stopped", what="s stopped")
    assert "refused" not in contained.stderr


def test_a_user_other_than_root_inside_the_namespace_is_refused(contained):
    result = status_inside(contained, "--setuid", "65534", "--setgid", "65534")
    assert result.returncode == 1
    assert result.stderr.decode() == "vigil status: permission denied: only root or vigil's own user\n"
    wait_for(lambda: "refused a control connection from uid 65534 (pid " in contained.stderr, what="the refusal logged")


def test_a_flood_of_refused_connections_leaves_vigil_reaping_and_forwarding(launch, tmp_path):
    """1,000 refused connections, or more while the orphans come: every one is answered, the
    refusal is logged once, and vigil reaps 1,000 orphans and forwards a signal meanwhile."""
    client = compiled("control_client", tmp_path)
    out, ready, done = tmp_path / "signals", tmp_path / "ready", tmp_path / "orphans"
    recorder_argv = " ".join(recorder(out, ready, "USR1"))
    run = launch(["--sidecar", "s=sleep 1000", "--", "sh", "-c",
                  f"while ! [ -e {tmp_path}/go ]; do sleep 0.02; done; "
                  f"{PYTHON} {workload('orphans.py')} 1000 > {done}.part && mv {done}.part {done}; "
                  f"exec {recorder_argv}"])
    wait_for(lambda: status_inside(run).returncode == 0, what="vigil's channel")
    name = control_channel_name(run.vigil_pid)
    flood = subprocess.Popen(UNSHARE + [client, name, "1000", "vigil 1 stop s", str(done)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    (tmp_path / "go").touch()
    output, errors = flood.communicate(timeout=300)
    assert flood.returncode == 0, errors
    lines = output.splitlines()
    made = int(lines[-1].split("=")[1])
    assert made >= 1000 and lines[:-1] == [f"{made}\t{REFUSED_OUTSIDE}"]
    assert wait_for(done.exists, what="the orphans")
    assert "created=1000 zombies=0 " in done.read_text()
    wait_for(ready.exists, what="the recorder")
    run.signal(signal.SIGUSR1)
    assert run.wait() == 0
    assert received(out) == [signal.SIGUSR1]
    assert run.stderr.count("refused a control connection") == 1
    assert ", asked by " not in run.stderr


SQUATTER = """
import socket, sys, time
listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
listener.bind("\\0" + sys.argv[1])
listener.listen(8)
open(sys.argv[2], "w").close()
while True:
    connection, _ = listener.accept()
    try:
        connection.sendall(b"vigil 1 ok\\nphase running pid 1\\n")
    except OSError:
        pass
    connection.close()
"""


def test_a_name_taken_from_outside_is_not_trusted(tmp_path):
    """Another container could bind the channel's name before vigil starts, to answer in its
    place. vigil says so, and its clients refuse to believe a listener they cannot see."""
    go, bound, log = tmp_path / "go", tmp_path / "bound", tmp_path / "stderr"
    with open(log, "wb") as errors:
        shell = subprocess.Popen(UNSHARE + ["sh", "-c", f"while [ ! -e {go} ]; do sleep 0.02; done; "
                                            f"exec {VIGIL} --sidecar 's=sleep 1000' -- sleep 1000"],
                                 stdout=subprocess.DEVNULL, stderr=errors)
    squatter = None
    try:
        first = wait_for(lambda: next(iter(children_of(shell.pid)), None), what="the namespace's first process")
        squatter = subprocess.Popen(UNSHARE + [PYTHON, "-c", SQUATTER, control_channel_name(first), str(bound)])
        wait_for(bound.exists, what="the squatter to listen")
        go.touch()
        # Said once vigil has its signals in hand: a TERM before that would be dropped (PID 1).
        wait_for(lambda: "vigil: warning: no control channel: its name is held by a process outside this container"
                 in log.read_text(), what="vigil's warning")
        entered = ["nsenter", "--target", str(first), "--pid", "--mount", "--"]
        status = subprocess.run(entered + [VIGIL, "status"], capture_output=True, text=True, timeout=60)
        assert status.returncode == 1
        assert status.stderr == ("vigil status: the control channel's name is held by a process outside this "
                                 "container; not asking it\n")
        check = subprocess.run(entered + [VIGIL, "check"], capture_output=True, text=True, timeout=60)
        assert check.returncode == 1 and check.stdout.startswith("unhealthy: the control channel's name is held")
        os.kill(first, signal.SIGTERM)
        assert shell.wait(timeout=60) == 143
    finally:
        # Each unshare's child is PID 1 of its namespace: killing it ends everything there.
        for process in (squatter, shell):
            if process and process.poll() is None:
                for pid in children_of(process.pid) + [process.pid]:
                    os.kill(pid, signal.SIGKILL)
                process.wait()
