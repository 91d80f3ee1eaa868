"""vigil under a pseudo-terminal: the child owns the terminal, and ^C reaches it."""
import fcntl
import os
import select
import subprocess
import termios
import time

from conftest import PYTHON, VIGIL, wait_for


class Terminal:
    """A pty whose slave side is the controlling terminal of a new session running `command`."""

    def __init__(self, command, env=None):
        self.master, slave = os.openpty()

        def take_terminal():
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.process = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave,
                                        start_new_session=True, preexec_fn=take_terminal,
                                        env=env)
        os.close(slave)
        self.output = b""

    def read_until(self, needle, timeout=30):
        deadline = time.monotonic() + timeout
        while needle not in self.output:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {needle!r} in terminal output {self.output!r}")
            ready, _, _ = select.select([self.master], [], [], remaining)
            if ready:
                try:
                    self.output += os.read(self.master, 4096)
                except OSError:
                    break
        return self.output

    def write(self, data):
        os.write(self.master, data)

    def close(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=30)
        os.close(self.master)


REPORT = ("import os; print('pgrp', os.getpgrp(), 'fg', os.tcgetpgrp(0), 'ppgrp', "
          "os.getpgid(os.getppid()), flush=True); os.execvp('sleep', ['sleep', '60'])")


def test_child_is_the_foreground_group_and_ctrl_c_ends_it():
    terminal = Terminal(["unshare", "--pid", "--fork", "--mount-proc", VIGIL, PYTHON, "-c", REPORT])
    try:
        output = terminal.read_until(b"ppgrp").decode()
        terminal.read_until(b"\n", timeout=30)
        fields = terminal.output.decode().split()
        start = fields.index("pgrp")
        pgrp, fg, parent_pgrp = int(fields[start + 1]), int(fields[start + 3]), int(fields[start + 5])
        assert pgrp == fg, output            # the child's group owns the terminal
        assert pgrp != parent_pgrp, output   # and it is not vigil's group
        wait_for(lambda: _comm_of_foreground(terminal) == "sleep", what="sleep in the foreground")
        terminal.write(b"\x03")
        assert terminal.process.wait(timeout=60) == 130
    finally:
        terminal.close()


def _comm_of_foreground(terminal):
    # Find the sleep: the only process whose controlling terminal's foreground group is its own.
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as stat:
                data = stat.read()
        except OSError:
            continue
        comm = data[data.index("(") + 1:data.rindex(")")]
        fields = data[data.rindex(")") + 2:].split()
        if comm == "sleep" and fields[2] == fields[5] and _in_session(int(fields[3]), terminal):
            return comm
    return None


def _in_session(session, terminal):
    return session == terminal.process.pid


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
    terminal = Terminal(["unshare", "--pid", "--fork", "--mount-proc", VIGIL,
                         "bash", "--norc", "--noprofile", "-i"], env=dict(os.environ, TERM="dumb"))
    try:
        terminal.write(b"PS1='READY> '\n")
        terminal.read_until(b"READY> ")
        terminal.write(b"sleep 100\n")
        wait_for(lambda: _comm_of_foreground(terminal) == "sleep", what="sleep in the foreground")
        terminal.write(b"\x1a")  # ^Z
        terminal.read_until(b"Stopped")
        terminal.write(b"jobs; echo JOBS-$((40+2))\n")
        output = terminal.read_until(b"JOBS-42").decode(errors="replace")
        assert "Stopped" in output.split("echo JOBS-")[-1] and "sleep 100" in output.split("echo JOBS-")[-1]
        assert "no job control" not in terminal.output.decode(errors="replace")
        terminal.write(b"fg\n")
        wait_for(lambda: _comm_of_foreground(terminal) == "sleep", what="sleep back in the foreground")
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
        terminal.write(b"PS1='READY> '\n")
        terminal.read_until(b"READY> ")
        terminal.write(f"{VIGIL} sleep 100\n".encode())
        sleep = wait_for(lambda: _foreground_sleep(terminal), what="sleep in the foreground")
        vigil_pid = _parent(sleep)
        terminal.write(b"\x1a")  # ^Z
        terminal.read_until(b"Stopped")
        wait_for(lambda: _state(sleep) == "T" and _state(vigil_pid) == "T", what="both stopped")
        terminal.write(b"fg\n")
        wait_for(lambda: _state(sleep) in ("S", "R") and _state(vigil_pid) in ("S", "R"), what="both running")
        wait_for(lambda: _foreground_sleep(terminal) == sleep, what="the terminal back at sleep")
        terminal.write(b"\x03")  # ^C reaches the child again
        terminal.write(b"echo STATUS-$?-$((1+1))\n")
        terminal.read_until(b"STATUS-130-2")
    finally:
        terminal.close()


def _foreground_sleep(terminal):
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                data = open(f"/proc/{name}/stat").read()
            except OSError:
                continue
            fields = data[data.rindex(")") + 2:].split()
            if data[data.index("(") + 1:data.rindex(")")] == "sleep" and fields[2] == fields[5] \
                    and int(fields[3]) == terminal.process.pid:
                return int(name)
    return None


def _parent(pid):
    data = open(f"/proc/{pid}/stat").read()
    return int(data[data.rindex(")") + 2:].split()[1])


def _state(pid):
    data = open(f"/proc/{pid}/stat").read()
    return data[data.rindex(")") + 2:].split()[0]
