#!/usr/bin/env python3
"""Reproduces the PID-exhaustion incident, without vigil and with it.

A well-known production failure: MySQL ran as PID 1 on Kubernetes; its helper processes became
zombies that nobody reaped, the pids limit was reached, forks failed, and nodes went down.
Here the workload runs as the first process of a fresh PID namespace inside a pids cgroup with
a small limit, and makes orphans in a loop. Needs root (namespaces, cgroups).

usage: scripts/incident.py [--vigil PATH] [--iterations N] [--limit N] [--json]
"""
import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
WORKLOAD = HERE / "incident_workload.py"


class PidsCgroup:
    """A pids cgroup with a limit, on cgroup v1 (a `pids` hierarchy) or v2 (`pids.max`)."""

    def __init__(self, limit, name=None):
        name = name or f"vigil-incident-{os.getpid()}"
        v1 = pathlib.Path("/sys/fs/cgroup/pids")
        v2 = pathlib.Path("/sys/fs/cgroup")
        if v1.is_dir() and (v1 / "cgroup.procs").exists():
            self.version, self.path = 1, v1 / name
            self.path.mkdir()
        elif "pids" in (v2 / "cgroup.controllers").read_text().split():
            self.version, self.path = 2, v2 / name
            control = v2 / "cgroup.subtree_control"
            if "pids" not in control.read_text().split():
                control.write_text("+pids")
            self.path.mkdir()
        else:
            raise RuntimeError("no pids cgroup controller available")
        (self.path / "pids.max").write_text(str(limit))
        self.limit = limit

    @property
    def current_file(self):
        return str(self.path / "pids.current")

    def enter(self):
        """Runs in the child before exec: the whole process tree then counts against the limit."""
        (self.path / "cgroup.procs").write_text(str(os.getpid()))

    def remove(self):
        for _ in range(100):
            try:
                self.path.rmdir()
                return
            except OSError:
                import time
                time.sleep(0.05)


def available():
    """Why the reproduction cannot run here, or None."""
    if os.geteuid() != 0:
        return "needs root"
    if not shutil.which("unshare"):
        return "needs unshare (util-linux)"
    v2 = pathlib.Path("/sys/fs/cgroup/cgroup.controllers")
    if not pathlib.Path("/sys/fs/cgroup/pids/cgroup.procs").exists() and not (
            v2.exists() and "pids" in v2.read_text().split()):
        return "needs a pids cgroup controller (v1 pids hierarchy or v2 pids.max)"
    return None


def run(init, iterations, limit):
    """Runs the workload as PID 1 (init None) or under `init`, in a fresh pids cgroup."""
    cgroup = PidsCgroup(limit)
    try:
        with tempfile.TemporaryDirectory() as scratch:
            report = pathlib.Path(scratch) / "report.json"
            command = ["unshare", "--pid", "--fork", "--mount-proc"] + (init or []) + [
                sys.executable, str(WORKLOAD), str(iterations), str(report), cgroup.current_file]
            subprocess.run(command, preexec_fn=cgroup.enter, timeout=600,
                           stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            result = json.loads(report.read_text())
    finally:
        cgroup.remove()
    result["limit"] = limit
    result["cgroup"] = f"cgroup v{cgroup.version}"
    return result


def describe(title, result):
    lines = [title]
    if result["failure"]:
        failure = result["failure"]
        lines.append(f"  fork failed with {failure['error']} ({failure['message']}) at iteration "
                     f"{failure['iteration']} of {result['iterations']}")
    else:
        lines.append(f"  all {result['iterations']} iterations completed in {result['seconds']} s")
    lines.append(f"  zombies: at most {result['max_zombies']} seen, {result['zombies_at_end']} at the end")
    lines.append(f"  pids in use: at most {result['max_pids']} of {result['limit']}")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--vigil", default=str(HERE.parent / ".build" / "dist" / "vigil"))
    parser.add_argument("--iterations", type=int, default=5000)
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--json", action="store_true", help="print both reports as JSON")
    options = parser.parse_args()
    reason = available()
    if reason:
        sys.exit(f"incident: cannot run here: {reason}")
    if not os.path.exists(options.vigil):
        sys.exit(f"incident: no vigil binary at {options.vigil} (run scripts/build-release)")

    without = run(None, options.iterations, options.limit)
    with_vigil = run([options.vigil, "--"], options.iterations, options.limit)
    if options.json:
        print(json.dumps({"without": without, "with": with_vigil}, indent=1))
        return
    print(f"The workload makes {options.iterations} orphans, one after another, as the first process of a "
          f"fresh PID namespace limited to {options.limit} PIDs ({without['cgroup']} pids controller).")
    print()
    print(describe("Without vigil (python is PID 1 and reaps nothing it did not start):", without))
    print()
    print(describe("With vigil as PID 1:", with_vigil))


if __name__ == "__main__":
    main()
