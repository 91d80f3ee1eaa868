"""Several processes (issue 13), stopping: the main process first, then the sidecars one at a
time in reverse start order, each with its own stop signal, to its whole process group, within
its share of the grace period; repeated stop requests; signals that are not stop requests.

Each test runs as PID 1 of a fresh PID namespace and as a subreaper (as_pid1). The processes log
to one shared event log (services.py); assertions are on its order and counts.
"""
import re
import signal

import pytest

from services import events, service, sh, sidecar, wait_for_event, wait_for_stderr, words


def ready_sidecars(log, names, *steps):
    args = []
    for name in names:
        args += sidecar(name, service(name, log, *steps, "notify")) + ["--ready", f"{name}=notify"]
    return args


@pytest.mark.parametrize("trigger", ["stop request", "main exits"])
def test_the_main_stops_first_then_sidecars_one_at_a_time_in_reverse_start_order(
        launch, tmp_path, as_pid1, trigger):
    log, go = tmp_path / "log", tmp_path / "go"
    args = (["-v"] + ready_sidecars(log, ["s1", "s2", "s3"], "stop-work", 0.1)
            + ["--"] + service("main", log, "stop-work", 0.1, "stop-code", 12, "after", go, "exit", 5))
    run = launch(args, pid1=as_pid1)
    wait_for_event(log, "main start")
    if trigger == "stop request":
        run.signal(signal.SIGTERM)
        main_events, code = ["main TERM", "main stopping", "main stopped"], 12
    else:
        go.touch()
        main_events, code = ["main exit 5"], 5
    assert run.wait() == code, run.stderr
    lines = events(log)
    stop = lines[lines.index(main_events[0]):]
    # Each sidecar is done before the next one is asked: no two stop at once.
    assert stop == main_events + [f"{name} {what}" for name in ("s3", "s2", "s1")
                                  for what in ("TERM", "stopping", "stopped")], lines
    stopping = [line.split(": ")[1] for line in run.stderr.splitlines() if line.endswith(": stopping with SIGTERM")]
    assert stopping == ["s3", "s2", "s1"], run.stderr


@pytest.mark.parametrize("options", [[], ["--repeat-stop-kills"]])
def test_a_repeated_stop_request_during_the_sidecars_stop(launch, tmp_path, as_pid1, options):
    log, release = tmp_path / "log", tmp_path / "release"
    args = (["-vvv"] + options + ready_sidecars(log, ["s1"], "stop-work", 0.1)
            + ready_sidecars(log, ["s2"], "stop-after", release) + ["--"] + service("main", log))
    run = launch(args, pid1=as_pid1)
    wait_for_event(log, "main start")
    run.signal(signal.SIGTERM)
    wait_for_event(log, "s2 stopping")
    run.signal(signal.SIGTERM)       # while s2 is still stopping
    if not options:
        # vigil takes signals in order: once it has taken WINCH, it is done with the TERM.
        run.signal(signal.SIGWINCH)
        wait_for_stderr(run, "received SIGWINCH")
        release.touch()
    assert run.wait() == 0, run.stderr
    lines = events(log)
    stop = lines[lines.index("main TERM"):]
    if options:
        # Everything is SIGKILLed at once.
        assert stop == ["main TERM", "s2 TERM", "s2 stopping"], lines
    else:
        # A repeat changes nothing: the order holds, and s1 is not asked before s2 is done.
        s1 = re.search(r"vigil: s1: started \(pid (\d+)\)", run.stderr).group(1)
        assert not re.search(rf"^vigil: sent SIGTERM to .*\b{s1} \(", run.stderr, re.MULTILINE), run.stderr
        assert stop == ["main TERM"] + [f"{name} {what}" for name in ("s2", "s1")
                                        for what in ("TERM", "stopping", "stopped")], lines


def test_signals_other_than_stop_requests_go_to_the_main_only(launch, tmp_path, as_pid1):
    log = tmp_path / "log"
    args = ready_sidecars(log, ["s"], "ignore", "HUP") + ["--"] + service("main", log, "ignore", "HUP")
    run = launch(args, pid1=as_pid1)
    wait_for_event(log, "main start")
    run.signal(signal.SIGHUP)
    wait_for_event(log, "main HUP ignored")
    run.signal(signal.SIGTERM)
    assert run.wait() == 0, run.stderr
    # Had s been sent HUP, it would have taken it before its TERM (the lower number comes first).
    assert events(log)[-3:] == ["main HUP ignored", "main TERM", "s TERM"]


