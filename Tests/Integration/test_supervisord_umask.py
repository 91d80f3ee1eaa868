"""A program's `umask=` under vigil-as-supervisord is what real supervisord gives it: set in the
child just before exec, for `[program:x]` and `[eventlistener:x]` alike, kept by every later
start (its own autorestart, and supervisorctl's restart); a program without one keeps the
umask its supervisor was started with, whatever `[supervisord] umask=` says (supervisord
applies its own only when it daemonizes). Each start makes a file and a directory, and the
modes of both sides are compared.
"""
import os

from helpers import wait_for
from supervisord_runs import both, listener, supervisord_symlink

# Each start of a program makes out/NAME.file.N and out/NAME.dir.N (N: the starts before it)
# and writes its umask; `again` exits once, unexpectedly, so that autorestart starts it again.
MAKE = r"""#!/bin/sh
name=$SUPERVISOR_PROCESS_NAME
n=$(ls "$1" | grep -c "^$name\.file\.")
touch "$1/$name.file.$n"
mkdir "$1/$name.dir.$n"
echo "$n $(umask)" >> "$1/$name.umask"
[ "$name" = again ] && [ "$n" = 0 ] && exit 1
exec sleep 1000
"""

# The listener makes its file as it starts (Python's open: 0666 less the umask), then listens.
LISTENER = "import sys\nopen(sys.argv[1] + '/listener.file.0', 'w').close()\n" + listener("")

PROGRAMS = """
; supervisord's own umask: not the programs' (it is applied only when daemonizing)
[supervisord]
umask=077

[program:private]
command=/bin/sh %(here)s/make.sh %(here)s/out
umask=077
startsecs=0

[program:open]
command=/bin/sh %(here)s/make.sh %(here)s/out
umask=0
startsecs=0

[program:plain]
command=/bin/sh %(here)s/make.sh %(here)s/out
startsecs=0

[program:again]
command=/bin/sh %(here)s/make.sh %(here)s/out
umask=027
startsecs=0
autorestart=unexpected

[eventlistener:listener]
command=python3 %(here)s/listener.py %(here)s/out
events=PROCESS_STATE_RUNNING
umask=007
"""

EXPECTED = {
    "again.dir.0": 0o750, "again.dir.1": 0o750, "again.file.0": 0o640, "again.file.1": 0o640,
    "listener.file.0": 0o660,
    "open.dir.0": 0o777, "open.file.0": 0o666,
    "plain.dir.0": 0o775, "plain.file.0": 0o664,
    "private.dir.0": 0o700, "private.dir.1": 0o700, "private.file.0": 0o600, "private.file.1": 0o600,
}


def prepare(base):
    for name in ["vigil", "supervisord"]:
        here = base / name
        (here / "out").mkdir(parents=True)
        (here / "make.sh").write_text(MAKE)
        (here / "listener.py").write_text(LISTENER)


def modes(side):
    """Permission bits of what the programs made, and the umasks they printed."""
    out = side.here / "out"
    made = {entry.name: entry.stat().st_mode & 0o777 for entry in out.iterdir() if ".umask" not in entry.name}
    printed = {entry.name: entry.read_text() for entry in out.iterdir() if ".umask" in entry.name}
    return made, printed


def test_programs_start_with_their_umask_as_under_supervisord(launch, tmp_path):
    prepare(tmp_path)
    # What both supervisors start with, so that a program without umask= shows it inherits it.
    previous = os.umask(0o002)
    try:
        sides = both(launch, tmp_path, supervisord_symlink(tmp_path), PROGRAMS, exist_ok=True)
    finally:
        os.umask(previous)
    for side in sides:
        for name in ["private.file.0", "open.file.0", "plain.file.0", "again.file.1", "listener.file.0"]:
            path = side.here / "out" / name
            wait_for(path.exists, what=f"{path}; log: {side.run.stdout + side.run.stderr}")
        side.wait_event("success: private")
        restarted = side.ctl("restart", "private")
        assert restarted.returncode == 0, restarted
        path = side.here / "out" / "private.dir.1"
        wait_for(path.exists, what=f"{path}; log: {side.run.stdout + side.run.stderr}")
    ours, theirs = [modes(side) for side in sides]
    assert ours == theirs
    made, printed = ours
    assert made == EXPECTED, {name: oct(mode) for name, mode in made.items()}
    assert printed == {"again.umask": "0 0027\n1 0027\n", "open.umask": "0 0000\n", "plain.umask": "0 0002\n",
                       "private.umask": "0 0077\n1 0077\n"}
    assert [side.stop() for side in sides] == [0, 0]
