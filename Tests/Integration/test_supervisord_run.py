"""vigil under supervisord's name runs a supervisord.conf as supervisord does: the same programs
spawned in the same priority order, the same state sequences (autorestart=unexpected with
exitcodes, startsecs/startretries reaching FATAL), the same stops (stopsignal, stopwaitsecs, in
descending priority), and the same answers to Debian's real supervisorctl. Each test runs its
fixture under vigil as PID 1 of a new namespace and, where the comparison is the point, under
real supervisord (Debian's package) the same way, and compares what a user sees. Beyond
supervisord: vigil reaps orphans and refuses a bad file with its FILE:LINE error and exit 2.
"""
import signal

import pytest

from helpers import wait_for
from procfs import namespace_snapshot
from supervisord_runs import ENVIRONMENT, HEADER, both, supervisord_symlink


@pytest.fixture
def supervisord_name(tmp_path):
    return supervisord_symlink(tmp_path)


PRIORITIES = """
[program:late]
command=/bin/sh -c 'echo "late $GREETING" >> %(here)s/record; exec sleep 1000'
priority=30
environment=GREETING="%(ENV_FIXTURE_WORD)s, world"

[program:early]
command=/bin/sh -c 'echo early on stderr >&2; exec sleep 1000'
priority=5
redirect_stderr=true
stdout_logfile=/dev/stdout
stdout_logfile_maxbytes=0

[program:middle]
command=/bin/sh -c 'exec sleep 1000'
priority=10
"""


def test_priority_order_environment_and_status_as_supervisord(launch, tmp_path, supervisord_name):
    sides = both(launch, tmp_path, supervisord_name, PRIORITIES)
    for side in sides:
        for name in ["early", "middle", "late"]:
            side.wait_event(f"success: {name}")
        wait_for(lambda: side.ctl("status").returncode == 0, what="supervisorctl to answer")
    ours, theirs = sides
    spawned = [[event for event in side.events() if event.startswith("spawned")] for side in sides]
    assert spawned[0] == spawned[1] == ["spawned: 'early'", "spawned: 'middle'", "spawned: 'late'"]
    assert ours.status() == theirs.status() == (0, [["early", "RUNNING"], ["late", "RUNNING"], ["middle", "RUNNING"]])
    for side in sides:
        wait_for(lambda: (side.here / "record").exists(), what="late's record")
        assert (side.here / "record").read_text() == "late hello, world\n"
    # redirect_stderr with stdout_logfile=/dev/stdout: straight to vigil's own stdout.
    wait_for(lambda: "early on stderr\n" in ours.run.stdout, what="early's stderr on vigil's stdout")
    assert [side.stop() for side in sides] == [0, 0]
    stopped = [[event.split(" (")[0] for event in side.events() if event.startswith("stopped")] for side in sides]
    assert stopped[0] == stopped[1] == ["stopped: late", "stopped: middle", "stopped: early"]


RESTARTS = """
[program:expected]
command=/bin/sh -c 'echo run >> %(here)s/expected; exit 3'
autorestart=unexpected
exitcodes=0,3
startsecs=0

[program:unexpected]
command=/bin/sh -c 'echo run >> %(here)s/unexpected; [ $(wc -l < %(here)s/unexpected) -ge 3 ] && exec sleep 1000; exit 4'
autorestart=unexpected
exitcodes=0,3
startsecs=0
"""


def test_autorestart_unexpected_with_exitcodes_as_supervisord(launch, tmp_path, supervisord_name):
    sides = both(launch, tmp_path, supervisord_name, RESTARTS)
    for side in sides:
        side.wait_event("spawned: 'unexpected'", 3)
        side.wait_event("exited: expected (exit status 3; expected)")
        wait_for(lambda: side.status()[1] == [["expected", "EXITED"], ["unexpected", "RUNNING"]],
                 what=f"expected EXITED, unexpected RUNNING: {side.status()}")
    ours, theirs = sides
    assert ours.status() == theirs.status() == (3, [["expected", "EXITED"], ["unexpected", "RUNNING"]])
    for side in sides:
        assert side.events().count("spawned: 'expected'") == 1
        assert side.events().count("exited: unexpected (exit status 4; not expected)") == 2
        assert (side.here / "expected").read_text() == "run\n"
    assert [side.stop() for side in sides] == [0, 0]


FATAL = """
[program:fails]
command=/bin/false
; startsecs far above supervisord's 1 s loop, so that a loaded machine cannot make it RUNNING
startsecs=10
startretries=2

[program:stays]
command=/bin/sh -c 'exec sleep 1000'
"""


