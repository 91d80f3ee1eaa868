"""The core init (issue 2): PID 1 in a fresh namespace, signals, reaping, exit codes."""
import os
import signal
import shutil
import subprocess
import time

import pytest

from helpers import (FORWARDED, PYTHON, VIGIL, nsenter, received, recorder, require,
                     send_one_by_one, signal_number, vigil, wait_for, workload)
from procfs import executable, proc_stat, state_of, status_field, syscall_number, working_directory


def parse_report(text):
    return {key: int(value) for key, value in (item.split("=") for item in text.split())}


def test_vigil_is_pid_1_and_runs_the_command():
    result = vigil(["sh", "-c", "echo $$; cat /proc/1/comm"], pid1=True)
    assert result.returncode == 0, result.stderr
    child_pid, init_name = result.stdout.decode().split()
    assert init_name == "vigil"
    assert int(child_pid) == 2


def test_an_orphaned_zombie_is_reaped():
    result = vigil([PYTHON, workload("orphans.py"), "1"], pid1=True)
    assert result.returncode == 0, result.stderr
    assert parse_report(result.stdout.decode())["zombies"] == 0


def test_a_burst_of_orphans_leaves_no_zombie_and_flat_memory():
    result = vigil([PYTHON, workload("orphans.py"), "2000"], pid1=True, timeout=120)
    assert result.returncode == 0, result.stderr
    report = parse_report(result.stdout.decode())
    assert report["created"] == 2000
    assert report["zombies"] == 0
    assert abs(report["rss_after"] - report["rss_before"]) <= 256, report


@pytest.mark.timing
def test_signals_from_outside_reach_the_child(launch, tmp_path):
    output, ready = tmp_path / "signals", tmp_path / "ready"
    output.touch()
    run = launch([PYTHON, workload("record_signals.py"), str(output), str(ready)] + FORWARDED)
    wait_for(ready.exists, what="the recorder")
    send_one_by_one(run, FORWARDED, [output])
    assert run.wait() == 0, run.stderr
    received = [int(line.split()[1]) for line in output.read_text().splitlines()]
    assert received == [int(signal_number(name)) for name in FORWARDED]


@pytest.mark.timing
def test_group_forwarding_reaches_a_grandchild(launch, tmp_path):
    names = ["HUP", "USR1", "TERM", "RTMIN+3"]
    child_out, grandchild_out = tmp_path / "child", tmp_path / "grandchild"
    child_out.touch()
    grandchild_out.touch()
    recorder = [PYTHON, workload("record_signals.py")]
    script = (
        f"{' '.join(recorder)} {grandchild_out} {tmp_path}/ready2 {' '.join(names)} & "
        f"exec {' '.join(recorder)} {child_out} {tmp_path}/ready1 {' '.join(names)}"
    )
    run = launch(["-g", "sh", "-c", script])
    wait_for(lambda: (tmp_path / "ready1").exists() and (tmp_path / "ready2").exists(),
             what="both recorders")
    send_one_by_one(run, names, [child_out, grandchild_out])
    assert run.wait() == 0, run.stderr


def test_without_group_only_the_child_receives(launch, tmp_path):
    child_out, grandchild_out = tmp_path / "child", tmp_path / "grandchild"
    child_out.touch()
    grandchild_out.touch()
    recorder = f"{PYTHON} {workload('record_signals.py')}"
    script = (f"{recorder} {grandchild_out} {tmp_path}/ready2 USR2 & "
              f"exec {recorder} {child_out} {tmp_path}/ready1 USR1 USR2")
    run = launch(["sh", "-c", script])
    wait_for(lambda: (tmp_path / "ready1").exists() and (tmp_path / "ready2").exists(),
             what="both recorders")
    send_one_by_one(run, ["USR2", "USR1"], [child_out])
    assert run.wait() == 0, run.stderr
    assert grandchild_out.read_text() == ""


