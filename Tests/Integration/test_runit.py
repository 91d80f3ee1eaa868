"""vigil's runit formats against Debian's runit 2.1.2: for each state a service can be in (up
with a pid, paused, wanting down or exit, TERM sent, finishing, down wanting up or down, with a
`down` file, with a log service), real runsv runs a fixture service into that state; then

- the `supervise/status` bytes `vigil runit-status` gives for the same state are runsv's (but
  the time, bytes 0-11), and its `stat` and `pid` files are runsv's byte for byte;
- the real `sv status`, run on a fake `supervise/` folder holding vigil's bytes, prints what it
  prints for runsv's folder (seconds aside), and what vigil predicts it prints.
"""
import json
import os
import re
import shutil
import signal
import stat
import subprocess

import pytest

from helpers import ROOT, VIGIL, require, wait_for

# `procfile-plan` and `runit-status` are developer's commands, left out of release builds for
# size: the comparisons run them from the debug binary built from the same sources (whichever
# binary VIGIL_BIN names).
DEVELOPER_VIGIL = os.environ.get("VIGIL_DEBUG_BIN") or str(ROOT / ".build" / "debug" / "vigil")
if VIGIL.endswith("/debug/vigil"):
    DEVELOPER_VIGIL = VIGIL


def need_developer_vigil():
    require(os.access(DEVELOPER_VIGIL, os.X_OK), f"no debug build of vigil at {DEVELOPER_VIGIL} (swift build)")

RUNSV = shutil.which("runsv")
SV = shutil.which("sv")

SERVICES = {
    # name: {file: content}; "+x" marks executables.
    "plain": {"run+x": "#!/bin/sh\nexec sleep 1000\n"},
    # Ignores TERM, so that "got TERM" lasts.
    "stubborn": {"run+x": "#!/bin/sh\ntrap '' TERM\nexec sleep 1000\n"},
    # ./run exits at once, ./finish stays: the state is finish.
    "finishing": {"run+x": "#!/bin/sh\nexit 3\n", "finish+x": "#!/bin/sh\nexec sleep 1000\n"},
    "downfile": {"run+x": "#!/bin/sh\nexec sleep 1000\n", "down": ""},
    # ./run cannot be executed: runsv retries it every second, down and wanting up between.
    "failing": {"run": "#!/bin/sh\nexec sleep 1000\n"},
    "logged": {"run+x": "#!/bin/sh\nexec sleep 1000\n", "log/run+x": "#!/bin/sh\nexec cat >/dev/null\n"},
}


def need_runit():
    require(RUNSV and SV, "runit is not installed (apt-get install --no-install-recommends runit)")


def write_service(root, name):
    folder = root / name
    for path, content in SERVICES[name].items():
        executable = path.endswith("+x")
        file = folder / path.removesuffix("+x")
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(content)
        file.chmod(0o755 if executable else 0o644)
    return folder


