"""vigil status, vigil check and the control commands, against a running vigil: its control
channel (an abstract socket), who may use it, and what bad clients cannot do to it."""
import os
import resource
import signal
import socket
import subprocess
import time

import pytest

from helpers import (PYTHON, UNSHARE, VIGIL, PidsCgroup, proc_stat, require, vigil, wait_for,
                     workload)


def channel_name(pid="self"):
    """The control channel's abstract name, as vigil computes it in its namespaces."""
    pid_ns = os.readlink(f"/proc/{pid}/ns/pid")
    mnt_ns = os.readlink(f"/proc/{pid}/ns/mnt")
    return f"vigil-control:{pid_ns}:{mnt_ns}"


def raw_request(data, close_write=True, name=None):
    """Sends raw bytes to the channel; returns what vigil answers before it closes."""
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.settimeout(30)
    client.connect("\0" + (name or channel_name()))
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
    """vigil (not PID 1, so that this test shares its namespaces) with two sidecars."""
    run = launch(["--sidecar", "log=sleep 1000", "--sidecar", f"web={PYTHON} -c 'import time; time.sleep(1000)'",
                  "--ready", "web=exec:true", "--required", "web", "--", "sleep", "1000"], pid1=False)
    wait_for(lambda: vigil(["status"]).returncode == 0 and b"main" in vigil(["status"]).stdout, what="vigil's channel")
    wait_for(lambda: "running" in status_rows(vigil(["status"]).stdout.decode())["main"]["STATE"], what="the main process")
    return run


def test_status_shows_every_process(supervised):
    result = vigil(["status"])
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode()
    assert text.splitlines()[0] == f"vigil: running (pid {supervised.vigil_pid})"
    rows = status_rows(text)
    assert rows["main"]["KIND"] == "main" and rows["log"]["STATE"] == "running" and rows["web"]["STATE"] == "ready"
    for name in ("main", "log", "web"):
        pid = int(rows[name]["PID"])
        assert proc_stat(pid)["ppid"] == supervised.vigil_pid    # the PIDs are vigil's children
    assert vigil(["check"]).returncode == 0


def test_control_commands_act_on_sidecars(supervised):
    before = status_rows(vigil(["status"]).stdout.decode())
    assert vigil(["restart", "log"]).returncode == 0
    wait_for(lambda: status_rows(vigil(["status"]).stdout.decode())["log"]["PID"] not in ("-", before["log"]["PID"]),
             what="log restarted")
    # stop keeps it down, and is not a failure: the rest carries on.
    assert vigil(["stop", "log"]).returncode == 0
    wait_for(lambda: status_rows(vigil(["status"]).stdout.decode())["log"]["STATE"] == "stopped", what="log stopped")
    assert supervised.process.poll() is None
    # What changes a process is in vigil's log at the default verbosity, with who asked.
    wait_for(lambda: "vigil: warning: stop log, asked by uid 0 (pid " in supervised.stderr, what="the stop logged")
    assert vigil(["check"]).returncode == 0                     # log is not required
    # A required sidecar held down makes the container unhealthy, until it starts again.
    assert vigil(["stop", "web"]).returncode == 0
    wait_for(lambda: vigil(["check"]).returncode == 1, what="check to see web down")
    assert b"required sidecar web" in vigil(["check"]).stdout
    assert vigil(["start", "web"]).returncode == 0
    assert vigil(["start", "log"]).returncode == 0
    wait_for(lambda: vigil(["check"]).returncode == 0, what="healthy again")
    pid = int(status_rows(vigil(["status"]).stdout.decode())["log"]["PID"])
    assert vigil(["signal", "log", "KILL"]).returncode == 0
    wait_for(lambda: status_rows(vigil(["status"]).stdout.decode())["log"]["RESTARTS"] == "1", what="log restarted")
    assert proc_stat(pid) is None


@pytest.mark.parametrize("argv,message", [
    (["restart", "nope"], "vigil restart: no process named 'nope'"),
    (["stop", "main"], "vigil stop: the main process is not stopped or started on its own; stop the container instead"),
    (["signal", "log", "NOPE"], "vigil signal: unknown signal 'NOPE' (see 'vigil signal --help')"),
    (["start", "log"], "vigil start: log is already running"),
])
def test_control_errors(supervised, argv, message):
    result = vigil(argv)
    assert result.returncode in (1, 2)
    assert result.stderr.decode() == message + "\n"


def test_another_user_is_refused(supervised):
    def become_nobody():
        os.setgid(65534)
        os.setuid(65534)

    result = subprocess.run([VIGIL, "status"], capture_output=True, timeout=60, preexec_fn=become_nobody)
    assert result.returncode == 1
    # vigil answers before it closes, even though it reads nothing: the client reads that.
    assert result.stderr.decode() == "vigil status: permission denied: only root or vigil's own user\n"
    # A check that vigil refuses is not healthy: /proc alone would miss vigil's own view.
    result = subprocess.run([VIGIL, "check"], capture_output=True, timeout=60, preexec_fn=become_nobody)
    assert result.returncode == 1
    assert result.stdout.decode() == "unhealthy: vigil refused the check: permission denied: only root or vigil's own user\n"
    wait_for(lambda: "refused a control connection from uid 65534" in supervised.stderr, what="the refusal logged")