@pytest.mark.parametrize("code", [0, 1, 42, 255])
def test_exit_codes_pass_through(code):
    assert vigil(["sh", "-c", f"exit {code}"], pid1=True).returncode == code


@pytest.mark.parametrize("name,number", [("TERM", 15), ("KILL", 9), ("SEGV", 11)])
def test_death_by_signal_is_128_plus_n(name, number):
    result = vigil(["sh", "-c", f"kill -{name} $$"], pid1=True)
    assert result.returncode == 128 + number


def test_exit_map_turns_codes_into_zero():
    assert vigil(["-e", "3", "-e", "143", "sh", "-c", "exit 3"]).returncode == 0
    assert vigil(["-e", "143", "sh", "-c", "kill -TERM $$"]).returncode == 0
    assert vigil(["-e", "3", "sh", "-c", "exit 4"]).returncode == 4
    env = dict(os.environ, VIGIL_EXIT_MAP="5,6")
    assert vigil(["sh", "-c", "exit 6"], env=env).returncode == 0


def test_command_not_found_is_127():
    result = vigil(["no-such-command-anywhere"], pid1=True)
    assert result.returncode == 127
    assert result.stderr.decode() == "vigil: error: cannot run 'no-such-command-anywhere': command not found\n"
    assert result.stdout == b""


@pytest.mark.parametrize("kind", ["directory", "no-permission", "bad-format"])
def test_command_not_executable_is_126(tmp_path, kind):
    target = tmp_path / "target"
    if kind == "directory":
        target.mkdir()
        reason = "permission denied"
    elif kind == "no-permission":
        target.write_text("#!/bin/sh\nexit 0\n")
        target.chmod(0o644)
        reason = "permission denied"
    else:
        target.write_bytes(b"\x00\x01\x02 not a program\n")
        target.chmod(0o755)
        reason = "not an executable format"
    result = vigil([str(target)], pid1=True)
    assert result.returncode == 126
    assert result.stderr.decode() == f"vigil: error: cannot run '{target}': {reason}\n"


def test_not_pid_1_becomes_a_subreaper_and_reaps_orphans():
    script = "sleep 0.2 & exit 0"  # the sleep is orphaned when sh exits
    result = vigil(["-w", "-v", "sh", "-c", "sh -c '" + script + "'; sleep 1"])
    assert result.returncode == 0
    err = result.stderr.decode()
    assert "registered as child subreaper" in err
    assert "reaped zombie process" in err and "(sleep)" in err


def test_idle_vigil_makes_no_wake_ups(launch):
    run = launch(["sleep", "30"])
    child = run.child_pid()
    wait_for(lambda: (proc_stat(child) or {}).get("comm") == "sleep", what="sleep to start")
    # vigil may still be on its way to its wait when the child has exec'd: count from there.
    wait_for(lambda: state_of(run.vigil_pid) == "S", what="vigil to wait")
    before = status_field(run.vigil_pid, "voluntary_ctxt_switches")
    time.sleep(3)  # the measurement window itself, not a wait for a condition
    after = status_field(run.vigil_pid, "voluntary_ctxt_switches")
    assert after - before == 0


