"""Graceful whole-tree shutdown and pause mode (issue 4)."""
import signal
import subprocess
import time

import pytest

from helpers import PYTHON, leftovers, markers, nsenter, vigil, wait_for, workload
from procfs import proc_stat, status_field

pytestmark = pytest.mark.timing  # scripts/soak repeats every test here


def test_clean_leftovers_finish_their_work(tmp_path):
    result = vigil(["sh", "-c", leftovers(tmp_path, 3) + "exit 5"], pid1=True)
    assert result.returncode == 5
    assert markers(tmp_path, 3) == [True, True, True]
    assert result.stderr == b""  # a clean shutdown prints nothing at default verbosity


def test_a_stubborn_leftover_is_killed_after_the_grace_period(tmp_path):
    started = time.monotonic()
    result = vigil(["-vvv", "--grace", "1s", "sh", "-c", leftovers(tmp_path, 1, mode="ignore") + "exit 0"],
                   pid1=True)
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    assert elapsed >= 1.0                 # the grace period was honoured
    assert elapsed < 1.0 + 20             # and vigil did not hang (generous bound)
    pid = (tmp_path / "ready0").read_text()
    warnings = [line for line in result.stderr.decode().splitlines() if "warning:" in line]
    assert warnings == [f"vigil: warning: grace period of 1s expired; sent SIGKILL to {pid} (python3)"], \
        result.stderr.decode()


def test_the_sigkill_line_says_how_many_when_the_list_is_cut(tmp_path):
    # 300 leftovers that ignore TERM (the ignored disposition survives fork and exec): more
    # names than one log line holds.
    script = f"trap '' TERM; for i in $(seq 300); do sleep 1000 & done; touch {tmp_path}/ready; exit 0"
    result = vigil(["--grace", "1s", "sh", "-c", script], pid1=True, timeout=120)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.decode().splitlines() if "warning:" in line]
    assert len(warnings) == 1 and len(warnings[0]) < 4096, warnings
    prefix = "vigil: warning: grace period of 1s expired; sent SIGKILL to 300 processes: "
    assert warnings[0].startswith(prefix), warnings[0]
    shown = warnings[0][len(prefix):].split(", ")
    assert shown[-1] == f"... and {300 - (len(shown) - 1)} more", shown[-3:]
    assert all(entry.endswith(" (sleep)") for entry in shown[:-1]), shown[:3]


def test_no_fixed_sleep_when_everything_stops_at_once(tmp_path):
    started = time.monotonic()
    result = vigil(["-vvv", "--grace", "60s", "sh", "-c", leftovers(tmp_path, 3, work=0) + "exit 0"],
                   pid1=True)
    assert result.returncode == 0, result.stderr
    assert markers(tmp_path, 3) == [True, True, True]
    assert time.monotonic() - started < 30  # long before the 60 s grace period


def test_a_process_that_entered_with_nsenter_gets_the_stop_signal(launch, tmp_path):
    go = tmp_path / "go"
    run = launch(["-vvv", "sh", "-c", f"while [ ! -e {go} ]; do sleep 0.02; done; exit 3"])
    outsider = subprocess.Popen(nsenter(run.vigil_pid, PYTHON, workload("leftover.py"), str(tmp_path / "marker0"),
                                        "0.5", str(tmp_path / "ready0")))
    try:
        wait_for((tmp_path / "ready0").exists, what="the outsider")
        ns_pid = int((tmp_path / "ready0").read_text())
        go.touch()
        assert run.wait() == 3, run.stderr
        # vigil waited for the outsider, which is not its descendant, to finish its work.
        assert markers(tmp_path, 1) == [True]
        assert ns_pid != 2
        assert outsider.wait(timeout=60) == 0
    finally:
        outsider.kill()


def test_as_a_subreaper_nothing_outside_the_subtree_is_signalled(tmp_path, launch):
    unrelated = subprocess.Popen([PYTHON, workload("leftover.py"), str(tmp_path / "unrelated"), "0",
                                  str(tmp_path / "unrelated-ready")])
    try:
        wait_for((tmp_path / "unrelated-ready").exists, what="the unrelated process")
        result = vigil(["-vvv", "sh", "-c", leftovers(tmp_path, 2) + "exit 4"])
        assert result.returncode == 4
        assert markers(tmp_path, 2) == [True, True]   # descendants were stopped cleanly
        assert unrelated.poll() is None               # the unrelated process was left alone
        assert not (tmp_path / "unrelated").exists()
    finally:
        unrelated.kill()
        unrelated.wait()


