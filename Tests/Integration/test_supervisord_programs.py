"""What each program receives under vigil-as-supervisord is what real supervisord gives it: the
same argv, environment (SUPERVISOR_ENABLED, SUPERVISOR_PROCESS_NAME, SUPERVISOR_GROUP_NAME,
SUPERVISOR_SERVER_URL and `environment=`), working directory (`directory=`), uid, gids (with
supplementary groups where the machine has a member of one) and process group (`user=`), for
programs of `numprocs` with `%(process_num)02d` names read through an `[include]` glob relative
to the including file. Each program dumps what its /proc entry says to its stdout log, and the
dumps of both sides are compared.
"""
import grp
import pwd
import shutil
import tempfile
from pathlib import Path

import pytest

from helpers import wait_for
from supervisord_runs import both, supervisord_symlink

# What a program got, read from /proc about itself, then it stays.
DUMP = r"""#!/bin/sh
echo argv:; tr '\0' '\n' < /proc/$$/cmdline
echo environment:; tr '\0' '\n' < /proc/$$/environ | sort
echo "directory: $(readlink /proc/$$/cwd)"
grep -E '^(Uid|Gid|Groups):' /proc/$$/status
read -r stat < /proc/$$/stat
set -- ${stat##*) }
[ "$3" = $$ ] && echo "leads its process group" || echo "in process group of another"
echo "umask: $(umask)"
for fd in 0 1 2; do echo "fd $fd: $(readlink /proc/$$/fd/$fd | sed 's/:.*//')"; done
fds=; for fd in /proc/$$/fd/*; do fds="$fds ${fd##*/}"; done; echo "descriptors:$fds"
echo end
exec sleep 1000
"""

MAIN = """
; a second [supervisord] section: supervisor merges it into the first
[supervisord]
environment=GLOBAL="g 1",FIXTURE_WORD=global

[include]
files = conf.d/*.conf more.d/none-*.conf

[program:alone]
command=/bin/sh %(here)s/dump.sh 'two words' "double \\"quoted\\"" plain
directory=/tmp
user=nobody
stdout_logfile=%(here)s/out/%(program_name)s.log
environment=ONE="a,b",TWO='c d',FIXTURE_WORD="overridden"

[program:member]
command=/bin/sh %(here)s/dump.sh
user=MEMBER
directory=/
stdout_logfile=%(here)s/out/%(program_name)s.log
"""

# Included: %(here)s is conf.d, the included file's own directory.
WORKERS = """[program:worker]
command=/bin/sh %(here)s/../dump.sh %(process_num)d %(program_name)s
process_name=%(program_name)s_%(process_num)02d
numprocs=3
numprocs_start=1
directory=%(here)s
stdout_logfile=%(here)s/../out/%(program_name)s_%(process_num)02d.log
environment=NUMBER="%(process_num)d",GROUP=%(group_name)s

[program:grouped]
command=/bin/sh %(here)s/../dump.sh
stdout_logfile=%(here)s/../out/grouped.log
serverurl=http://127.0.0.1:9999

[group:team]
programs=grouped
"""

NAMES = ["alone", "grouped", "member", "worker_01", "worker_02", "worker_03"]


def member():
    """A user with a supplementary group, where the machine has one (Debian's postgresql
    package makes postgres a member of ssl-cert); else nobody."""
    for group in grp.getgrall():
        for name in group.gr_mem:
            try:
                pwd.getpwnam(name)
                return name
            except KeyError:
                continue
    return "nobody"


@pytest.fixture
def open_tmp():
    """A directory that user nobody can traverse (pytest's tmp_path is root's alone)."""
    path = Path(tempfile.mkdtemp(prefix="vigil-sv-", dir="/tmp"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def prepare(base):
    for name in ["vigil", "supervisord"]:
        here = base / name
        (here / "conf.d").mkdir(parents=True)
        (here / "more.d").mkdir()
        (here / "out").mkdir()
        (here / "dump.sh").write_text(DUMP)
        (here / "conf.d" / "workers.conf").write_text(WORKERS)


def dump(side, name):
    path = side.here / "out" / f"{name}.log"
    text = wait_for(lambda: path.exists() and path.read_text().endswith("end\n") and path.read_text(),
                    what=f"{name}'s dump; log: {side.run.stderr}")
    return text.replace(str(side.here), "HERE")


def test_programs_get_the_same_argv_environment_directory_and_user(launch, tmp_path, open_tmp):
    prepare(open_tmp)
    sides = both(launch, open_tmp, supervisord_symlink(tmp_path), MAIN.replace("MEMBER", member()), exist_ok=True)
    for side in sides:
        for name in NAMES:
            side.wait_event(f"success: {name}")
    spawned = [[event for event in side.events() if event.startswith("spawned")] for side in sides]
    assert spawned[0] == spawned[1] and len(spawned[0]) == len(NAMES)
    ours, theirs = [{name: dump(side, name) for name in NAMES} for side in sides]
    for name in NAMES:
        assert ours[name] == theirs[name], name
    assert "argv:\n/bin/sh\nHERE/dump.sh\ntwo words\ndouble \"quoted\"\nplain\n" in ours["alone"]
    assert "Uid:\t65534\t65534\t65534\t65534\n" in ours["alone"] and "directory: /tmp\n" in ours["alone"]
    assert "\nFIXTURE_WORD=overridden\nGLOBAL=g 1\nHOME=/root\n" in ours["alone"] and "\nONE=a,b\n" in ours["alone"]
    assert "SUPERVISOR_ENABLED=1\nSUPERVISOR_GROUP_NAME=alone\nSUPERVISOR_PROCESS_NAME=alone\n" in ours["alone"]
    assert "\nTWO=c d\n" in ours["alone"] and "SUPERVISOR_SERVER_URL=unix://HERE/supervisor.sock\n" in ours["alone"]
    assert "SUPERVISOR_SERVER_URL=http://127.0.0.1:9999\n" in ours["grouped"]
    assert "SUPERVISOR_GROUP_NAME=team\nSUPERVISOR_PROCESS_NAME=grouped\n" in ours["grouped"]
    assert "argv:\n/bin/sh\nHERE/conf.d/../dump.sh\n2\nworker\n" in ours["worker_02"]
    assert "\nFIXTURE_WORD=global\nGLOBAL=g 1\nGROUP=worker\nHOME=/root\n" in ours["worker_02"] and "\nNUMBER=2\n" in ours["worker_02"] and "directory: HERE/conf.d\n" in ours["worker_02"]
    assert "leads its process group" in ours["worker_03"]
    account = pwd.getpwnam(member())
    groups = sorted({account.pw_gid} | {group.gr_gid for group in grp.getgrall() if account.pw_name in group.gr_mem})
    assert f"Uid:\t{account.pw_uid}\t" in ours["member"]
    assert "Groups:\t" + "".join(f"{gid} " for gid in groups) + "\n" in ours["member"]
    assert [side.stop() for side in sides] == [0, 0]
