"""vigil as a drop-in for tini, docker-init and dumb-init, chosen by the name it runs under."""
import os
import signal
import subprocess
import time

import pytest

from helpers import (FORWARDED, PYTHON, VIGIL, UNSHARE, Terminal, leftovers, markers,
                     send_one_by_one, wait_for, workload)
from procfs import proc_stat


@pytest.fixture
def names(tmp_path):
    """tini, docker-init and dumb-init: symlinks to the vigil under test."""
    directory = tmp_path / "bin"
    directory.mkdir()
    for name in ["tini", "docker-init", "dumb-init"]:
        os.symlink(VIGIL, directory / name)
    return {name: str(directory / name) for name in ["tini", "docker-init", "dumb-init"]}


def run(argv, pid1=False, **options):
    if pid1:
        argv = UNSHARE + list(argv)
    options.setdefault("stdin", subprocess.DEVNULL)
    return subprocess.run(argv, capture_output=True, timeout=60, **options)


def recorder(tmp_path, name, *signals):
    return [PYTHON, workload("record_signals.py"), str(tmp_path / name), str(tmp_path / f"{name}.ready")] + list(signals)


# --- tini and docker-init -------------------------------------------------------------------

@pytest.mark.parametrize("name", ["tini", "docker-init"])
def test_tini_version_is_what_docker_parses(names, name):
    result = run([names[name], "--version"])
    assert result.returncode == 0 and result.stderr == b""
    line = result.stdout.decode().strip()
    assert line.startswith("tini version ")
    # docker info: split on " - ", then strip "tini version ".
    assert line.split(" - ")[0][len("tini version "):].strip() != ""


def test_tini_help_and_licence(names):
    help_result = run([names["tini"], "-h"])
    assert help_result.returncode == 0 and b"Usage: tini [OPTIONS] PROGRAM -- [ARGS]" in help_result.stdout
    licence = run([names["tini"], "-l"])
    assert licence.returncode == 0
    assert licence.stdout.decode() == open(os.path.join(os.path.dirname(__file__), "../../LICENSE")).read()


@pytest.mark.parametrize("argv,code", [
    (["--", "sh", "-c", "exit 3"], 3),
    (["-s", "--", "sh", "-c", "exit 4"], 4),
    (["-s", "-g", "-w", "-v", "--", "sh", "-c", "exit 5"], 5),
    (["sh", "-c", "exit 3"], 1),          # tini needs -- here; getopt rejects -c
    (["true"], 0),
    (["-e", "3", "--", "sh", "-c", "exit 3"], 0),
    (["-e", "143", "--", "sh", "-c", "kill $$"], 0),
    (["--", "sh", "-c", "kill -KILL $$"], 137),
    (["no-such-program"], 127),
    ([], 1),
    (["-x", "true"], 1),
    (["-p", "SIGNOPE", "true"], 1),
    (["-e", "300", "true"], 1),
])
def test_tini_argv_and_exit_codes_match_tini(names, argv, code):
    assert run([names["tini"]] + argv, pid1=True).returncode == code


def test_tini_exec_failure_codes(names, tmp_path):
    directory = tmp_path / "dir"
    directory.mkdir()
    script = tmp_path / "no-shebang"
    script.write_text("exit 7\n")
    script.chmod(0o755)
    assert run([names["tini"], "-s", "--", str(directory)]).returncode == 126
    # execvp semantics: a file that is not an executable format runs through /bin/sh.
    assert run([names["tini"], "-s", "--", str(script)]).returncode == 7
    assert run([VIGIL, str(script)]).returncode == 126  # vigil's own mode does not


@pytest.mark.timing
def test_tini_forwards_signals_to_the_child(names, launch, tmp_path):
    (tmp_path / "child").touch()
    run_ = launch(["--"] + recorder(tmp_path, "child", *FORWARDED), binary=names["tini"])
    wait_for((tmp_path / "child.ready").exists, what="the recorder")
    send_one_by_one(run_, FORWARDED, [tmp_path / "child"])
    assert run_.wait() == 0, run_.stderr


@pytest.mark.parametrize("how", ["-g", "TINI_KILL_PROCESS_GROUP"])
def test_tini_group_forwarding(names, launch, tmp_path, how):
    for name in ["child", "grandchild"]:
        (tmp_path / name).touch()
    script = (" ".join(recorder(tmp_path, "grandchild", "USR1", "HUP")) + " & exec " +
              " ".join(recorder(tmp_path, "child", "USR1", "HUP")))
    env = dict(os.environ)
    args = ["--", "sh", "-c", script]
    if how == "-g":
        args = ["-g"] + args
    else:
        env["TINI_KILL_PROCESS_GROUP"] = ""
    run_ = launch(args, binary=names["tini"], env=env)
    wait_for(lambda: (tmp_path / "child.ready").exists() and (tmp_path / "grandchild.ready").exists(),
             what="recorders")
    send_one_by_one(run_, ["USR1", "HUP"], [tmp_path / "child", tmp_path / "grandchild"])
    assert run_.wait() == 0


