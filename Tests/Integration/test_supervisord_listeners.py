"""How a supervisord image ends its container when a program goes FATAL: the common event
listener that kills supervisord (run under vigil and under real supervisord side by side: the
same events reach it and both containers end), and vigil's own `vigil_required=true`, which
needs no listener and ends the container with the program's exit status.
"""
import pytest

from helpers import PYTHON, wait_for
from supervisord_runs import ENVIRONMENT, HEADER, both, listener, supervisord_symlink


@pytest.fixture
def supervisord_name(tmp_path):
    return supervisord_symlink(tmp_path)


# What such listeners do: READY, read the header and payload, act, RESULT 2\nOK.
LISTENER = listener("os, signal", """\
    with open(os.path.join(here, "events"), "a") as record:
        record.write(header["eventname"] + " " + payload.split()[0] + "\\n")
    if header["eventname"] == "PROCESS_STATE_FATAL":
        os.kill(int(open(os.path.join(here, "supervisord.pid")).read()), signal.SIGTERM)
""")

KILLER = """
[program:db]
command=/bin/false
; startsecs far above supervisord's 1 s loop, so that a loaded machine cannot make it RUNNING
startsecs=10
startretries=1

[eventlistener:fatal]
command={python} %(here)s/listener.py %(here)s
events=PROCESS_STATE_FATAL
"""


def test_a_listener_that_kills_supervisord_on_fatal_ends_both(launch, tmp_path, supervisord_name):
    for name in ["vigil", "supervisord"]:
        (tmp_path / name).mkdir()
        (tmp_path / name / "listener.py").write_text(LISTENER)
    sides = both(launch, tmp_path, supervisord_name, KILLER.format(python=PYTHON), exist_ok=True)
    assert [side.run.wait(timeout=120) for side in sides] == [0, 0]
    for side in sides:
        assert (side.here / "events").read_text() == "PROCESS_STATE_FATAL processname:db\n"
        assert "gave up: db" in side.events()
    ours, theirs = sides
    assert [event for event in ours.events() if "db" in event] == [event for event in theirs.events() if "db" in event]


REQUIRED = """
[program:web]
command=/bin/sh -c 'exec sleep 1000'

[program:db]
command=/bin/sh -c 'exit 7'
startsecs=10
startretries=1
vigil_required=true
"""


def test_vigil_required_ends_the_container_with_the_programs_status(launch, tmp_path, supervisord_name):
    here = tmp_path / "required"
    here.mkdir()
    config = here / "supervisord.conf"
    config.write_text(HEADER + REQUIRED)
    run = launch(["-n", "-c", str(config)], binary=supervisord_name, env=ENVIRONMENT, cwd=str(here))
    assert run.wait(timeout=120) == 7
    log = run.stderr
    assert "gave up: db entered FATAL state" in log
    assert log.index("gave up: db") < log.index("stopped: web (terminated by SIGTERM)")
    wait_for(lambda: not (here / "supervisor.sock").exists(), what="the socket removed")
