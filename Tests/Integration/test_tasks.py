"""Scheduled tasks (issue 23): runs on a schedule, skipped and counted when one is still going,
stopped at their time limit, a crontab read as supercronic reads it, the container's stop during
a run, `vigil start NAME`, `vigil status` and `vigil check --tasks`, and mistakes refused before
anything starts.

Each test runs as PID 1 of a fresh PID namespace and as a subreaper (as_pid1), vigil in a mount
namespace of its own so that its control channel is its own. The runs log to one event log
(services.py); assertions are on counts and order, and where time matters, on lower bounds that
follow from the schedule (a run never starts before it is due) with generous upper ones.
"""
import json
import os
import signal
import subprocess
import time

import pytest

from helpers import PYTHON, UNSHARE, VIGIL, vigil, wait_for
from procfs import children_of, status_field
from services import events, service, wait_for_event, wait_for_stderr, words


def start(launch, args, as_pid1):
    """vigil with `args`, as PID 1 or as a subreaper, in a mount namespace of its own."""
    if as_pid1:
        return launch(UNSHARE[1:] + [VIGIL] + args, pid1=False, binary="unshare")
    return launch(["--mount", "--propagation", "private", VIGIL] + args, pid1=False, binary="unshare")


def vigil_pid(run, as_pid1):
    """The host PID of vigil itself (below unshare's fork when it is PID 1)."""
    if not as_pid1:
        return run.process.pid
    return wait_for(lambda: next(iter(children_of(run.process.pid)), None), what="vigil under unshare")


def ask(run, as_pid1, *args):
    """`vigil ARGS` inside vigil's namespaces: its control channel answers."""
    namespaces = ["--mount", "--pid"] if as_pid1 else ["--mount"]
    command = ["nsenter", "--target", str(vigil_pid(run, as_pid1)), *namespaces, "--", VIGIL, *args]
    return subprocess.run(command, capture_output=True, timeout=60, stdin=subprocess.DEVNULL)


def stop(run, as_pid1):
    """SIGTERM to vigil, as `docker stop` sends it."""
    os.kill(vigil_pid(run, as_pid1), signal.SIGTERM)


def task_status(run, as_pid1, name):
    """The task's entry of `vigil status --json`, once vigil answers."""
    def look():
        result = ask(run, as_pid1, "status", "--json")
        if result.returncode != 0:
            return None
        return next((p for p in json.loads(result.stdout)["processes"] if p["name"] == name), None)
    return wait_for(look, what=f"{name} in vigil status")


def stamp(log, name):
    """argv of a run that logs `NAME run MONOTONIC-SECONDS`."""
    script = f"import time; open({str(log)!r}, 'a').write(f'{name} run {{time.monotonic()}}\\n')"
    return [PYTHON, "-I", "-S", "-c", script]


def runs(log, name):
    return [float(line.split()[2]) for line in events(log) if line.startswith(f"{name} run ")]


def test_every_second_runs_five_times_in_five_seconds(launch, tmp_path, as_pid1):
    log = tmp_path / "log"
    began = time.monotonic()
    run = start(launch, ["--task", f"t={words(stamp(log, 't'))}", "--schedule", "t=@every 1s", "--", "sleep", "1000"],
                as_pid1)
    wait_for(lambda: len(runs(log, "t")) >= 5, timeout=60, what="5 runs")
    times = runs(log, "t")[:5]
    # Due 1 s, 2 s ... 5 s after vigil's start, never before: the fifth comes 5 s after it at
    # the soonest, and each after the one due before it.
    assert times[4] - began >= 5.0, times
    assert times == sorted(times)
    # Generous: a loaded machine delays a run, it does not drop or double it.
    assert times[4] - began < 30, times
    entry = task_status(run, as_pid1, "t")
    assert entry["kind"] == "task" and entry["skipped"] == 0 and entry["last_exit"] == 0
    assert entry["next_run"] >= entry["last_run"] + 1
    stop(run, as_pid1)
    assert run.wait() == 128 + signal.SIGTERM, run.stderr


def test_vigil_sleeps_at_most_twice_per_run(launch, tmp_path, as_pid1):
    # Woken by the timer and by the run's exit, and never in between: a run is forked without
    # waiting for its exec (voluntary context switches count each time vigil sleeps).
    log = tmp_path / "log"
    run = start(launch, ["--task", f"t={words(stamp(log, 't'))}", "--schedule", "t=@every 1s", "--pause"], as_pid1)
    pid = vigil_pid(run, as_pid1)
    wait_for(lambda: len(runs(log, "t")) >= 2, timeout=60, what="2 runs")
    before, runs_before = status_field(pid, "voluntary_ctxt_switches"), len(runs(log, "t"))
    wait_for(lambda: len(runs(log, "t")) >= runs_before + 5, timeout=60, what="5 more runs")
    after, runs_after = status_field(pid, "voluntary_ctxt_switches"), len(runs(log, "t"))
    # A run may be under way at either reading: one more run's worth of slack.
    assert after - before <= 2 * (runs_after - runs_before + 1), (before, after, runs_before, runs_after)
    stop(run, as_pid1)
    assert run.wait() == 0, run.stderr


