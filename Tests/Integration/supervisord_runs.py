"""What the supervisord tests share: a fixture's config header, a run of it (`Side`) under
vigil-as-supervisord or real supervisord, as PID 1 of a new namespace, with its log events and
the real supervisorctl's answers."""
import os
import re
import shutil
import signal
import subprocess

from helpers import VIGIL, require, wait_for

ENVIRONMENT = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/root", "FIXTURE_WORD": "hello"}

HEADER = """[supervisord]
nodaemon=true
user=root
logfile=%(here)s/supervisord.log
pidfile=%(here)s/supervisord.pid

[unix_http_server]
file=%(here)s/supervisor.sock

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://%(here)s/supervisor.sock
"""

def listener(imports, act=""):
    """A Python event listener in supervisor's protocol: READY, the header line (`header`, a
    dict) and its payload (`payload`), then `act` (lines of code, indented by four), then
    RESULT 2\\nOK. `here` is its first argument."""
    return (f"import sys, {imports}\n" if imports else "import sys\n") + """here = sys.argv[1] if len(sys.argv) > 1 else None
while True:
    sys.stdout.write("READY\\n")
    sys.stdout.flush()
    header = dict(field.split(":", 1) for field in sys.stdin.readline().split())
    payload = sys.stdin.read(int(header["len"]))
""" + act + """    sys.stdout.write("RESULT 2\\nOK")
    sys.stdout.flush()
"""


# What both write about their programs, in the words supervisord uses.
EVENT = re.compile(r"(spawned: '[^']+'|success: \S+|exited: \S+ \([^)]*\)|gave up: \S+|stopped: \S+ \([^)]*\))")


def real_supervisord():
    path = shutil.which("supervisord")
    require(path is not None and shutil.which("supervisorctl") is not None,
            "supervisord and supervisorctl (Debian package supervisor) are not installed")
    return path


def supervisord_symlink(tmp_path):
    """vigil under test, through a symlink named supervisord."""
    directory = tmp_path / "bin"
    directory.mkdir()
    os.symlink(VIGIL, directory / "supervisord")
    return str(directory / "supervisord")


class Side:
    """One run of a fixture: its directory (%(here)s), its process and its log."""

    def __init__(self, launch, tmp_path, name, binary, programs, exist_ok=False):
        self.here = tmp_path / name
        self.here.mkdir(exist_ok=exist_ok)
        self.config = self.here / "supervisord.conf"
        self.config.write_text(HEADER + programs)
        self.run = launch(["-n", "-c", str(self.config)], binary=binary, env=ENVIRONMENT, cwd=str(self.here))

    def events(self):
        return EVENT.findall(self.run.stdout + self.run.stderr)

    def wait_event(self, text, count=1):
        wait_for(lambda: self.events().count(text) >= count, what=f"{count} x {text!r}; log: {self.run.stdout + self.run.stderr}")

    def ctl(self, *words):
        return subprocess.run(["supervisorctl", "-c", str(self.config)] + list(words), capture_output=True,
                              env=ENVIRONMENT, timeout=60)

    def status(self):
        """supervisorctl status lines, pids, uptimes and dates aside."""
        out = self.ctl("status")
        lines = [re.sub(r"\s+(pid \d+, uptime \S+|\w{3} \d\d \d\d:\d\d [AP]M)$", "", line).split()
                 for line in out.stdout.decode().splitlines()]
        return out.returncode, lines

    def stop(self):
        self.run.signal(signal.SIGTERM)
        return self.run.wait()


def both(launch, tmp_path, supervisord_name, programs, exist_ok=False):
    """The same programs run by vigil (in tmp_path/vigil) and real supervisord (tmp_path/supervisord)."""
    real = real_supervisord()
    return (Side(launch, tmp_path, "vigil", supervisord_name, programs, exist_ok),
            Side(launch, tmp_path, "supervisord", real, programs, exist_ok))
