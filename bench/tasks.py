"""Scenario 9: scheduled tasks under vigil as PID 1, with nothing else to do. How late each run
starts after its due second (a task due every 2 s, `*/2 * * * * *`, whose first act records
CLOCK_REALTIME), and how often vigil wakes in 10 s while one task is due every 10 s (voluntary
context switches over a window of whole periods). Beside it, Debian's cron as PID 1 with one job
due every minute (cron schedules by the minute only): its voluntary context switches per run.
supercronic is packaged neither in Debian nor on PyPI (see the report)."""
import os
import pathlib
import shlex
import shutil
import signal
import time
from dataclasses import dataclass, field

import supervisors
from procs import BenchmarkError, Pid1, children, status_field


@dataclass
class Results:
    delays_ns: list = field(default_factory=list)  # one per run: start minus the due second
    wakeups_per_10s: list = field(default_factory=list)  # one per window
    window_s: int = 0
    cron_switches_per_run: float = None  # None: a quick run, or cron not installed
    cron_runs: int = 0


def tasks(vigil, helpers, plan, scratch):
    runs = 5 if plan.quick else 30
    windows = 1 if plan.quick else 3
    results = Results(window_s=10 if plan.quick else 30)
    work = scratch / "tasks"
    work.mkdir()
    stamps = work / "stamps"
    run = start(vigil, helpers["stamp"], stamps, "*/2 * * * * *", work / "delays.log")
    try:
        run.wait_for(lambda: True if count(stamps) >= runs + 1 else None, f"{runs + 1} runs", timeout=4 * runs + 30)
    finally:
        stop(run)
    # The first run may fall in vigil's start-up: it is left out.
    for ns in read(stamps)[1:runs + 1]:
        results.delays_ns.append(ns % 1_000_000_000)
    for window in range(windows):
        quiet = work / f"quiet-{window}"
        run = start(vigil, helpers["stamp"], quiet, "*/10 * * * * *", work / f"quiet-{window}.log")
        try:
            run.wait_for(lambda: True if count(quiet) >= 1 else None, "the first run", timeout=60)
            # The window begins once that run has ended: it holds whole periods, not the end of one.
            run.wait_for(lambda: True if not children(run.pid) else None, "the first run's end", timeout=60)
            before = status_field(run.pid, "voluntary_ctxt_switches")
            time.sleep(results.window_s)
            switches = status_field(run.pid, "voluntary_ctxt_switches") - before
        finally:
            stop(run)
        results.wakeups_per_10s.append(switches * 10 / results.window_s)
    # cron runs a job a minute at most: its two minutes are for full runs only.
    if shutil.which("cron") and not plan.quick:
        results.cron_runs = 2
        results.cron_switches_per_run = cron(helpers["stamp"], work, results.cron_runs)
    return results


def cron(stamp, work, runs):
    """Debian's cron as PID 1 of a fresh PID and mount namespace, reading only a job of ours
    (an empty /etc/crontab, our /etc/cron.d): voluntary context switches per run over `runs`
    runs, counted from one run's stamp to the one `runs` later."""
    jobs, stamps = work / "cron.d", work / "cron-stamps"
    jobs.mkdir()
    (jobs / "bench").write_text(f"* * * * * root {stamp} {stamps}\n")
    (jobs / "bench").chmod(0o644)
    empty = work / "crontab"
    empty.write_text("")
    script = (f"mount --bind {shlex.quote(str(jobs))} /etc/cron.d && "
              f"mount --bind {shlex.quote(str(empty))} /etc/crontab && exec cron -f -L 0")
    run = Pid1(supervisors.Setup("cron", ("sh", "-c", script)), [], work / "cron.log")
    try:
        run.wait_for(lambda: True if count(stamps) >= 1 else None, "cron's first run", timeout=150)
        before, seen = status_field(run.pid, "voluntary_ctxt_switches"), count(stamps)
        run.wait_for(lambda: True if count(stamps) >= seen + runs else None, f"{runs} more runs of cron",
                     timeout=60 * runs + 90)
        return (status_field(run.pid, "voluntary_ctxt_switches") - before) / runs
    finally:
        # cron leaves SIGTERM at its default, which a PID 1 does not get.
        os.kill(run.pid, signal.SIGKILL)
        run.wait_exit(timeout=60)
        run.stop()


def start(vigil, stamp, file, schedule, log):
    argv = (vigil, "--task", f"t={stamp} {file}", "--schedule", f"t={schedule}", "--pause")
    return Pid1(supervisors.Setup("vigil", argv), [], log)


def stop(run):
    try:
        os.kill(run.pid, signal.SIGTERM)
        run.wait_exit(timeout=60)
    finally:
        run.stop()


def read(path):
    try:
        return [int(line) for line in pathlib.Path(path).read_text().split()]
    except FileNotFoundError:
        return []


def count(path):
    return len(read(path))


def check(results):
    if not results.delays_ns or not results.wakeups_per_10s:
        raise BenchmarkError("the tasks scenario measured nothing")
