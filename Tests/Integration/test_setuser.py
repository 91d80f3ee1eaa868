"""vigil as baseimage's /sbin/setuser, in a fixture image (image_root.py) with its own
/etc/passwd and /etc/group: the command runs as the user, with the groups initgroups gives
(its primary group, then every group listing it), USER, HOME and UID from its passwd line
and the rest of the environment as it came; it is exec'd, not supervised (same PID).
"""
import shutil
import subprocess

import pytest

from image_root import ImageRoot

PASSWD = """root:x:0:0:root:/root:/bin/bash
app:x:1000:1000:App:/home/app:/bin/sh
"""
GROUP = """root:x:0:
users:x:100:app
app:x:1000:
docker:x:999:someone,app
"""
REPORT = "echo pid=$$; grep -E '^(Uid|Gid|Groups):' /proc/self/status; env"


@pytest.fixture
def image(tmp_path):
    root = ImageRoot(tmp_path / "root")
    shutil.copy(root.host("/sbin/my_init"), root.host("/sbin/setuser"))
    root.file("/etc/passwd", PASSWD)
    root.file("/etc/group", GROUP)
    return root


def run(image, *argv, env=None):
    environment = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root", "KEPT": "a b\tc", **(env or {})}
    return subprocess.run(image.command(*argv), capture_output=True, env=environment, timeout=60)


def fields(output):
    status, environment = {}, []
    for line in output.decode().splitlines():
        if line.startswith(("Uid:", "Gid:", "Groups:")):
            name, value = line.split(":", 1)
            status[name] = value.split()
        elif line.startswith("pid="):
            status["pid"] = line[4:]
        else:
            environment.append(line)
    return status, environment


def test_the_command_runs_as_the_user_with_its_groups_and_variables(image):
    done = run(image, "/sbin/setuser", "app", "/bin/sh", "-c", REPORT)
    assert done.returncode == 0, done.stderr
    status, environment = fields(done.stdout)
    assert status["Uid"] == ["1000"] * 4 and status["Gid"] == ["1000"] * 4
    assert sorted(status["Groups"], key=int) == ["100", "999", "1000"]
    # Exec'd as PID 1 of the namespace: nothing stays in between.
    assert status["pid"] == "1"
    assert "USER=app" in environment and "HOME=/home/app" in environment and "UID=1000" in environment
    assert "KEPT=a b\tc" in environment and "PATH=/usr/sbin:/usr/bin:/sbin:/bin" in environment
    assert not any(line.startswith(("LOGNAME=", "SHELL=")) for line in environment)
    assert environment.count("HOME=/home/app") == 1


def test_the_arguments_reach_the_command_byte_for_byte(image):
    done = run(image, "/sbin/setuser", "app", "/usr/bin/printf", "[%s]", "a b", "", b"\xff\x01")
    assert done.returncode == 0, done.stderr
    assert done.stdout == b"[a b][][\xff\x01]"


@pytest.mark.parametrize("argv, message", [
    (["/sbin/setuser", "app"], "Usage: /sbin/setuser USERNAME COMMAND [args..]"),
    (["/sbin/setuser", "ghost", "/bin/true"], "setuser: user ghost not found"),
    (["/sbin/setuser", "app", "/no/such/program"], "setuser: cannot execute /no/such/program: No such file or directory"),
])
def test_mistakes_exit_1_with_setusers_line(image, argv, message):
    done = run(image, *argv)
    assert done.returncode == 1
    assert done.stderr.decode() == message + "\n"


def test_a_command_found_on_path(image):
    done = run(image, "/sbin/setuser", "app", "id", "-u")
    assert done.returncode == 0, done.stderr
    assert done.stdout == b"1000\n"
