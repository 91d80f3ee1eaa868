"""stopasgroup and killasgroup as supervisord does them: a program is a shell with a child of
its own; a stop signals the whole process group with stopasgroup=true and the shell alone
without it, and the SIGKILL after stopwaitsecs reaches the child with killasgroup=true only.
Run side by side under vigil-as-supervisord and real supervisord, each program stopped with
Debian's supervisorctl; compared: who got SIGTERM, who was killed, who is left, what the log says.
"""
import os
import signal

from helpers import wait_for
from procfs import descendants, namespace_pid, namespace_snapshot
from supervisord_runs import both, supervisord_symlink

# $1 record, $2 name, $3 polite (records its SIGTERM and exits) or deaf (ignores SIGTERM).
FAMILY = r"""#!/bin/sh
if [ "$3" = deaf ]; then trap '' TERM; else trap "echo '$2 parent TERM' >> $1; exit 0" TERM; fi
sh "${0%/*}/child.sh" "$@" &
while :; do sleep 0.1; done
"""

# The grandchild: writes its PID (as the namespace numbers it).
CHILD = r"""#!/bin/sh
if [ "$3" = deaf ]; then trap '' TERM; else trap "echo '$2 child TERM' >> $1; exit 0" TERM; fi
echo "$2 child $$" >> "$1"
while :; do sleep 0.1; done
"""

PROGRAMS = """
[program:grouped]
command=/bin/sh %(here)s/family.sh %(here)s/record grouped polite
stopasgroup=true

[program:alone]
command=/bin/sh %(here)s/family.sh %(here)s/record alone polite

[program:killed]
command=/bin/sh %(here)s/family.sh %(here)s/record killed deaf
killasgroup=true
stopwaitsecs=1

[program:orphaned]
command=/bin/sh %(here)s/family.sh %(here)s/record orphaned deaf
stopwaitsecs=1
"""

NAMES = ["grouped", "alone", "killed", "orphaned"]


def children(side):
    """{program: the host PID of its shell's child}, once all four have written theirs."""
    def read():
        path = side.here / "record"
        lines = [line.split() for line in path.read_text().splitlines()] if path.exists() else []
        found = {words[0]: int(words[2]) for words in lines if words[1] == "child" and words[2].isdigit()}
        return found if len(found) == len(NAMES) else None
    return wait_for(read, what=f"the four children; log: {side.run.stderr}")


def alive(side, pid):
    entry = namespace_snapshot(side.run.vigil_pid).get(pid)
    return entry is not None and entry["state"] != "Z"


def kill_if_there(pid):
    # The loops' `sleep 0.1` children come and go while the tree is read.
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def test_stopasgroup_and_killasgroup_as_supervisord(launch, tmp_path):
    for name in ["vigil", "supervisord"]:
        (tmp_path / name).mkdir()
        (tmp_path / name / "family.sh").write_text(FAMILY)
        (tmp_path / name / "child.sh").write_text(CHILD)
    sides = both(launch, tmp_path, supervisord_symlink(tmp_path), PROGRAMS, exist_ok=True)
    outcomes = []
    for side in sides:
        for name in NAMES:
            side.wait_event(f"success: {name}")
        pids = children(side)
        stop = side.ctl("stop", *NAMES)
        wait_for(lambda: len([event for event in side.events() if event.startswith("stopped")]) == len(NAMES),
                 what=f"four programs stopped; log: {side.run.stderr}")
        wait_for(lambda: not alive(side, pids["grouped"]) and not alive(side, pids["killed"]), what="the group's children gone")
        terms = sorted(line for line in (side.here / "record").read_text().splitlines() if line.endswith("TERM"))
        stopped = sorted(event for event in side.events() if event.startswith("stopped"))
        left = sorted(name for name, pid in pids.items() if alive(side, pid))
        outcomes.append((stop.returncode, stop.stdout.decode(), terms, stopped, left))
        # The children left deaf to SIGTERM would hold vigil's container stop for its whole grace.
        for pid in descendants(side.run.vigil_pid):
            if namespace_pid(pid, gone=0) in pids.values():
                kill_if_there(pid)
    ours, theirs = outcomes
    assert ours == theirs
    assert ours[2] == ["alone parent TERM", "grouped child TERM", "grouped parent TERM"]
    assert ours[3] == ["stopped: alone (exit status 0)", "stopped: grouped (exit status 0)",
                       "stopped: killed (terminated by SIGKILL)", "stopped: orphaned (terminated by SIGKILL)"]
    assert ours[4] == ["alone", "orphaned"]
    assert [side.stop() for side in sides] == [0, 0]
