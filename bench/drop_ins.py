"""Scenario 10: the drop-ins against the tools they replace, on the same configuration, each as
PID 1 of its own namespace, side by side: a supervisord.conf of ten programs under real
supervisord and under vigil named supervisord, and a my_init layout of three runit services
(/etc/service) under vigil named my_init and under Debian's runsvdir with one runsv per service.
my_init itself is a Python script that no Debian package holds, so it is not run: its share is
estimated by an idle python3 that imported what my_init imports. Measured: idle memory
(VmRSS and PSS of the supervising processes, the services left out) and voluntary context
switches over one shared idle window. Raw figures only."""
import contextlib
import os
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field

import supervisors
from procs import Pid1, descendants, executable, pss, status_field

PROGRAMS = 10
RUNIT_SERVICES = 3
SETTLE_SECONDS = 0.5  # supervisord marks its programs running on its loop's next turn

SETUPS = ("vigil as supervisord", "supervisord", "vigil as my_init", "runsvdir + runsv",
          "my_init's python3 (estimate)")
MY_INIT_IMPORTS = ("import argparse, errno, json, os, os.path, re, signal, stat, sys, time; "
                   "print('ready', flush=True); signal.pause()")


@dataclass
class Results:
    idle_seconds: float
    processes: dict = field(default_factory=dict)  # setup -> supervising processes' names
    rss: dict = field(default_factory=dict)        # setup -> KiB
    pss: dict = field(default_factory=dict)        # setup -> KiB
    wakeups: dict = field(default_factory=dict)    # setup -> voluntary context switches


def drop_ins(vigil, supervisord, runsvdir, service, plan, scratch):
    work = scratch / "drop-ins"
    named = work / "bin"
    named.mkdir(parents=True)
    for name in ("supervisord", "my_init"):
        (named / name).symlink_to(vigil)
    results = Results(idle_seconds=plan.idle_seconds)
    runs = {}
    try:
        runs["vigil as supervisord"] = (supervisord_run(str(named / "supervisord"), service, work / "vigil-sd"), PROGRAMS)
        runs["supervisord"] = (supervisord_run(supervisord, service, work / "supervisord"), PROGRAMS)
        runs["vigil as my_init"] = (my_init_run(str(named / "my_init"), service, work / "vigil-mi"), RUNIT_SERVICES)
        runs["runsvdir + runsv"] = (runsvdir_run(runsvdir, service, work / "runit"), RUNIT_SERVICES)
        for label, (run, count) in runs.items():
            run.wait_for(lambda: True if started(run.reports) >= count else None, f"{count} services", timeout=60)
        time.sleep(SETTLE_SECONDS)
        watched = {label: supervising(run, service) for label, (run, _) in runs.items()}
        for label, pids in watched.items():
            results.processes[label] = sorted(os.path.basename(executable(pid) or "?") for pid in pids)
            results.rss[label] = sum(status_field(pid, "VmRSS") for pid in pids)
            results.pss[label] = sum(pss(pid) for pid in pids)
        before = {label: switches(pids) for label, pids in watched.items()}
        time.sleep(plan.idle_seconds)
        results.wakeups = {label: switches(pids) - before[label] for label, pids in watched.items()}
        python_estimate(results)
    finally:
        for run, _ in runs.values():
            run.stop()
    return results


def supervisord_run(binary, service, work):
    reports = prepared(work)
    lines = ["[supervisord]", "nodaemon=true", "user=root", f"logfile={work / 'supervisord.log'}",
             f"pidfile={work / 'supervisord.pid'}", f"childlogdir={work}", ""]
    for number in range(1, PROGRAMS + 1):
        name = f"p{number:02d}"
        lines += [f"[program:{name}]", f"command={shlex.join([service, str(reports), name, '0'])}",
                  "stdout_logfile=NONE", "stderr_logfile=NONE", ""]
    (work / "supervisord.conf").write_text("\n".join(lines))
    run = Pid1(supervisors.Setup("supervisord", (binary, "-n", "-c", str(work / "supervisord.conf"))), [],
               work / "stderr.log")
    run.reports = reports
    return run


def my_init_run(binary, service, work):
    """vigil named my_init, in a mount namespace whose /etc is a copy of the machine's with our
    services in /etc/service: my_init's paths are fixed, and it writes its environment files
    there."""
    reports = prepared(work)
    etc = work / "etc"
    shutil.copytree("/etc", etc, symlinks=True, ignore_dangling_symlinks=True)
    # Debian's runit makes /etc/service a symbolic link into /etc/runit: ours is a folder.
    if (etc / "service").is_symlink():
        (etc / "service").unlink()
    shutil.rmtree(etc / "service", ignore_errors=True)
    service_folders(etc / "service", service, reports)
    script = f"mount --bind {shlex.quote(str(etc))} /etc && exec {shlex.quote(binary)}"
    run = Pid1(supervisors.Setup("my_init", ("sh", "-c", script)), [], work / "stderr.log")
    run.reports = reports
    return run


def runsvdir_run(binary, service, work):
    reports = prepared(work)
    service_folders(work / "service", service, reports)
    run = Pid1(supervisors.Setup("runsvdir", (binary, "-P", str(work / "service"))), [], work / "stderr.log")
    run.reports = reports
    return run


def prepared(work):
    reports = work / "reports"
    reports.mkdir(parents=True)
    return reports


def service_folders(folder, service, reports):
    for number in range(1, RUNIT_SERVICES + 1):
        name = f"s{number}"
        (folder / name).mkdir(parents=True)
        run = folder / name / "run"
        run.write_text(f"#!/bin/sh\nexec {shlex.join([service, str(reports), name, '0'])}\n")
        run.chmod(0o755)


def started(reports):
    return len(list(reports.glob("*.started")))


def supervising(run, service):
    """Host PIDs of the supervisor's own processes: its namespace but the services."""
    real = os.path.realpath(service)
    return [pid for pid in [run.pid, *descendants(run.pid)] if executable(pid) not in (None, real)]


def switches(pids):
    total = 0
    for pid in pids:
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            total += status_field(pid, "voluntary_ctxt_switches")
    return total


def python_estimate(results):
    """my_init's own interpreter, estimated: an idle python3 that imported what my_init imports."""
    label = SETUPS[-1]
    process = subprocess.Popen([sys.executable, "-c", MY_INIT_IMPORTS], stdout=subprocess.PIPE)
    try:
        if process.stdout.readline() == b"ready\n":
            results.processes[label] = ["python3"]
            results.rss[label] = status_field(process.pid, "VmRSS")
            results.pss[label] = pss(process.pid)
            results.wakeups[label] = "not run"
    finally:
        process.kill()
        process.wait()