def test_bad_clients_cannot_disturb_vigil(supervised):
    # Garbage, an oversized request, a half-written one, and many idle connections.
    assert raw_request(b"hello\n").startswith(b"vigil 1 error ")
    assert raw_request(b"vigil 1 status " + b"x" * 10_000 + b"\n").startswith(b"vigil 1 error ")
    assert raw_request(b"vigil 9 status\n") == b"vigil 1 error unsupported version\n"
    assert raw_request(b"\xff\x00\x01\n").startswith(b"vigil 1 error ")
    idle = []
    for _ in range(20):
        client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            client.connect("\0" + channel_name())
            client.sendall(b"vigil 1 sta")   # never finished
        except OSError:
            pass
        idle.append(client)
    try:
        # vigil goes on supervising: a signal still reaches a sidecar, which is restarted.
        pid = int(status_rows(vigil(["status"]).stdout.decode())["log"]["PID"])
        os.kill(pid, signal.SIGKILL)
        wait_for(lambda: status_rows(vigil(["status"]).stdout.decode())["log"]["PID"] not in ("-", str(pid)),
                 what="log restarted while clients hang")
        assert supervised.process.poll() is None
    finally:
        for client in idle:
            client.close()
    assert raw_request(b"vigil 1 status\n").startswith(b"vigil 1 ok\nphase running")


def test_status_without_sidecars_shows_the_main_process(launch):
    launch(["sleep", "1000"], pid1=False)
    wait_for(lambda: vigil(["status"]).returncode == 0, what="vigil's channel")
    rows = status_rows(vigil(["status"]).stdout.decode())
    assert list(rows) == ["main"] and rows["main"]["STATE"] == "running"


def test_status_with_no_vigil_running_says_so():
    # In a fresh mount namespace the channel's name is different: nobody answers.
    result = subprocess.run(["unshare", "--mount", VIGIL, "status"], capture_output=True, timeout=60)
    assert result.returncode == 1
    assert b"cannot reach the running vigil" in result.stderr


def test_under_tini_and_dumb_init_names_there_is_no_channel(tmp_path, launch):
    tini = tmp_path / "tini"
    os.symlink(VIGIL, tini)
    launch(["-s", "--", "sleep", "1000"], pid1=False, binary=str(tini))
    result = subprocess.run([VIGIL, "status"], capture_output=True, timeout=60)
    assert result.returncode == 1
    # With no vigil listening, check judges from /proc alone, and says so.
    result = subprocess.run([VIGIL, "check"], capture_output=True, timeout=60)
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
    run = launch(["--grace", "60s", "sh", "-c",
                  f"{PYTHON} {workload('leftover.py')} {tmp_path}/marker 30 {ready} & "
                  f"while [ ! -e {ready} ]; do sleep 0.02; done; exit 0"], pid1=False)
    wait_for(lambda: (tmp_path / "marker.working").exists(), what="the leftover to start stopping")
    result = vigil(["check"])
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
    run = launch(["--", PYTHON, "-c", child], pid1=False)
    wait_for(lambda: got.exists() and "ready" in got.read_text(), what="the child's handler")
    # A connection, then the user's signal: each is taken for what it is.
    assert vigil(["status"]).returncode == 0
    run.signal(signal.SIGRTMAX)
    wait_for(lambda: "RTMAX" in got.read_text(), what="SIGRTMAX at the child")
    assert vigil(["status"]).returncode == 0
    assert got.read_text().count("RTMAX") == 1


def cpu_seconds(pid):
    """CPU time the process has used, in seconds (/proc/PID/schedstat, nanoseconds)."""
    with open(f"/proc/{pid}/schedstat") as schedstat:
        return int(schedstat.read().split()[0]) / 1e9


def test_out_of_descriptors_vigil_pauses_accepting_instead_of_spinning(launch):
    """A connection vigil cannot accept (EMFILE) stays queued and keeps the socket readable:
    retrying at once would spin PID 1. vigil says so once, retries every second, and answers
    the client once descriptors are free again."""
    run = launch(["sleep", "1000"], pid1=False)
    wait_for(lambda: vigil(["status"]).returncode == 0, what="vigil's channel")
    # A limit below the descriptors vigil holds: the next one it would open fails, whatever
    # it has open at this moment (0, 1 and 2 stay taken).
    soft, hard = resource.prlimit(run.vigil_pid, resource.RLIMIT_NOFILE)
    resource.prlimit(run.vigil_pid, resource.RLIMIT_NOFILE, (3, hard))
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.settimeout(60)
    try:
        client.connect("\0" + channel_name())
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
    assert vigil(["status"]).returncode == 0
