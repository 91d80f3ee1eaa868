"""Scenario 10: a phusion/baseimage layout of three runit services, idle. vigil installed as
/sbin/my_init against Debian's runsvdir with one runsv per service (what my_init starts), each
as PID 1 of a fresh PID and mount namespace whose root holds the layout (the host's /usr
shared read-only). Measured 2 s after the three services run: the resident memory (VmRSS, and
PSS) of the supervising processes (vigil alone; runsvdir and the three runsv), and their
context switches over an idle window, per 10 s. The services (`sleep`) are the same in both
and left out.

my_init itself is a Python 3 script that baseimage copies into its image: no distribution
packages it, so it is not run here. Its share is estimated by an idle python3 that imports
what my_init imports (reported as such, beside runit's figures).

Run alone: python3 bench/my_init.py [--quick]
"""
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

import supervisors
from procs import BenchmarkError, Pid1, comm, descendants, pss, status_field

SERVICES = ("a", "b", "c")
SETTLE_S = 2

# Bind the host's /usr read-only into the layout's root, mount its /proc, and chroot into it.
SETUP = r"""
set -e
root=$1
shift
mount --bind /usr "$root/usr"
mount -o remount,bind,ro "$root/usr"
mount -t proc proc "$root/proc"
exec chroot "$root" "$@"
"""

MY_INIT_IMPORTS = ("import argparse, errno, json, os, os.path, re, signal, stat, sys, time; "
                   "print('ready', flush=True); signal.pause()")


@dataclass
class Figures:
    rss_kib: list = field(default_factory=list)        # one per run: the supervisors' VmRSS sum
    pss_kib: list = field(default_factory=list)
    switches_per_10s: list = field(default_factory=list)
    processes: int = 0


@dataclass
class Results:
    window_s: int = 0
    vigil: Figures = field(default_factory=Figures)
    runit: Figures = field(default_factory=Figures)
    python_rss_kib: int = 0    # an idle python3 with my_init's imports
    python_pss_kib: int = 0


def layout(root, vigil):
    """The image root: /etc/service/{a,b,c}/run, vigil as /sbin/my_init."""
    for folder in ["usr", "proc", "etc", "sbin", "tmp"]:
        (root / folder).mkdir(parents=True, exist_ok=True)
    for link in ["bin", "lib", "lib64", "lib32", "libx32"]:
        if os.path.islink(f"/{link}"):
            (root / link).symlink_to(os.readlink(f"/{link}"))
    for name in ["passwd", "group"]:
        shutil.copy(f"/etc/{name}", root / "etc" / name)
    shutil.copy(vigil, root / "sbin" / "my_init")
    for name in SERVICES:
        run = root / "etc" / "service" / name / "run"
        run.parent.mkdir(parents=True)
        run.write_text("#!/bin/sh\nexec sleep 1000000\n")
        run.chmod(0o755)


def measure_one(name, root, argv, window_s, log, figures):
    setup = supervisors.Setup(name, ("sh", "-c", SETUP, "setup", str(root), *argv))
    run = Pid1(setup, [], log)
    try:
        run.wait_for(lambda: True if len(sleeping(run.pid)) == len(SERVICES) else None,
                     "its three services to run", timeout=60)
        # The start's last status writes and first checks are over after this.
        time.sleep(SETTLE_S)
        supervising = [run.pid, *[pid for pid in descendants(run.pid) if pid not in sleeping(run.pid)]]
        figures.processes = len(supervising)
        before = sum(switches(pid) for pid in supervising)
        time.sleep(window_s)
        after = sum(switches(pid) for pid in supervising)
        figures.switches_per_10s.append((after - before) * 10 / window_s)
        figures.rss_kib.append(sum(status_field(pid, "VmRSS") for pid in supervising))
        figures.pss_kib.append(sum(pss(pid) for pid in supervising))
    finally:
        run.stop()


def sleeping(pid):
    return [child for child in descendants(pid) if comm(child) == "sleep"]


def switches(pid):
    return status_field(pid, "voluntary_ctxt_switches") + status_field(pid, "nonvoluntary_ctxt_switches")


def python_estimate(results, log):
    """An idle python3 that imported what my_init imports, once it says so."""
    with open(log, "ab") as err:
        process = subprocess.Popen([shutil.which("python3"), "-c", MY_INIT_IMPORTS], stdout=subprocess.PIPE,
                                   stderr=err)
    try:
        if process.stdout.readline() != b"ready\n":
            raise BenchmarkError("python3 did not start")
        results.python_rss_kib = status_field(process.pid, "VmRSS")
        results.python_pss_kib = pss(process.pid)
    finally:
        process.kill()
        process.wait()


def my_init_layout(vigil, plan, scratch):
    runs = 1 if plan.quick else 3
    results = Results(window_s=3 if plan.quick else 10)
    runsvdir = shutil.which("runsvdir")
    if runsvdir is None:
        raise BenchmarkError("runsvdir is missing: apt-get install --no-install-recommends runit")
    for index in range(runs):
        for name, figures, argv in [("vigil as my_init", results.vigil, ["/sbin/my_init"]),
                                    ("runsvdir", results.runit, [runsvdir, "-P", "/etc/service"])]:
            root = scratch / f"my_init-{index}-{figures is results.vigil}"
            layout(root, vigil)
            measure_one(name, root, argv, results.window_s, scratch / "my_init.log", figures)
    python_estimate(results, scratch / "my_init.log")
    return results


def main():
    import prepare
    import report_my_init
    import scenarios
    plan = scenarios.Plan.quick_run() if "--quick" in sys.argv else scenarios.Plan.full()
    with tempfile.TemporaryDirectory(prefix="vigil-my_init-") as directory:
        found = my_init_layout(prepare.ensure_vigil(), plan, pathlib.Path(directory))
    print(report_my_init.text(found))
    return 0


if __name__ == "__main__":
    sys.exit(main())