def test_startretries_reach_fatal_as_supervisord(launch, tmp_path, supervisord_name):
    sides = both(launch, tmp_path, supervisord_name, FATAL)
    for side in sides:
        side.wait_event("gave up: fails")
        side.wait_event("success: stays")
    ours, theirs = sides
    sequences = [[event for event in side.events() if "fails" in event] for side in sides]
    assert sequences[0] == sequences[1] == ["spawned: 'fails'", "exited: fails (exit status 1; not expected)"] * 3 + ["gave up: fails"]
    assert ours.status() == theirs.status()
    code, lines = ours.status()
    assert code == 3 and lines == [["fails", "FATAL", "Exited", "too", "quickly", "(process", "log", "may", "have", "details)"],
                                   ["stays", "RUNNING"]]
    assert [side.stop() for side in sides] == [0, 0]


STOPS = """
[program:polite]
command=/bin/sh -c 'trap "echo INT >> %(here)s/signals; exit 0" INT; echo ready >> %(here)s/signals; while :; do sleep 0.1; done'
stopsignal=INT
priority=1

[program:stubborn]
command=/bin/sh -c 'trap "" TERM; echo ready >> %(here)s/signals; while :; do sleep 0.1; done'
stopwaitsecs=1
priority=2
"""


def test_stopsignal_and_stopwaitsecs_as_supervisord(launch, tmp_path, supervisord_name):
    sides = both(launch, tmp_path, supervisord_name, STOPS)
    for side in sides:
        side.wait_event("success: polite")
        side.wait_event("success: stubborn")
        wait_for(lambda: (side.here / "signals").read_text().count("ready") == 2, what="both programs ready")
    assert [side.stop() for side in sides] == [0, 0]
    stopped = [[event for event in side.events() if event.startswith("stopped")] for side in sides]
    assert stopped[0] == stopped[1] == ["stopped: stubborn (terminated by SIGKILL)", "stopped: polite (exit status 0)"]
    for side in sides:
        assert (side.here / "signals").read_text().endswith("INT\n")


def test_real_supervisorctl_stop_start_and_signal(launch, tmp_path, supervisord_name):
    sides = both(launch, tmp_path, supervisord_name, PRIORITIES)
    for side in sides:
        side.wait_event("success: late")
        wait_for(lambda: side.ctl("status").returncode == 0, what="supervisorctl to answer")
    answers = []
    for side in sides:
        stop = side.ctl("stop", "middle")
        after_stop = side.status()
        start = side.ctl("start", "middle")
        signalled = side.ctl("signal", "HUP", "late")
        unknown = side.ctl("stop", "nosuch")
        answers.append([(stop.returncode, stop.stdout), after_stop, (start.returncode, start.stdout),
                        (signalled.returncode, signalled.stdout), (unknown.returncode, unknown.stdout)])
    assert answers[0] == answers[1]
    assert answers[0][1] == (3, [["early", "RUNNING"], ["late", "RUNNING"], ["middle", "STOPPED"]])
    for side in sides:
        side.wait_event("exited: late (terminated by SIGHUP; not expected)")
    assert [side.stop() for side in sides] == [0, 0]


def test_orphans_are_reaped(launch, tmp_path, supervisord_name):
    here = tmp_path / "orphans"
    here.mkdir()
    config = here / "supervisord.conf"
    config.write_text(HEADER + """
[program:parent]
command=/bin/sh -c 'for i in 1 2 3; do (sleep 0.2 & echo $! >> %(here)s/orphans); done; exec sleep 1000'
""")
    run = launch(["-n", "-c", str(config)], binary=supervisord_name, env=ENVIRONMENT, cwd=str(here))
    orphans = wait_for(lambda: [int(pid) for pid in (here / "orphans").read_text().split()] if (here / "orphans").exists()
                       and len((here / "orphans").read_text().split()) == 3 else None, what="three orphans")
    wait_for(lambda: not set(orphans) & set(namespace_snapshot(run.vigil_pid)), what="the orphans reaped")
    assert not [entry for entry in namespace_snapshot(run.vigil_pid).values() if entry["state"] == "Z"]
    run.signal(signal.SIGTERM)
    assert run.wait() == 0


def test_a_bad_file_is_one_line_and_exit_2_with_nothing_started(launch, tmp_path, supervisord_name):
    config = tmp_path / "bad.conf"
    config.write_text("[supervisord]\n[program:web]\ncommand=/bin/sh -c 'touch %(here)s/started'\nstartsecs=soon\n")
    run = launch(["-n", "-c", str(config)], binary=supervisord_name, env=ENVIRONMENT, cwd=str(tmp_path))
    assert run.wait() == 2
    error = run.stderr.splitlines()
    assert error[0].startswith(f"supervisord: {config}:4: [program:web] startsecs: ") and error[1:] == ["Try 'supervisord --help' for more information."]
    assert not (tmp_path / "started").exists()