def test_a_run_that_cannot_start_says_why_and_exits_127(launch, tmp_path, as_pid1):
    missing = tmp_path / "missing"
    run = start(launch, ["--task", "t=true", "--schedule", "t=@every 1s", "--workdir", f"t={missing}",
                         "--", "sleep", "1000"], as_pid1)
    wait_for_stderr(run, f"vigil: cannot enter {missing}: No such file or directory")
    wait_for_stderr(run, "exited with code 127")
    stop(run, as_pid1)
    assert run.wait() == 128 + signal.SIGTERM, run.stderr


def test_a_clock_set_is_noticed_and_the_schedule_goes_on(launch, tmp_path, as_pid1):
    # Setting the wall clock to what it reads is a set for the kernel (the timer is cancelled,
    # as on any jump) and moves nothing else on the machine: the real path, without the jump.
    log = tmp_path / "log"
    run = start(launch, ["-v", "--task", f"t={words(stamp(log, 't'))}", "--schedule", "t=@every 1s", "--pause"], as_pid1)
    wait_for(lambda: len(runs(log, "t")) >= 1, timeout=60, what="the first run")
    time.clock_settime(time.CLOCK_REALTIME, time.clock_gettime(time.CLOCK_REALTIME))
    wait_for_stderr(run, "the wall clock was set")
    seen = len(runs(log, "t"))
    wait_for(lambda: len(runs(log, "t")) >= seen + 2, timeout=60, what="2 runs after the clock was set")
    stop(run, as_pid1)
    assert run.wait() == 0, run.stderr


def test_a_relative_command_is_found_from_the_runs_workdir(launch, tmp_path, as_pid1):
    work = tmp_path / "work"
    work.mkdir()
    job = work / "job.sh"
    job.write_text(f"#!/bin/sh\npwd > {tmp_path / 'ran'}\n")
    job.chmod(0o755)
    run = start(launch, ["--task", "t=./job.sh", "--schedule", "t=@every 1s", "--workdir", f"t={work}",
                         "--", "sleep", "1000"], as_pid1)
    wait_for(lambda: (tmp_path / "ran").exists() and (tmp_path / "ran").read_text() == f"{work}\n", timeout=60,
             what="the run in its workdir")
    stop(run, as_pid1)
    assert run.wait() == 128 + signal.SIGTERM, run.stderr
    assert "cannot run" not in run.stderr


def test_an_overlapping_run_is_skipped_and_counted(launch, tmp_path, as_pid1):
    log, go = tmp_path / "log", tmp_path / "go"
    run = start(launch, ["--task", f"t={words(service('t', log, 'after', go, 'exit', 0))}", "--schedule", "t=@every 1s",
                         "--", "sleep", "1000"], as_pid1)
    wait_for_event(log, "t start")
    # The run waits for `go`: the runs due meanwhile are skipped, each logged with the count.
    wait_for_stderr(run, "vigil: warning: t: a run is due while the previous run is still going; skipped (2 so far)")
    assert events(log).count("t start") == 1
    assert task_status(run, as_pid1, "t")["skipped"] >= 2
    go.touch()
    wait_for_event(log, "t start", count=2)
    stop(run, as_pid1)
    assert run.wait() == 128 + signal.SIGTERM, run.stderr


def test_a_run_past_its_time_limit_is_stopped(launch, tmp_path, as_pid1):
    log = tmp_path / "log"
    argv = service("t", log, "stop-work", 0.2, "stop-code", 3, "sleep", 1000)
    run = start(launch, ["--task", f"t={words(argv)}", "--schedule", "t=@every 1s", "--time-limit", "t=1s",
                         "--grace", "t=10s", "--", "sleep", "1000"], as_pid1)
    wait_for_stderr(run, "still going after its time limit of 1s; stopping it with SIGTERM")
    wait_for_event(log, "t stopped")
    wait_for_stderr(run, "exited with code 3")
    wait_for(lambda: task_status(run, as_pid1, "t")["last_exit"] == 3, what="the run's status kept")
    assert events(log)[:4] == ["t start", "t TERM", "t stopping", "t stopped"]
    stop(run, as_pid1)
    assert run.wait() == 128 + signal.SIGTERM, run.stderr


