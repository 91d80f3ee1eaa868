"""What the my_init tests share: vigil started as /sbin/my_init of an image root (image_root.py),
Debian's `sv` on the image's services, and reading what the image's processes wrote."""
import shutil
import subprocess

import pytest

from helpers import require
from image_root import Pid1

SV = shutil.which("sv")


def need_sv():
    require(SV, "runit is not installed (apt-get install --no-install-recommends runit)")


@pytest.fixture
def pid1(tmp_path):
    """start(root, *arguments, env=None): vigil as /sbin/my_init of `root`, PID 1 of fresh
    namespaces; every one started is killed when the test ends."""
    started = []

    def start(root, *arguments, env=None):
        process = Pid1(root, ["/sbin/my_init", *arguments], tmp_path, env=env)
        started.append(process)
        return process

    yield start
    for process in started:
        process.kill()


def sv(image, *arguments):
    """Debian's `sv` on services of the image, named by their host paths."""
    words = [str(image.host(word)) if word.startswith("/etc/") else word for word in arguments]
    return subprocess.run([SV, *words], capture_output=True, text=True, timeout=60)


def lines(image, relative):
    """The lines of a file of the image; none while it does not exist."""
    path = image.host(relative)
    return path.read_text().splitlines() if path.exists() else []


def inside(run, *argv):
    """A command run in PID 1's namespaces and root (as `docker exec` would)."""
    return subprocess.run(["nsenter", "-t", str(run.pid), "-p", "-m", "-r", "-w", *argv],
                          capture_output=True, text=True, timeout=60)
