"""Scenario 10: one ten-program supervisord.conf, run by real supervisord and by vigil under
supervisord's name (a symlink), each as PID 1 of its own namespace: the supervisor's idle
memory (VmRSS) and its wake-ups (voluntary context switches) once all ten programs are RUNNING.
The file is what images write: an XML-RPC socket for supervisorctl, priorities, autorestart,
half the programs' output on the container's stdout and half in rotated files. Raw figures.

Alone, for a look without the whole benchmark (as root, with supervisord installed):
    python3 bench/supervisord_config.py [VIGIL_BINARY] [--quick]
"""
import os
import pathlib
import signal
import sys
import time
from dataclasses import dataclass, field

import supervisors
from procs import BenchmarkError, Pid1, status_field

PROGRAMS = 10
NAMES = ("vigil", "supervisord")


@dataclass
class Results:
    rss: dict = field(default_factory=dict)      # name -> the supervisor's VmRSS (KiB), one per start
    wakeups: dict = field(default_factory=dict)  # name -> voluntary context switches per 10 s, one per start
    window_s: float = 0.0


def config(work):
    lines = ["[supervisord]", "nodaemon=true", "user=root",
             f"logfile={work / 'supervisord.log'}", f"pidfile={work / 'supervisord.pid'}", "",
             "[unix_http_server]", f"file={work / 'supervisor.sock'}", "chmod=0700", "",
             "[rpcinterface:supervisor]",
             "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface", "",
             "[supervisorctl]", f"serverurl=unix://{work / 'supervisor.sock'}", ""]
    for number in range(1, PROGRAMS + 1):
        lines += [f"[program:p{number:02d}]", "command=/bin/sleep 1000000", f"priority={number}",
                  "autorestart=true", "stopwaitsecs=10"]
        if number % 2:
            lines += ["stdout_logfile=/dev/stdout", "stdout_logfile_maxbytes=0", "redirect_stderr=true"]
        else:
            lines += [f"stdout_logfile={work / f'p{number:02d}.log'}", "stdout_logfile_maxbytes=1MB",
                      "stdout_logfile_backups=2"]
        lines.append("")
    path = work / "supervisord.conf"
    path.write_text("\n".join(lines))
    return path


def supervisord_config(binaries, plan, scratch):
    """binaries: name -> the program to run as supervisord (vigil's through a symlink)."""
    results = Results(window_s=plan.idle_seconds)
    root = scratch / "supervisord-config"
    root.mkdir()
    for repetition in range(plan.footprint_runs):
        for name in NAMES:  # interleaved: a drift of the machine touches both alike
            rss, switches = idle(name, binaries[name], root / f"{name}-{repetition}", plan.idle_seconds)
            results.rss.setdefault(name, []).append(rss)
            results.wakeups.setdefault(name, []).append(switches * 10 / plan.idle_seconds)
    return results


def idle(name, binary, work, seconds):
    work.mkdir()
    if name == "vigil":
        link = work / "supervisord"
        link.symlink_to(binary)
        binary = str(link)
    setup = supervisors.Setup(name, (binary, "-n", "-c", str(config(work))))
    log = work / "stderr.log"
    run = Pid1(setup, [], log)
    try:
        # RUNNING after startsecs (1 s): both log it, supervisord in its logfile, vigil on stderr.
        run.wait_for(lambda: True if running(work, log) >= PROGRAMS else None, "ten programs RUNNING", timeout=60)
        before = status_field(run.pid, "voluntary_ctxt_switches")
        time.sleep(seconds)
        switches = status_field(run.pid, "voluntary_ctxt_switches") - before
        rss = status_field(run.pid, "VmRSS")
        os.kill(run.pid, signal.SIGTERM)
        run.wait_exit(timeout=60)
    finally:
        run.stop()
    return rss, switches


def running(work, log):
    texts = [path.read_text(errors="replace") for path in (work / "supervisord.log", log) if path.exists()]
    return max((text.count("success: p") for text in texts), default=0)


def check(results):
    if any(not results.rss.get(name) for name in NAMES):
        raise BenchmarkError("the supervisord-config scenario measured nothing")


def main(argv):
    import prepare
    import shutil
    import tempfile
    from scenarios import Plan
    plan = Plan.quick_run() if "--quick" in argv else Plan.full()
    given = [word for word in argv if not word.startswith("--")]
    vigil = given[0] if given else prepare.ensure_vigil()
    supervisord = shutil.which("supervisord")
    if supervisord is None:
        raise BenchmarkError("supervisord is not installed (Debian's package supervisor)")
    with tempfile.TemporaryDirectory(prefix="vigil-benchmark-") as directory:
        results = supervisord_config({"vigil": os.path.realpath(vigil), "supervisord": supervisord}, plan,
                                     pathlib.Path(directory))
    check(results)
    for name in NAMES:
        print(f"{name}: VmRSS {results.rss[name]} KiB; voluntary context switches per 10 s {results.wakeups[name]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