def test_tini_exits_as_soon_as_the_main_child_exits(names, tmp_path):
    started = time.monotonic()
    result = run([names["tini"], "--", "sh", "-c", leftovers(tmp_path, 1, work=60) + "exit 6"], pid1=True)
    assert result.returncode == 6
    assert time.monotonic() - started < 30   # it did not wait for the leftover's 60 s of work
    assert markers(tmp_path, 1) == [False]  # the kernel killed it, as with tini


@pytest.mark.parametrize("name", ["docker-init", "dumb-init"])
def test_vigil_shutdown_variables_opt_in_under_other_names(names, tmp_path, name):
    result = run([names[name], "--", "sh", "-c", leftovers(tmp_path, 2) + "exit 6"], pid1=True,
                 env=dict(os.environ, VIGIL_GRACE="20s"))
    assert result.returncode == 6
    assert markers(tmp_path, 2) == [True, True]


def test_tini_warns_when_it_cannot_reap(names):
    result = run([names["tini"], "true"])
    assert result.returncode == 0
    assert "not running as PID 1 and isn't registered as a child subreaper" in result.stderr.decode()
    assert "TINI_SUBREAPER" in result.stderr.decode()
    quiet = run([names["tini"], "true"], env=dict(os.environ, TINI_VERBOSITY="0"))
    assert quiet.stderr == b""
    for argv, env in [(["-s", "true"], {}), (["true"], {"TINI_SUBREAPER": ""})]:
        result = run([names["tini"]] + argv, env=dict(os.environ, **env))
        assert result.returncode == 0 and result.stderr == b"", result.stderr
    assert run([names["tini"], "true"], pid1=True).stderr == b""


def test_tini_subreaper_reaps_and_warn_reap_logs(names, tmp_path):
    # The main child waits until the orphan is reaped (kill -0 still finds a zombie).
    orphan = tmp_path / "orphan"
    script = (f"sh -c 'sleep 0.1 & echo $! > {orphan}'; "
              f"while kill -0 $(cat {orphan}) 2>/dev/null; do sleep 0.02; done")
    result = run([names["tini"], "-s", "-w", "--", "sh", "-c", script])
    assert result.returncode == 0
    assert "Reaped zombie process with pid=" in result.stderr.decode() and "(sleep)" in result.stderr.decode()


def test_tini_parent_death_signal(names, tmp_path):
    (tmp_path / "child").touch()
    script = (f"{names['tini']} -s -p SIGUSR1 -- {' '.join(recorder(tmp_path, 'child', 'USR1'))} & "
              f"while [ ! -e {tmp_path}/child.ready ]; do sleep 0.01; done")
    subprocess.run(["sh", "-c", script], timeout=60, check=True)
    wait_for(lambda: (tmp_path / "child").read_text().strip(), what="USR1")


def test_tini_child_process_and_session_ids(names, launch):
    run_ = launch(["-s", "--", "sleep", "30"], pid1=False, binary=names["tini"])
    child = run_.child_pid()
    wait_for(lambda: (proc_stat(child) or {}).get("comm") == "sleep", what="sleep")
    vigil_stat, child_stat = proc_stat(run_.vigil_pid), proc_stat(child)
    assert child_stat["pgrp"] == child                       # its own process group, as tini's
    assert child_stat["session"] == vigil_stat["session"]    # in tini's session


def test_tini_verbosity(names):
    quiet = run([names["tini"], "-s", "true"])
    assert quiet.stderr == b""
    loud = run([names["tini"], "-s", "-vvv", "true"])
    assert "] Spawned child process 'true'" in loud.stderr.decode() and loud.stdout == b""   # logs stay off stdout
    env_wins = run([names["tini"], "-s", "-vvv", "true"], env=dict(os.environ, TINI_VERBOSITY="1"))
    assert env_wins.stderr == b""


# --- dumb-init ------------------------------------------------------------------------------

def test_dumb_init_version_and_help(names):
    for flag in ["-V", "--version"]:
        result = run([names["dumb-init"], flag])
        assert result.returncode == 0 and result.stdout.startswith(b"dumb-init v")
    help_result = run([names["dumb-init"], "--help"])
    assert help_result.returncode == 0 and b"--single-child" in help_result.stdout


@pytest.mark.parametrize("argv,code", [
    (["sh", "-c", "exit 3"], 3),
    (["sh", "-c", "kill -TERM $$"], 143),
    (["no-such-program"], 2),
    ([], 1),
    (["-x", "true"], 1),
    (["-r", "99:1", "true"], 1),
    (["--", "sh", "-c", "exit 4"], 4),
    (["-c", "sh", "-c", "exit 5"], 5),
])
def test_dumb_init_exit_codes(names, argv, code):
    assert run([names["dumb-init"]] + argv, pid1=True).returncode == code


def test_dumb_init_cannot_run_message(names):
    result = run([names["dumb-init"], "no-such-program"])
    assert result.returncode == 2
    assert result.stderr.decode() == "dumb-init: error: cannot run 'no-such-program': command not found\n"


