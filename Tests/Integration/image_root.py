"""A test root folder shaped like a container image, for running vigil as my_init as PID 1 of a
fresh PID and mount namespace with that root: the host's /usr read-only (with the merged
/bin, /lib and /sbin links), /dev, a /proc of the new namespace, and an /etc, /var and /tmp
of the fixture's own. vigil is /sbin/my_init, as in phusion's images.
"""
import os
import pathlib
import shutil
import signal
import subprocess

from helpers import VIGIL, wait_for
from procfs import children_of, descendants

SETUP = r"""
set -e
root=$1
shift
if [ -d "$root/.usr-extra" ]; then
    # The image's own files over the host's /usr, read-only (an overlay of two lower layers).
    mount -t overlay overlay -o "lowerdir=$root/.usr-extra:/usr" "$root/usr"
else
    mount --bind /usr "$root/usr"
    mount -o remount,bind,ro "$root/usr"
fi
mount --rbind /dev "$root/dev"
mount -t proc proc "$root/proc"
exec chroot "$root" "$@"
"""


class ImageRoot:
    def __init__(self, path, binary=None):
        self.path = pathlib.Path(path)
        for folder in ["usr", "dev", "proc", "etc", "sbin", "tmp", "var/log", "run", "root"]:
            (self.path / folder).mkdir(parents=True, exist_ok=True)
        (self.path / "tmp").chmod(0o1777)
        for link in ["bin", "lib", "lib64"]:
            if os.path.islink(f"/{link}"):
                (self.path / link).symlink_to(os.readlink(f"/{link}"))
        for name in ["passwd", "group", "nsswitch.conf"]:
            if os.path.exists(f"/etc/{name}"):
                shutil.copy(f"/etc/{name}", self.path / "etc" / name)
        shutil.copy(binary or VIGIL, self.path / "sbin" / "my_init")

    def file(self, relative, content="", mode=0o644):
        """Writes a file of the image (text or bytes), making its folders."""
        path = self.path / relative.lstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
        path.chmod(mode)
        return path

    def script(self, relative, body, shell="/bin/sh"):
        """An executable script of the image."""
        return self.file(relative, f"#!{shell}\n{body}", 0o755)

    def usr_script(self, relative, body, shell="/bin/sh"):
        """An executable script under the image's /usr (e.g. /usr/sbin/enable_insecure_key),
        laid over the host's /usr."""
        assert relative.startswith("/usr/")
        return self.script("/.usr-extra/" + relative[len("/usr/"):], body, shell)

    def host(self, relative):
        """The host's path of a path in the image."""
        return self.path / relative.lstrip("/")

    def command(self, *argv):
        """The command line that runs argv (paths in the image) as PID 1 with this root."""
        return ["unshare", "--pid", "--fork", "--mount", "--propagation", "private",
                "sh", "-c", SETUP, "setup", str(self.path), *argv]


class Pid1:
    """A process run as PID 1 with an image root; killed at the end of the test."""

    def __init__(self, root, argv, tmp_path, env=None):
        self.out_path = tmp_path / f"stdout-{id(self)}"
        self.err_path = tmp_path / f"stderr-{id(self)}"
        with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
            self.process = subprocess.Popen(root.command(*argv), stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                            env=env if env is not None else {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
        self._pid = None

    @property
    def pid(self):
        """PID 1's host PID."""
        if self._pid is None:
            self._pid = wait_for(lambda: next(iter(children_of(self.process.pid)), None), what="unshare's child")
        return self._pid

    def signal(self, number):
        os.kill(self.pid, number)

    def wait(self, timeout=60):
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"PID 1 did not exit within {timeout}s; stderr: {self.stderr}")

    @property
    def stdout(self):
        return self.out_path.read_bytes().decode(errors="replace")

    @property
    def stderr(self):
        return self.err_path.read_bytes().decode(errors="replace")

    def kill(self):
        if self.process.poll() is None:
            for pid in [self.pid, self.process.pid]:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self.process.wait(timeout=30)

    def processes(self):
        """Host PIDs of PID 1 and everything under it."""
        return [self.pid, *descendants(self.pid)]
