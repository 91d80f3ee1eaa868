"""vigil under a pseudo-terminal: the child owns the terminal, ^C and job control reach it."""
import os
import subprocess

import pytest

from helpers import PYTHON, UNSHARE, VIGIL, Terminal, wait_for
from procfs import proc_stat, state_of

pytestmark = pytest.mark.timing  # scripts/soak repeats every test here


REPORT = ("import os; print('pgrp', os.getpgrp(), 'fg', os.tcgetpgrp(0), 'ppgrp', "
          "os.getpgid(os.getppid()), flush=True); os.execvp('sleep', ['sleep', '60'])")


def test_child_is_the_foreground_group_and_ctrl_c_ends_it():
    terminal = Terminal(UNSHARE + [VIGIL, PYTHON, "-c", REPORT])
    try:
        output = terminal.read_until(b"ppgrp").decode()
        terminal.read_until(b"\n", timeout=30)
        fields = terminal.output.decode().split()
        start = fields.index("pgrp")
        pgrp, fg, parent_pgrp = int(fields[start + 1]), int(fields[start + 3]), int(fields[start + 5])
        assert pgrp == fg, output            # the child's group owns the terminal
        assert pgrp != parent_pgrp, output   # and it is not vigil's group
        wait_for(lambda: terminal.foreground("sleep"), what="sleep in the foreground")
        terminal.write(b"\x03")
        assert terminal.process.wait(timeout=60) == 130
    finally:
        terminal.close()


def test_vigil_never_stops_on_terminal_output():
    # TOSTOP makes background writes raise SIGTTOU. Once the child owns the terminal, vigil is
    # in the background; its log line at the child's exit must still be written.
    script = "import termios; a = termios.tcgetattr(0); a[3] |= termios.TOSTOP; termios.tcsetattr(0, termios.TCSANOW, a)"
    terminal = Terminal(["sh", "-c", f"{PYTHON} -c '{script}'; exec {VIGIL} -v sh -c 'echo started; exit 7'"])
    try:
        terminal.read_until(b"exited with code 7")
        assert terminal.process.wait(timeout=60) == 7
    finally:
        terminal.close()


def test_child_gets_its_own_process_group_without_a_terminal():
    result = subprocess.run([VIGIL, PYTHON, "-c", "import os; print(os.getpgrp() == os.getpid())"],
                            capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
    assert result.stdout == b"True\n"


def test_job_control_works_in_an_interactive_shell_child():
    terminal = Terminal(UNSHARE + [VIGIL,
                         "bash", "--norc", "--noprofile", "-i"], env=dict(os.environ, TERM="dumb"))
    try:
        terminal.prompt()
        terminal.write(b"sleep 100\n")
        wait_for(lambda: terminal.foreground("sleep"), what="sleep in the foreground")
        terminal.write(b"\x1a")  # ^Z
        terminal.read_until(b"Stopped")
        terminal.write(b"jobs; echo JOBS-$((40+2))\n")
        output = terminal.read_until(b"JOBS-42").decode(errors="replace")
        assert "Stopped" in output.split("echo JOBS-")[-1] and "sleep 100" in output.split("echo JOBS-")[-1]
        assert "no job control" not in terminal.output.decode(errors="replace")
        terminal.write(b"fg\n")
        wait_for(lambda: terminal.foreground("sleep"), what="sleep back in the foreground")
        terminal.write(b"\x03")  # ^C
        terminal.write(b"echo STATUS-$?-$((1+1))\n")
        terminal.read_until(b"STATUS-130-2")
        terminal.write(b"exit 3\n")
        assert terminal.process.wait(timeout=60) == 3
    finally:
        terminal.close()


def test_ctrl_z_on_the_child_stops_vigil_too_and_fg_resumes_both():
    # tini's fault: its child stops on ^Z but tini keeps running, so the shell waits forever.
    # vigil (not PID 1, having given the child the terminal) stops with it; fg resumes both.
    terminal = Terminal(["bash", "--norc", "--noprofile", "-i"], env=dict(os.environ, TERM="dumb"))
    try:
        terminal.prompt()
        terminal.write(f"{VIGIL} sleep 100\n".encode())
        sleep = wait_for(lambda: terminal.foreground("sleep"), what="sleep in the foreground")
        vigil_pid = proc_stat(sleep)["ppid"]
        terminal.write(b"\x1a")  # ^Z
        terminal.read_until(b"Stopped")
        wait_for(lambda: state_of(sleep) == "T" and state_of(vigil_pid) == "T", what="both stopped")
        terminal.write(b"fg\n")
        wait_for(lambda: state_of(sleep) in ("S", "R") and state_of(vigil_pid) in ("S", "R"), what="both running")
        wait_for(lambda: terminal.foreground("sleep") == sleep, what="the terminal back at sleep")
        terminal.write(b"\x03")  # ^C reaches the child again
        terminal.write(b"echo STATUS-$?-$((1+1))\n")
        terminal.read_until(b"STATUS-130-2")
    finally:
        terminal.close()


def test_job_control_in_session_mode():
    terminal = Terminal(["bash", "--norc", "--noprofile", "-i"], env=dict(os.environ, TERM="dumb"))
    try:
        # The marker in both command lines tells these processes from any other sleep or sh.
        command = f"{VIGIL} --session sh -c 'sleep 100; : job-control-marker' job-control-marker".encode()
        terminal.job_control(command, ["vigil", "sh"], "job-control-marker")
    finally:
        terminal.close()