def child_stat(names, launch, argv, env=None):
    """/proc/PID/stat of vigil-as-dumb-init and of its sleeping child."""
    run_ = launch(argv + ["sleep", "30"], binary=names["dumb-init"], env=dict(os.environ, **(env or {})))
    child = run_.child_pid()
    wait_for(lambda: (proc_stat(child) or {}).get("comm") == "sleep", what="sleep")
    return proc_stat(run_.vigil_pid), proc_stat(child)


def test_dumb_init_setsid_mode_makes_the_child_a_session_leader(names, launch):
    init, child = child_stat(names, launch, [])
    assert child["pid"] == child["pgrp"] == child["session"]
    assert child["session"] != init["session"]


@pytest.mark.parametrize("argv,env", [(["-c"], {}), ([], {"DUMB_INIT_SETSID": "0"})])
def test_dumb_init_single_child_mode_keeps_session_and_group(names, launch, argv, env):
    init, child = child_stat(names, launch, argv, env)
    # As with dumb-init: the child stays in dumb-init's session and process group.
    assert child["session"] == init["session"]
    assert child["pgrp"] == init["pgrp"] != child["pid"]


def test_dumb_init_forwards_to_the_group_in_setsid_mode(names, launch, tmp_path):
    for name in ["child", "grandchild"]:
        (tmp_path / name).touch()
    script = (" ".join(recorder(tmp_path, "grandchild", "USR1", "RTMIN+3")) + " & exec " +
              " ".join(recorder(tmp_path, "child", "USR1", "RTMIN+3")))
    run_ = launch(["sh", "-c", script], binary=names["dumb-init"])
    wait_for(lambda: (tmp_path / "child.ready").exists() and (tmp_path / "grandchild.ready").exists(),
             what="recorders")
    send_one_by_one(run_, ["USR1", "RTMIN+3"], [tmp_path / "child", tmp_path / "grandchild"])
    assert run_.wait() == 0


@pytest.mark.timing
@pytest.mark.parametrize("option", ["-r", "--rewrite"])
def test_dumb_init_rewrites_and_drops(names, launch, tmp_path, option):
    (tmp_path / "child").touch()
    run_ = launch([option, "15:10", option, "12:0", "-c"] + recorder(tmp_path, "child", "USR1", "HUP"),
                  binary=names["dumb-init"])
    wait_for((tmp_path / "child.ready").exists, what="the recorder")
    run_.signal(signal.SIGUSR2)   # dropped; it would kill the recorder
    run_.signal(signal.SIGTERM)   # arrives as USR1
    wait_for(lambda: f" {int(signal.SIGUSR1)}\n" in (tmp_path / "child").read_text(), what="USR1")
    run_.signal(signal.SIGHUP)
    assert run_.wait() == 0
    assert [int(line.split()[1]) for line in (tmp_path / "child").read_text().splitlines()] == [10, 1]


def test_dumb_init_debug_output(names):
    for argv, env in [(["-v"], {}), ([], {"DUMB_INIT_DEBUG": "1"})]:
        result = run([names["dumb-init"]] + argv + ["true"], env=dict(os.environ, **env))
        assert "dumb-init: debug: " in result.stderr.decode()
        assert result.stdout == b""


def test_dumb_init_terms_the_group_when_the_child_exits(names, tmp_path):
    (tmp_path / "grandchild").touch()
    script = (" ".join(recorder(tmp_path, "grandchild", "TERM")) +
              f" & while [ ! -e {tmp_path}/grandchild.ready ]; do sleep 0.01; done; exit 9")
    result = run([names["dumb-init"], "sh", "-c", script])
    assert result.returncode == 9
    wait_for(lambda: (tmp_path / "grandchild").read_text().strip(), what="TERM at the grandchild")


def test_dumb_init_as_a_shebang_interpreter(names, tmp_path):
    script = tmp_path / "script"
    script.write_text(f"#!{names['dumb-init']} /bin/sh\necho \"args: $*\"\nexit 12\n")
    script.chmod(0o755)
    result = run([str(script), "one", "two"])
    assert result.returncode == 12
    assert result.stdout == b"args: one two\n"


def test_dumb_init_job_control(names):
    terminal = Terminal(["bash", "--norc", "--noprofile", "-i"], env=dict(os.environ, TERM="dumb"))
    try:
        # The marker in both command lines tells these processes from any other sleep or sh.
        command = f"{names['dumb-init']} sh -c 'sleep 100; : job-control-marker' job-control-marker".encode()
        terminal.job_control(command, ["dumb-init", "sh"], "job-control-marker")
    finally:
        terminal.close()


def test_dumb_init_as_session_leader_hands_its_terminal_to_the_child(names):
    # Giving up the terminal makes the kernel send SIGHUP and SIGCONT to vigil's group; they
    # must not reach the child, which then takes the terminal as its controlling terminal.
    script = "sleep 0.5; echo alive; echo ctty=$(cut -d' ' -f7 /proc/$$/stat)=end"
    terminal = Terminal([names["dumb-init"], "sh", "-c", script])
    try:
        output = terminal.read_until(b"=end").decode()
        assert "alive" in output
        assert "ctty=0=" not in output   # tty_nr: the child has a controlling terminal
        assert terminal.process.wait(timeout=60) == 0
    finally:
        terminal.close()