def test_a_crontab_file_is_read_as_supercronic_reads_it(launch, tmp_path, as_pid1):
    log = tmp_path / "log"
    crontab = tmp_path / "crontab"
    crontab.write_text(
        "# a comment, then the environment of the lines below\n"
        "GREETING=hello\n"
        "   # indented comment\n"
        "\n"
        f"* * * * * * *   echo \"$GREETING from seven fields\" | tr a-z A-Z >> {log}\n"
        f"@every 1s echo \"every $GREETING # not a comment\" >> {log}\n"
        f"0 0 1 1 * 2099 echo never >> {log}\n")
    run = start(launch, ["--crontab", str(crontab), "--", "sleep", "1000"], as_pid1)
    wait_for(lambda: "HELLO FROM SEVEN FIELDS" in events(log) and "every hello # not a comment" in events(log),
             what="both tasks to run")
    names = {p["name"]: p for p in json.loads(ask(run, as_pid1, "status", "--json").stdout)["processes"]}
    assert set(names) == {"main", "echo", "echo-6", "echo-7"}
    assert names["echo-7"]["next_run"] == 4070908800   # 2099-01-01T00:00:00Z
    assert "never" not in events(log)
    stop(run, as_pid1)
    assert run.wait() == 128 + signal.SIGTERM, run.stderr


def test_the_stop_during_a_run_stops_it_and_starts_no_new_one(launch, tmp_path, as_pid1):
    log = tmp_path / "log"
    argv = service("t", log, "stop-work", 0.3, "sleep", 1000)
    run = start(launch, ["--task", f"t={words(argv)}", "--schedule", "t=@every 1s", "--", "sleep", "1000"], as_pid1)
    wait_for_event(log, "t start")
    stop(run, as_pid1)
    # The main process goes first, then the run gets its stop signal and may finish its work.
    assert run.wait() == 128 + signal.SIGTERM, run.stderr
    assert events(log) == ["t start", "t TERM", "t stopping", "t stopped"]


def test_vigil_start_runs_a_task_now_and_check_tasks_sees_a_failed_run(launch, tmp_path, as_pid1):
    log = tmp_path / "log"
    run = start(launch, ["--task", f"t={words(service('t', log, 'exit', 3))}", "--schedule", "t=@yearly",
                         "--", "sleep", "1000"], as_pid1)
    entry = task_status(run, as_pid1, "t")
    assert entry["state"] == "scheduled" and entry["last_run"] is None and entry["last_exit"] is None
    assert ask(run, as_pid1, "check", "--tasks").returncode == 0
    result = ask(run, as_pid1, "start", "t")
    assert result.returncode == 0, result.stderr
    wait_for_event(log, "t exit 3")
    wait_for(lambda: task_status(run, as_pid1, "t")["last_exit"] == 3, what="the run's status")
    assert task_status(run, as_pid1, "t")["last_run"] is not None
    # A failed run is unhealthy only when asked; it ends nothing: the task is not required.
    assert ask(run, as_pid1, "check").returncode == 0
    check = ask(run, as_pid1, "check", "--tasks")
    assert check.returncode == 1
    assert check.stdout == b"unhealthy: the last run of task t failed with status 3\n"
    table = ask(run, as_pid1, "status").stdout.decode()
    assert "NEXT" in table and "SKIPPED" in table
    stop(run, as_pid1)
    assert run.wait() == 128 + signal.SIGTERM, run.stderr


def test_a_failed_run_of_a_required_task_ends_the_container(launch, tmp_path, as_pid1):
    run = start(launch, ["--task", "t=sh -c 'exit 4'", "--schedule", "t=@every 1s", "--required", "t",
                         "--", "sleep", "1000"], as_pid1)
    assert run.wait() == 4, run.stderr
    assert "vigil: error: exiting with 4: a run of required task t exited with code 4" in run.stderr


@pytest.mark.parametrize("args,message", [
    (["--schedule", "t=61 * * * *"], "vigil: --schedule: minute field: 61 is out of range 0-59 (column 1)"),
    (["--schedule", "t=0 0 30 2 *"],
     "vigil: --schedule: day-of-month field: day 30 never occurs in February, so the schedule never runs (column 5)"),
    (["--schedule", "t=@daily", "--tz", "t=Mars/Base"],
     "vigil: task t: unknown time zone 'Mars/Base' (no file /usr/share/zoneinfo/Mars/Base)"),
    ([], "vigil: task t has no schedule: give it with --schedule t=EXPR"),
])
def test_mistakes_are_one_line_and_exit_2_before_anything_starts(tmp_path, args, message):
    marker = tmp_path / "ran"
    result = vigil(["--task", f"t=touch {marker}"] + args + ["--", "touch", str(marker)])
    assert result.returncode == 2
    assert result.stderr.decode().splitlines()[0] == message
    assert not marker.exists()