def test_kill_after_ends_a_main_child_that_ignores_term(launch):
    run = launch(["-vvv", "--kill-after", "1s", PYTHON, "-c",
                  "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
                  "print('ready', flush=True); time.sleep(1000)"])
    wait_for(lambda: "ready" in run.stdout, what="the child")
    started = time.monotonic()
    run.signal(signal.SIGTERM)
    assert run.wait() == 128 + 9, run.stderr
    assert time.monotonic() - started >= 1.0


def test_grace_zero_kills_the_rest_at_once(tmp_path):
    result = vigil(["-vvv", "--grace", "0", "sh", "-c", leftovers(tmp_path, 1, work=0) + "exit 0"], pid1=True)
    assert result.returncode == 0, result.stderr
    assert markers(tmp_path, 1) == [False]
    pid = (tmp_path / "ready0").read_text()
    warnings = [line for line in result.stderr.decode().splitlines() if "warning:" in line]
    assert warnings == [f"vigil: warning: no grace period; sent SIGKILL to {pid} (python3)"], result.stderr.decode()


def second_stop_during_shutdown(launch, tmp_path, options, work=1.5):
    run = launch(["-vvv"] + options + ["--grace", "30s", "sh", "-c",
                            leftovers(tmp_path, 1, work=work) + "touch " + str(tmp_path / "main-ready") +
                            "; exec sleep 1000"])
    wait_for((tmp_path / "main-ready").exists, what="the leftover")
    run.signal(signal.SIGTERM)          # the main child (sleep) dies of it; the rest gets TERM
    wait_for((tmp_path / "marker0.working").exists, what="the leftover to start stopping")
    run.signal(signal.SIGTERM)          # a second stop request, during the leftover's work
    return run, run.wait()


def test_a_second_stop_request_does_not_cut_the_grace_period_short(launch, tmp_path):
    run, code = second_stop_during_shutdown(launch, tmp_path, [])
    assert code == 143, run.stderr
    assert markers(tmp_path, 1) == [True]


def test_repeat_stop_kills_cuts_it_short_when_asked(launch, tmp_path):
    # The leftover's work outlasts any delay in sending the second request: only the kill ends it.
    run, code = second_stop_during_shutdown(launch, tmp_path, ["--repeat-stop-kills"], work=25)
    assert code == 143, run.stderr
    assert markers(tmp_path, 1) == [False]
    assert "repeated stop request; sent SIGKILL to" in run.stderr


def run_inside(run, *command):
    return subprocess.run(nsenter(run.vigil_pid, *command), capture_output=True, timeout=120)


def test_pause_mode_reaps_orphans_and_exits_0_on_term(launch):
    run = launch(["--pause"])
    result = run_inside(run, PYTHON, workload("orphans.py"), "200")
    assert result.returncode == 0, result.stderr
    report = dict(item.split("=") for item in result.stdout.decode().split())
    assert report["created"] == "200" and report["zombies"] == "0"
    run.signal(signal.SIGUSR1)          # ignored
    run.signal(signal.SIGHUP)           # ignored
    again = run_inside(run, PYTHON, workload("orphans.py"), "10")
    assert again.returncode == 0 and run.process.poll() is None
    run.signal(signal.SIGTERM)
    assert run.wait() == 0
    assert run.stderr == ""


def test_pause_mode_exits_0_on_int_and_stops_what_is_left(launch, tmp_path):
    run = launch(["--pause"])
    outsider = subprocess.Popen(nsenter(run.vigil_pid, PYTHON, workload("leftover.py"), str(tmp_path / "marker0"),
                                        "0.3", str(tmp_path / "ready0")))
    try:
        wait_for((tmp_path / "ready0").exists, what="the outsider")
        run.signal(signal.SIGINT)
        assert run.wait() == 0
        assert markers(tmp_path, 1) == [True]
    finally:
        outsider.kill()


def test_pause_mode_makes_no_wake_ups(launch):
    run = launch(["--pause"])
    wait_for(lambda: (proc_stat(run.vigil_pid) or {}).get("state") == "S", what="vigil to sleep")
    run_inside(run, "true")  # vigil has finished starting once it has reaped nothing from this
    before = status_field(run.vigil_pid, "voluntary_ctxt_switches")
    time.sleep(3)  # the measurement window itself
    assert status_field(run.vigil_pid, "voluntary_ctxt_switches") - before == 0