@pytest.fixture
def runsv(tmp_path):
    """Starts real runsv on fixture services, each in a session of its own; kills each session
    (runsv and what it started) at the end."""
    started = []

    def start(name):
        folder = write_service(tmp_path / "real", name)
        process = subprocess.Popen([RUNSV, str(folder)], start_new_session=True,
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        started.append(process)
        wait_for(lambda: (folder / "supervise" / "status").exists() and (folder / "supervise" / "ok").exists(),
                 what=f"runsv to set up {name}/supervise")
        return folder

    yield start
    for process in started:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def status_of(folder):
    return (folder / "supervise" / "status").read_bytes()


def wait_status(folder, predicate, what):
    """Polls runsv's files until predicate(status) holds; returns status, stat and pid as one
    consistent write (runsv writes pid, then stat, then status: the status is read again after
    the other two, and must not have changed)."""
    supervise = folder / "supervise"
    found = []

    def ready():
        first = status_of(folder)
        if len(first) != 20 or not predicate(first):
            return False
        stat_text, pid_text = (supervise / "stat").read_bytes(), (supervise / "pid").read_bytes()
        if status_of(folder) != first:
            return False
        # A restart between the reads can leave status as it was and pid and stat new.
        word = [b"down", b"run", b"finish"][first[19]]
        if stat_text.split(b",")[0].strip() != word or pid_text != (b"%d\n" % pid_of(first) if pid_of(first) else b""):
            return False
        found[:] = [first, stat_text, pid_text]
        return True
    wait_for(ready, what=what)
    return tuple(found)


def pid_of(data):
    return int.from_bytes(data[12:16], "little")


def sv(*args, cwd):
    result = subprocess.run([SV, *args], capture_output=True, timeout=60, cwd=cwd)
    return result.stdout.decode() + result.stderr.decode()


def vigil_status(*words):
    need_developer_vigil()
    result = subprocess.run([DEVELOPER_VIGIL, "runit-status", *words], capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr.decode()
    fields = dict(line.split(" ", 1) for line in result.stdout.decode().splitlines())
    return (bytes.fromhex(fields["status"]), json.loads(fields["stat"]).encode(), json.loads(fields["pid"]).encode(),
            json.loads(fields["sv"]))


class FakeSupervise:
    """A service folder whose supervise/ holds vigil's files, with `ok` held open for reading
    as runsv holds it (sv checks that something supervises the service by opening it)."""

    def __init__(self, root, name, real):
        self.folder = root / name
        self.readers = []
        for part in ["", "log"]:
            if part and not (real / "log").is_dir():
                continue
            supervise = self.folder / part / "supervise"
            supervise.mkdir(parents=True)
            for fifo in ["ok", "control"]:
                os.mkfifo(supervise / fifo, 0o600)
            self.readers.append(os.open(supervise / "ok", os.O_RDONLY | os.O_NONBLOCK))
        if (real / "down").exists():
            (self.folder / "down").write_text("")

    def write(self, files, part=""):
        supervise = self.folder / part / "supervise"
        for name, content in zip(["status", "stat", "pid"], files):
            (supervise / name).write_bytes(content)

    def close(self):
        for reader in self.readers:
            os.close(reader)


def seconds_aside(text):
    return re.sub(r"\) \d+s|: \d+s", lambda m: m.group(0).rstrip("0123456789s") + "Ns", text)


def sv_on(tmp_path, real, files, log_files=None):
    """`sv status` on a fake supervise/ folder holding these files (and the log service's)."""
    fake = FakeSupervise(tmp_path, real.name, real)
    try:
        fake.write(files)
        if log_files is not None:
            fake.write(log_files, part="log")
        return sv("status", "./" + real.name, cwd=fake.folder.parent)
    finally:
        fake.close()


def compare(tmp_path, real, state_words, runsv_files, log=None, live=True):
    """vigil's files for state_words against runsv's, and `sv status` on vigil's files against
    sv on runsv's (as they were when read, and, unless the state is passing, on runsv's live
    folder), and against what vigil predicts sv prints."""
    normally = ["normally-down"] if (real / "down").exists() else []
    status, stat_text, pid_text, predicted = vigil_status(*state_words, "name=./" + real.name, *normally)
    assert status[12:] == runsv_files[0][12:], (status.hex(), runsv_files[0].hex())
    assert stat_text == runsv_files[1]
    assert pid_text == runsv_files[2]
    ours = sv_on(tmp_path / "vigil", real, (status, stat_text, pid_text), log and vigil_status(*log[0])[:3])
    theirs = sv_on(tmp_path / "runsv", real, runsv_files, log and log[1])
    assert seconds_aside(ours) == seconds_aside(theirs)
    if live:
        assert seconds_aside(ours) == seconds_aside(sv("status", "./" + real.name, cwd=real.parent))
    assert seconds_aside(predicted) == seconds_aside(theirs.split(";")[0].rstrip("\n"))
    return theirs


def test_up_with_a_pid(runsv, tmp_path):
    need_runit()
    real = runsv("plain")
    files = wait_status(real, lambda d: d[19] == 1 and pid_of(d), "plain to run")
    line = compare(tmp_path, real, ["run", f"pid={pid_of(files[0])}"], files)
    assert line.startswith("run: ./plain: (pid ")


def test_paused_and_continued(runsv, tmp_path):
    need_runit()
    real = runsv("plain")
    wait_status(real, lambda d: d[19] == 1, "plain to run")
    sv("pause", "./plain", cwd=real.parent)
    files = wait_status(real, lambda d: d[16] == 1, "plain to be paused")
    assert compare(tmp_path, real, ["run", f"pid={pid_of(files[0])}", "paused"], files).rstrip().endswith(", paused")
    sv("cont", "./plain", cwd=real.parent)
    files = wait_status(real, lambda d: d[16] == 0, "plain to go on")
    compare(tmp_path / "again", real, ["run", f"pid={pid_of(files[0])}"], files)


def test_running_once_wants_down(runsv, tmp_path):
    need_runit()
    real = runsv("plain")
    wait_status(real, lambda d: d[19] == 1, "plain to run")
    sv("once", "./plain", cwd=real.parent)
    files = wait_status(real, lambda d: d[17] == ord("d"), "plain to want down")
    assert files[1] == b"run, want down\n"
    compare(tmp_path, real, ["run", f"pid={pid_of(files[0])}", "want=down"], files)


def test_down_and_wanting_down(runsv, tmp_path):
    need_runit()
    real = runsv("plain")
    wait_status(real, lambda d: d[19] == 1, "plain to run")
    sv("down", "./plain", cwd=real.parent)
    files = wait_status(real, lambda d: d[19] == 0, "plain to be down")
    assert (files[1], files[2]) == (b"down\n", b"")
    compare(tmp_path, real, ["down", "want=down"], files)


def test_term_sent_wanting_down_then_exit(runsv, tmp_path):
    need_runit()
    real = runsv("stubborn")
    wait_status(real, lambda d: d[19] == 1, "stubborn to run")
    sv("down", "./stubborn", cwd=real.parent)
    files = wait_status(real, lambda d: d[18] == 1 and d[17] == ord("d"), "TERM to be sent")
    assert files[1] == b"run, got TERM, want down\n"
    compare(tmp_path, real, ["run", f"pid={pid_of(files[0])}", "want=down", "term"], files)
    sv("exit", "./stubborn", cwd=real.parent)
    files = wait_status(real, lambda d: b"want exit" in (real / "supervise" / "stat").read_bytes(), "runsv to want exit")
    assert files[1] == b"run, got TERM, want exit\n"
    compare(tmp_path / "exit", real, ["run", f"pid={pid_of(files[0])}", "want=exit", "term"], files)


def test_finishing(runsv, tmp_path):
    need_runit()
    real = runsv("finishing")
    files = wait_status(real, lambda d: d[19] == 2 and pid_of(d), "finish to run")
    assert files[1] == b"finish\n"
    assert compare(tmp_path, real, ["finish", f"pid={pid_of(files[0])}"], files).startswith("finish: ./finishing: (pid ")


def test_a_down_file_keeps_it_down(runsv, tmp_path):
    need_runit()
    real = runsv("downfile")
    files = wait_status(real, lambda d: d[19] == 0 and d[17] == ord("d"), "downfile to be set up")
    assert seconds_aside(compare(tmp_path, real, ["down", "want=down"], files)) == "down: ./downfile: Ns\n"
    sv("up", "./downfile", cwd=real.parent)
    files = wait_status(real, lambda d: d[19] == 1 and pid_of(d), "downfile to run")
    assert "normally down" in compare(tmp_path / "up", real, ["run", f"pid={pid_of(files[0])}"], files)


def test_down_wanting_up_between_retries(runsv, tmp_path):
    need_runit()
    real = runsv("failing")
    # runsv sleeps a second after each failed start: the status says down, want up, meanwhile.
    files = wait_status(real, lambda d: d[19] == 0 and d[17] == ord("u") and pid_of(d) == 0, "a failed start")
    line = compare(tmp_path, real, ["down"], files, live=False)
    assert seconds_aside(line) == "down: ./failing: Ns, normally up, want up\n"


def test_with_a_log_service(runsv, tmp_path):
    need_runit()
    real = runsv("logged")
    files = wait_status(real, lambda d: d[19] == 1, "logged to run")
    log_files = wait_status(real / "log", lambda d: d[19] == 1 and pid_of(d), "its log service to run")
    compare(tmp_path / "log", real / "log", ["run", f"pid={pid_of(log_files[0])}"], log_files)
    line = compare(tmp_path, real, ["run", f"pid={pid_of(files[0])}"], files,
                   log=(["run", f"pid={pid_of(log_files[0])}"], log_files))
    assert "; run: log: (pid " in line