def test_argv_and_environment_pass_byte_for_byte():
    args = [b"", b"plain", b"\xff\xfe not utf-8 \x80", b"", b"sp ace", b"--", b"-v", b"\xe2\x82\xac"]
    # LC_ALL keeps Python from adding LC_CTYPE to its own environment (locale coercion).
    env = {b"PATH": os.environb[b"PATH"], b"LC_ALL": b"C.UTF-8", b"WEIRD": b"\xff\x00"[:1] + b"value\x80", b"EMPTY": b""}
    dump = ("import os, sys; sys.stdout.buffer.write(b'\\0'.join(os.fsencode(a) for a in sys.argv[1:])"
            " + b'\\n' + repr(sorted(os.environb.items())).encode())")
    result = subprocess.run([VIGIL.encode(), PYTHON.encode(), b"-c", dump.encode()] + args,
                            capture_output=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    argv_part, env_part = result.stdout.split(b"\n", 1)
    assert argv_part.split(b"\0") == args
    assert env_part == repr(sorted(env.items())).encode()


def test_working_directories(launch, tmp_path):
    workdir = tmp_path / "work dir"
    workdir.mkdir()
    run = launch(["sleep", "30"], cwd=workdir)
    child = run.child_pid()
    wait_for(lambda: (proc_stat(child) or {}).get("comm") == "sleep", what="sleep to start")
    assert working_directory(run.vigil_pid) == "/"
    assert working_directory(child) == str(workdir)


def test_the_child_never_sees_root_as_its_directory(tmp_path):
    for _ in range(20):
        result = vigil(["sh", "-c", "pwd"], cwd=tmp_path)
        assert result.stdout.decode().strip() == str(tmp_path)


def test_vigil_logs_only_to_stderr():
    result = vigil(["-vvv", "-w", "true"], pid1=True)
    assert result.returncode == 0
    assert result.stdout == b""
    assert all(line.startswith("vigil: ") for line in result.stderr.decode().splitlines())


@pytest.mark.parametrize("args,message", [
    ([], "vigil: no command given: put one after the options (vigil [OPTIONS] -- COMMAND), set [main] command "
         "in the --config file, or run none with --pause"),
    (["--bogus", "true"], "vigil: unknown option '--bogus'"),
    (["-X", "true"], "vigil: unknown option '-X'"),
    (["-p", "NOPE", "true"], "vigil: -p: unknown signal 'NOPE'"),
    (["-p"], "vigil: option '-p' needs a value: SIG"),
    (["-e", "300", "true"], "vigil: -e: exit code must be 0 to 255, got '300'"),
    (["--group=yes", "true"], "vigil: option '--group' takes no value"),
    (["-q", "-v", "true"], "vigil: -q and -v cannot be combined"),
])
def test_bad_usage(args, message):
    result = vigil(args)
    assert result.returncode == 2
    assert result.stdout == b""
    assert result.stderr.decode() == message + "\nTry 'vigil --help' for more information.\n"


@pytest.mark.parametrize("variable,value", [
    ("VIGIL_GROUP", "maybe"), ("VIGIL_VERBOSITY", "loud"), ("VIGIL_EXIT_MAP", "1,x"),
    ("VIGIL_PARENT_DEATH_SIGNAL", "SIGNOPE"),
])
def test_bad_environment_is_a_usage_error(variable, value):
    result = vigil(["true"], env=dict(os.environ, **{variable: value}))
    assert result.returncode == 2
    assert result.stderr.decode().startswith(f"vigil: {variable}: ")


def test_garbage_arguments_never_crash():
    cases = [["-"], ["--"], ["---"], ["-e"], ["-e", ""], ["--exit-map="], ["-p", "RTMIN+99"],
             ["\udcff"], ["-\udcff"], ["--\udcff=1"], ["-" + "v" * 5000, "true"], ["-pp", "x"]]
    for args in cases:
        result = vigil([os.fsencode(a) for a in args])
        assert result.returncode in (0, 2, 127), (args, result)
        assert b"Fatal error" not in result.stderr and b"Stack dump" not in result.stderr


def test_help_and_version_go_to_stdout():
    help_result = vigil(["--help"])
    assert help_result.returncode == 0 and help_result.stderr == b""
    assert help_result.stdout.startswith(b"Usage: vigil")
    assert vigil(["-h"]).stdout == help_result.stdout
    version = vigil(["--version"])
    assert version.returncode == 0 and version.stdout.startswith(b"vigil ")


@pytest.mark.timing
def test_parent_death_signal_is_forwarded(tmp_path):
    output, ready = tmp_path / "signals", tmp_path / "ready"
    output.touch()
    # The shell starts vigil in the background and exits once the recorder is ready.
    script = (f"{VIGIL} -p USR1 {PYTHON} {workload('record_signals.py')} {output} {ready} USR1 & "
              f"while [ ! -e {ready} ]; do sleep 0.01; done")
    subprocess.run(["sh", "-c", script], timeout=60, check=True)
    wait_for(lambda: output.read_text().strip(), what="USR1 from the parent's death")
    assert output.read_text().split()[1] == str(int(signal.SIGUSR1))


def test_parent_already_dead_when_the_option_is_set(tmp_path):
    """The parent dies while vigil is held (by strace) just before it sets -p: the kernel will
    never send the signal, so vigil must act on it at once."""
    require(shutil.which("strace"), "strace is not installed")
    log = tmp_path / "log"
    strace = "strace -D -qq -o /dev/null -e trace=prctl -e inject=prctl:delay_enter=1s"
    parent = subprocess.Popen(
        ["sh", "-c", f"{strace} {VIGIL} -v -p USR2 sleep 30 2>{log} & echo $!; read line"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        pid = int(parent.stdout.readline())
        # Held by the tracer at a prctl, which vigil calls only after noting its parent.
        prctl = {"x86_64": "157", "aarch64": "167"}[os.uname().machine]

        def held_at_prctl():
            return (syscall_number(pid) == prctl and executable(pid) == os.path.realpath(VIGIL)
                    and (proc_stat(pid) or {}).get("state") == "t")

        wait_for(held_at_prctl, what="vigil held at prctl")
        parent.stdin.close()
        parent.wait(timeout=60)
        wait_for(lambda: "killed by SIGUSR2" in log.read_text(), what="USR2 in the log")
        assert "parent already gone" in log.read_text()
    finally:
        parent.kill()


def attach_and_fail(pid, syscall, errno_name, tmp_path):
    """Attaches strace to `pid` and makes every `syscall` fail with `errno_name` from now on.
    Returns the strace process; its log lists each injected failure."""
    log = tmp_path / f"strace-{syscall}"
    tracer = subprocess.Popen(["strace", "-qq", "-p", str(pid), "-o", str(log), "-e", f"trace={syscall}",
                               "-e", f"inject={syscall}:error={errno_name}"])
    return tracer, log


def injected(log):
    return log.read_text().count("(INJECTED)") if log.exists() else 0


@pytest.mark.timing
@pytest.mark.parametrize("name, options, syscall, errno_name, code, text", [
    # With nothing but signals to wait for, one sigwaitinfo; tini's internal failures exit 1.
    ("tini", ["-s"], "rt_sigtimedwait", "EINVAL", 1, "cannot wait for events: sigwaitinfo: Invalid argument; stopping"),
    ("vigil", ["-vvv"], "rt_sigtimedwait", "EINVAL", 125,
     "cannot wait for events: sigwaitinfo: Invalid argument; stopping"),
    # With output to relay, vigil polls the signalfd together with the pipes.
    ("vigil", ["-vvv", "--prefix-output"], "ppoll", "EBADF", 125,
     "cannot wait for events: ppoll: Bad file descriptor; stopping"),
])
def test_a_wait_that_keeps_failing_stops_the_tree_instead_of_spinning(launch, tmp_path, name, options, syscall,
                                                                      errno_name, code, text):
    """A persistent error from the wait (a bad mask, say) must not spin PID 1 at full CPU:
    vigil logs it once, stops the tree and exits 125 (tini's 1 by that name)."""
    require(shutil.which("strace"), "strace is not installed")
    binary = tmp_path / name
    os.symlink(VIGIL, binary)
    output, ready = tmp_path / "signals", tmp_path / "ready"
    output.touch()
    run = launch(options + ["--", PYTHON, workload("record_signals.py"), str(output), str(ready), "TERM"],
                 pid1=False, binary=str(binary))
    wait_for(ready.exists, what="the recorder")
    tracer, log = attach_and_fail(run.vigil_pid, syscall, errno_name, tmp_path)
    try:
        # Attaching interrupts the wait; its restart is the first call to fail.
        assert run.wait() == code, run.stderr
    finally:
        tracer.kill()
        tracer.wait()
    if name == "tini":
        # Like tini, it leaves at once: the child is the kernel's (or the caller's) to end.
        child = int(ready.read_text())
        assert proc_stat(child) is not None and output.read_text() == ""
        os.kill(child, signal.SIGTERM)
    wait_for(lambda: output.read_text().split()[1:] == [str(int(signal.SIGTERM))], what="the child's stop")
    errors = [line for line in run.stderr.splitlines() if "cannot wait for events" in line]
    assert len(errors) == 1 and errors[0].endswith(text), run.stderr
    assert injected(log) == 1   # one failure, no retries


@pytest.mark.timing
def test_a_failing_poll_during_the_shutdown_ends_it_the_same_way(launch, tmp_path):
    """As PID 1, a leftover that is not vigil's child is watched with ppoll on a pidfd."""
    require(shutil.which("strace"), "strace is not installed")
    go = tmp_path / "go"
    run = launch(["-vvv", "--grace", "3s", "sh", "-c", f"while [ ! -e {go} ]; do sleep 0.02; done"])
    outsider = subprocess.Popen(nsenter(run.vigil_pid, PYTHON, workload("leftover.py"), str(tmp_path / "marker"),
                                        "0.2", str(tmp_path / "ready"), "ignore"))
    try:
        wait_for((tmp_path / "ready").exists, what="the outsider")
        go.touch()
        wait_for(lambda: "nothing left" in run.stderr or "sent SIGTERM" in run.stderr, what="the shutdown")
        tracer, log = attach_and_fail(run.vigil_pid, "ppoll", "EBADF", tmp_path)
        try:
            assert run.wait() == 125, run.stderr
        finally:
            tracer.kill()
            tracer.wait()
        assert "cannot wait for events: ppoll: Bad file descriptor; stopping" in run.stderr
        # The outsider ignores TERM: the grace period still bounds the stop, then SIGKILL.
        assert outsider.wait(timeout=120) == -signal.SIGKILL
        assert injected(log) == 1
    finally:
        outsider.kill()


def test_pause_mode_also_ends_on_quit(launch):
    run = launch(["--pause"])
    wait_for(lambda: (proc_stat(run.vigil_pid) or {}).get("state") == "S", what="vigil to sleep")
    run.signal(signal.SIGQUIT)
    assert run.wait() == 0


@pytest.mark.timing
@pytest.mark.parametrize("how", ["option", "environment"])
def test_rewrite_forwards_as_another_signal_or_drops(launch, tmp_path, how):
    output, ready = tmp_path / "child", tmp_path / "child.ready"
    output.touch()
    rules = ["TERM:USR1", "USR2:none", "RTMIN+1:RTMIN+2"]
    if how == "option":
        args, env = [item for rule in rules for item in ("--rewrite", rule)], dict(os.environ)
    else:
        args, env = [], dict(os.environ, VIGIL_REWRITE=",".join(rules))
    run = launch(args + recorder(output, ready, "USR1", "RTMIN+2", "HUP"), env=env)
    wait_for(ready.exists, what="the recorder")
    run.signal(signal.SIGUSR2)                 # dropped: it would kill the recorder
    run.signal(signal.SIGTERM)                 # arrives as USR1
    wait_for(lambda: f" {int(signal.SIGUSR1)}\n" in output.read_text(), what="USR1")
    run.signal(signal.SIGRTMIN + 1)            # arrives as RTMIN+2
    wait_for(lambda: f" {int(signal.SIGRTMIN) + 2}\n" in output.read_text(), what="RTMIN+2")
    run.signal(signal.SIGHUP)
    assert run.wait() == 0, run.stderr
    assert received(output) == [int(signal.SIGUSR1), int(signal.SIGRTMIN) + 2, int(signal.SIGHUP)]