def test_each_sidecar_gets_its_own_stop_signal(launch, tmp_path, as_pid1):
    log = tmp_path / "log"
    args = (ready_sidecars(log, ["s1", "s2", "s3"]) + ["--stop-signal", "s1=INT", "--stop-signal", "s2=USR1"]
            + ["--"] + service("main", log))
    run = launch(args, pid1=as_pid1)
    wait_for_event(log, "main start")
    run.signal(signal.SIGTERM)
    assert run.wait() == 0, run.stderr
    assert events(log)[-4:] == ["main TERM", "s3 TERM", "s2 USR1", "s1 INT"]


@pytest.mark.timing
def test_a_sidecar_that_ignores_term_is_killed_at_the_end_of_its_share(launch, tmp_path, as_pid1):
    log = tmp_path / "log"
    args = (["-v", "--grace", "60s"] + ready_sidecars(log, ["s1"]) + ready_sidecars(log, ["s2"], "ignore", "TERM")
            + ready_sidecars(log, ["s3"]) + ["--grace", "s2=300ms"]
            + ["--"] + service("main", log, "stop-code", 9))
    run = launch(args, pid1=as_pid1)
    wait_for_event(log, "main start")
    run.signal(signal.SIGTERM)
    # Far less than the 60 s grace: s2 had its 300 ms share, and s1 was not held up.
    assert run.wait(timeout=30) == 9, run.stderr
    lines = events(log)
    # (s2 may be killed before it had a chance to say that it ignored TERM.)
    assert [line for line in lines[lines.index("main TERM"):] if line != "s2 TERM ignored"] == [
        "main TERM", "s3 TERM", "s1 TERM"], lines
    assert run.stderr.count("vigil: warning: s2: still running at the end of its grace; sending SIGKILL") == 1
    assert "grace period" not in run.stderr  # nothing was left for the overall grace to kill


@pytest.mark.timing
def test_a_share_longer_than_what_is_left_of_the_grace_is_cut_to_it(launch, tmp_path, as_pid1):
    log = tmp_path / "log"
    args = (["-v", "--grace", "1s"] + ready_sidecars(log, ["s1"]) + ready_sidecars(log, ["s2"], "ignore", "TERM")
            + ["--grace", "s2=1h"] + ["--"] + service("main", log, "stop-code", 9))
    run = launch(args, pid1=as_pid1)
    wait_for_event(log, "main start")
    run.signal(signal.SIGTERM)
    # A per-process grace only shortens its share: the whole stop fits in --grace (not 1 h).
    assert run.wait(timeout=30) == 9, run.stderr
    lines = events(log)
    assert lines[lines.index("main TERM"):] in (["main TERM"], ["main TERM", "s2 TERM ignored"]), lines
    assert "s1 TERM" not in lines   # s1's turn never came: the grace ran out during s2's
    assert "vigil: warning: grace period of 1s expired; sent SIGKILL to" in run.stderr


def test_a_sidecars_stop_signal_goes_to_its_whole_process_group(launch, tmp_path, as_pid1):
    log, up = tmp_path / "log", tmp_path / "g.up"
    # s is a shell that, on TERM, waits for its child g: g must get the TERM too, from vigil.
    shell = f"trap 'wait; exit 0' TERM; {words(service('g', log, 'touch', up))} & wait"
    args = (ready_sidecars(log, ["s0"]) + sidecar("s", sh(shell)) + ["--ready", f"s=exec:{words(['test', '-e', up])}"]
            + ["--"] + service("main", log))
    run = launch(args, pid1=as_pid1)
    wait_for_event(log, "main start")
    run.signal(signal.SIGTERM)
    assert run.wait() == 0, run.stderr
    assert events(log)[-3:] == ["main TERM", "g TERM", "s0 TERM"]
    assert "still running at the end of its grace" not in run.stderr
