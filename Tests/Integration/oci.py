"""OCI bundles for runc: a root filesystem holding only the static vigil and a static busybox."""
import json
import os
import pathlib
import shutil
import subprocess

from helpers import VIGIL, require, wait_for

BUSYBOX = shutil.which("busybox") or "/bin/busybox"


def require_runc():
    require(shutil.which("runc"), "runc is not installed (apt-get install runc)")
    require(os.path.exists(BUSYBOX), "busybox is not installed (apt-get install busybox-static)")
    require(os.geteuid() == 0, "runc tests need root")
    linkage = subprocess.run(["ldd", BUSYBOX], capture_output=True, text=True)
    require("not a dynamic executable" in linkage.stdout + linkage.stderr,
            f"{BUSYBOX} is not static (apt-get install busybox-static)")


class Bundle:
    """A bundle directory with config.json; /out in the container is `out` on the host."""

    counter = 0

    def __init__(self, path, args, pid_namespace=None, env=None):
        Bundle.counter += 1
        self.id = f"vigil-test-{os.getpid()}-{Bundle.counter}"
        self.path = pathlib.Path(path)
        self.out = self.path / "out"
        rootfs = self.path / "rootfs"
        for directory in ["bin", "proc", "dev", "sys", "tmp", "out"]:
            (rootfs / directory).mkdir(parents=True, exist_ok=True)
        self.out.mkdir(exist_ok=True)
        shutil.copy(VIGIL, rootfs / "vigil")
        shutil.copy(BUSYBOX, rootfs / "bin" / "busybox")
        applets = subprocess.run([BUSYBOX, "--list"], capture_output=True, text=True).stdout.split()
        for applet in applets:
            if applet != "busybox":
                os.symlink("busybox", rootfs / "bin" / applet)
        subprocess.run(["runc", "spec", "--bundle", str(self.path)], check=True)
        config = json.loads((self.path / "config.json").read_text())
        config["process"]["terminal"] = False
        config["process"]["args"] = list(args)
        config["process"]["env"] = ["PATH=/bin"] + [f"{k}={v}" for k, v in (env or {}).items()]
        config["root"]["readonly"] = False
        config["mounts"].append({"destination": "/out", "type": "bind", "source": str(self.out),
                                 "options": ["rbind", "rw"]})
        if pid_namespace:
            for namespace in config["linux"]["namespaces"]:
                if namespace["type"] == "pid":
                    namespace["path"] = pid_namespace
        (self.path / "config.json").write_text(json.dumps(config, indent=1))
        self.process = None

    def start(self):
        """`runc run` in the foreground of a child process, its output in files."""
        self.stdout = open(self.path / "stdout", "wb")
        self.stderr = open(self.path / "stderr", "wb")
        self.process = subprocess.Popen(["runc", "run", "--bundle", str(self.path), self.id],
                                        stdin=subprocess.DEVNULL, stdout=self.stdout,
                                        stderr=self.stderr)
        return self

    def wait(self, timeout=120):
        return self.process.wait(timeout=timeout)

    def run(self, timeout=120):
        """Runs the container to the end and returns its exit status."""
        self.start()
        return self.wait(timeout)

    def state(self):
        result = subprocess.run(["runc", "state", self.id], capture_output=True, text=True)
        return json.loads(result.stdout) if result.returncode == 0 else None

    def init_pid(self):
        """Host PID of the container's first process."""

        return wait_for(lambda: (self.state() or {}).get("pid") or None, what=f"{self.id} to start")

    def kill(self, signal="TERM"):
        subprocess.run(["runc", "kill", self.id, signal], check=True)

    def log(self):
        return (self.path / "stderr").read_text(errors="replace")

    def cleanup(self):
        if self.process and self.process.poll() is None:
            subprocess.run(["runc", "kill", self.id, "KILL"], capture_output=True)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        subprocess.run(["runc", "delete", "--force", self.id], capture_output=True)
