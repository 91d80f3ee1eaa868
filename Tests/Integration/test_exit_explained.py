"""The explained exit (issue 20): when vigil exits it says why in one line (at the default
verbosity when something failed or had to be SIGKILLed, with -v always), and writes the same,
with each sidecar's restart count, to --termination-log PATH, or to /dev/termination-log when that
exists (test_docker_checks.py runs that one in Docker). Writing it never holds vigil up.

Each test runs as PID 1 of a fresh PID namespace and as a subreaper (as_pid1).
"""
import os

from helpers import VIGIL, vigil
from services import service, sh, sidecar


def test_the_termination_log_says_why_and_counts_restarts(tmp_path, as_pid1):
    log, report = tmp_path / "log", tmp_path / "termination-log"
    args = (["--termination-log", str(report)]
            + sidecar("flaky", sh("exit 1")) + ["--backoff", "flaky=0", "--max-restarts", "flaky=2", "--restart", "flaky=on-failure"]
            + sidecar("db", service("db", log, "notify")) + ["--ready", "db=notify", "--after", "db="]
            + ["--after", "main=db", "--"] + service("main", log, "exit", 3))
    result = vigil(args, pid1=as_pid1)
    assert result.returncode == 3, result.stderr
    lines = report.read_text().splitlines()
    assert lines[0].startswith("exiting with 3: main exited with code 3"), lines
    assert lines[1] in ("restarts: flaky 2, db 0", "restarts: flaky 1, db 0", "restarts: flaky 0, db 0"), lines
    # A clean end says nothing at the default verbosity.
    assert "exiting with" not in result.stderr.decode()


def test_a_failure_is_explained_at_the_default_verbosity(tmp_path, as_pid1):
    report = tmp_path / "termination-log"
    args = (["--termination-log", str(report)] + sidecar("db", sh("exit 7"))
            + ["--restart", "db=never", "--required", "db", "--", "sleep", "100"])
    result = vigil(args, pid1=as_pid1)
    assert result.returncode == 7, result.stderr
    line = "exiting with 7: required sidecar db exited with code 7 and stays down; main killed by SIGTERM"
    assert f"vigil: error: {line}" in result.stderr.decode()
    assert report.read_text().startswith(line)


def test_what_was_killed_at_the_end_of_the_grace_is_named(tmp_path, as_pid1):
    report = tmp_path / "termination-log"
    args = (["-v", "--termination-log", str(report), "--grace", "300ms"]
            + sidecar("stubborn", sh("trap '' TERM; while :; do sleep 1; done"))
            + ["--", "sh", "-c", "sleep 0.2; exit 0"])
    result = vigil(args, pid1=as_pid1)
    assert result.returncode == 0, result.stderr
    text = report.read_text()
    assert text.startswith("exiting with 0: main exited with code 0; the stop took "), text
    assert "; SIGKILL at the end of the grace: stubborn" in text.splitlines()[0], text


def test_a_termination_log_that_cannot_be_written_never_holds_vigil_up(tmp_path, as_pid1):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)                        # no reader: opening it to write would block
    for target in (fifo, tmp_path, tmp_path / "no" / "such" / "dir"):
        result = vigil(["--termination-log", str(target), "sh", "-c", "exit 4"], pid1=as_pid1, timeout=60)
        assert result.returncode == 4, result.stderr
        assert "vigil: warning: cannot write the termination log: open " in result.stderr.decode()


def test_under_tinis_name_nothing_is_said_or_written(tmp_path):
    tini = tmp_path / "tini"
    tini.symlink_to(VIGIL)
    result = vigil(["--", "sh", "-c", "exit 5"], binary=str(tini))
    assert result.returncode == 5 and b"exiting" not in result.stderr
