"""vigil under supervisorctl's name answers as Debian's supervisorctl does: the same actions
run by both clients, against vigil's XML-RPC server and against real supervisord, print the
same lines (pids, uptimes and dates aside) and exit with the same status; and `shutdown` ends
either server.
"""
import os
import re
import subprocess

import pytest

from helpers import VIGIL
from supervisord_runs import ENVIRONMENT, both, supervisord_symlink

PROGRAMS = """
[program:early]
command=/bin/sh -c 'exec sleep 1000'
priority=5

[program:middle]
command=/bin/sh -c 'exec sleep 1000'
priority=10

[program:late]
command=/bin/sh -c 'exec sleep 1000'
priority=30

[program:fails]
command=/bin/false
; startsecs far above supervisord's 1 s loop, so that a loaded machine cannot make it RUNNING
startsecs=10
startretries=0
"""

ACTIONS = [["status"], ["stop", "middle"], ["status", "middle", "early"], ["start", "middle"], ["restart", "late"],
           ["signal", "CONT", "early"], ["signal", "USR1", "nosuch"], ["stop", "nosuch"], ["start"], ["pid"],
           ["pid", "nosuch"], ["status", "nosuch"], ["avail"], ["version"], ["frobnicate"]]


@pytest.fixture
def clients(tmp_path):
    directory = tmp_path / "ctl"
    directory.mkdir()
    os.symlink(VIGIL, directory / "supervisorctl")
    return {"supervisorctl": "supervisorctl", "vigil": str(directory / "supervisorctl")}


def normalized(text):
    text = re.sub(r"pid \d+, uptime \d+:\d\d:\d\d", "pid N, uptime T", text)
    return re.sub(r"\w{3} \d\d \d\d:\d\d [AP]M", "DATE", text)


def answers(client, side):
    seen = []
    for action in ACTIONS:
        done = subprocess.run([client, "-c", str(side.config)] + action, capture_output=True, env=ENVIRONMENT, timeout=60)
        seen.append((action, done.returncode, normalized(done.stdout.decode())))
    return seen


def test_the_same_answers_as_supervisorctl_against_both_servers(launch, tmp_path, clients):
    sides = both(launch, tmp_path, supervisord_symlink(tmp_path), PROGRAMS)
    for side in sides:
        side.wait_event("success: late")
        side.wait_event("gave up: fails")
    for side in sides:
        real, ours = answers(clients["supervisorctl"], side), answers(clients["vigil"], side)
        assert ours == real
    assert answers(clients["vigil"], sides[0]) == answers(clients["supervisorctl"], sides[1])
    for side in sides:
        done = subprocess.run([clients["vigil"], "-c", str(side.config), "shutdown"], capture_output=True, env=ENVIRONMENT, timeout=60)
        assert (done.returncode, done.stdout) == (0, b"Shut down\n")
        assert side.run.wait() == 0
        again = subprocess.run([clients["vigil"], "-c", str(side.config), "status"], capture_output=True, env=ENVIRONMENT, timeout=60)
        assert (again.returncode, again.stdout.decode()) == (4, f"unix://{side.here}/supervisor.sock no such file\n")


def test_usage_errors(clients):
    interactive = subprocess.run([clients["vigil"], "-s", "unix:///nonexistent.sock"], capture_output=True, timeout=60)
    assert interactive.returncode == 2 and "interactive shell is not available" in interactive.stderr.decode()
    bad = subprocess.run([clients["vigil"], "-z", "status"], capture_output=True, timeout=60)
    assert (bad.returncode, bad.stderr.decode()) == (2, "supervisorctl: Error: option -z not recognized\nFor help, use supervisorctl -h\n")
