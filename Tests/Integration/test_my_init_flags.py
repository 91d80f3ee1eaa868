"""my_init's flags that change what happens around the services, with vigil as /sbin/my_init
(PID 1 of a fresh PID and mount namespace whose root is a fixture image, image_root.py):
`--no-kill-all-on-exit` (no TERM to what is left at the end), `--quiet` (warnings and errors
only) and `--enable-insecure-key` (the image's /usr/sbin/enable_insecure_key runs first, even
with --skip-startup-files, and its failure aborts the start).
"""
import signal

import pytest

from helpers import wait_for
from image_root import ImageRoot
from my_init_runs import lines, pid1  # noqa: F401 (pid1 is a fixture)


PATH = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}

# A process the startup file leaves behind, outside every service: it says when it got TERM.
LEFTOVER = ("(trap 'echo got TERM >> /tmp/leftover; exit 0' TERM; echo ready >> /tmp/leftover;"
            " while :; do sleep 0.1; done) </dev/null >/dev/null 2>&1 &\n"
            "while ! grep -q ready /tmp/leftover 2>/dev/null; do sleep 0.05; done\n")


@pytest.fixture
def image(tmp_path):
    return ImageRoot(tmp_path / "root")


@pytest.fixture
def run(pid1):
    def start(image, *arguments, env=None):
        return pid1(image, *arguments, env=env or PATH)
    return start


@pytest.mark.parametrize("flags, expected", [([], ["ready", "got TERM"]), (["--no-kill-all-on-exit"], ["ready"])])
def test_what_is_left_gets_term_unless_no_kill_all_on_exit(image, run, flags, expected):
    image.script("/etc/my_init.d/10_leave_one", LEFTOVER)
    pid1 = run(image, *flags, "--", "/bin/true")
    assert pid1.wait() == 0, pid1.stderr
    # Without the last step the leftover dies with the namespace, by SIGKILL: no line.
    assert lines(image, "/tmp/leftover") == expected, pid1.stderr


def test_no_kill_all_on_exit_still_stops_the_services(image, run):
    image.script("/etc/service/web/run", "trap 'echo web got TERM >> /tmp/order; exit 0' TERM\n"
                                         "echo web >> /tmp/order\nwhile :; do sleep 0.1; done\n")
    pid1 = run(image, "--no-kill-all-on-exit", "--", "/bin/sh", "-c",
               "while ! grep -q web /tmp/order 2>/dev/null; do sleep 0.05; done")
    assert pid1.wait() == 0, pid1.stderr
    assert lines(image, "/tmp/order") == ["web", "web got TERM"]


def test_quiet_prints_warnings_and_errors_only(image, run):
    image.script("/etc/my_init.d/10_ok", "exit 0\n")
    loud = run(image, "--", "/bin/true")
    assert loud.wait() == 0, loud.stderr
    assert "10_ok" in loud.stderr and "runit services" in loud.stderr, loud.stderr
    quiet = run(image, "--quiet", "--", "/bin/true")
    assert quiet.wait() == 0, quiet.stderr
    assert quiet.stderr == "", quiet.stderr
    # An error still shows.
    image.script("/etc/my_init.d/20_fails", "exit 3\n")
    failing = run(image, "--quiet", "--", "/bin/true")
    assert failing.wait() == 3, failing.stderr
    assert "20_fails" in failing.stderr and "10_ok" not in failing.stderr, failing.stderr


def test_quiet_keeps_the_services_output(image, run):
    image.script("/etc/service/web/run", "echo line from web\nexec sleep 1000\n")
    pid1 = run(image, "--quiet")
    wait_for(lambda: "line from web" in pid1.stdout + pid1.stderr, what="web's line")
    pid1.signal(signal.SIGTERM)
    assert pid1.wait() == 2, pid1.stderr
    # my_init's own info lines are gone; the service's output is not vigil's to quieten.
    assert "my_init:" not in pid1.stderr, pid1.stderr


INSECURE_KEY = ('echo "key for $USER in $HOME" >> /tmp/order\n'
                'mkdir -p "$HOME/.ssh"; echo ssh-rsa insecure >> "$HOME/.ssh/authorized_keys"\n')


@pytest.mark.parametrize("skip", [False, True])
def test_enable_insecure_key_runs_the_image_program_first(image, run, skip):
    image.usr_script("/usr/sbin/enable_insecure_key", INSECURE_KEY)
    image.file("/etc/container_environment/HOME", "/root")
    image.file("/etc/container_environment/USER", "root")
    image.script("/etc/my_init.d/10_first", "echo startup >> /tmp/order\n")
    flags = ["--enable-insecure-key"] + (["--skip-startup-files"] if skip else [])
    pid1 = run(image, *flags, "--", "/bin/sh", "-c", "echo main >> /tmp/order")
    assert pid1.wait() == 0, pid1.stderr
    # As my_init: the key before the startup files, and whatever --skip-startup-files says.
    startup = [] if skip else ["startup"]
    assert lines(image, "/tmp/order") == ["key for root in /root", *startup, "main"]
    assert lines(image, "/root/.ssh/authorized_keys") == ["ssh-rsa insecure"]


def test_enable_insecure_key_failing_aborts_the_start(image, run):
    image.usr_script("/usr/sbin/enable_insecure_key", "exit 5\n")
    image.script("/etc/my_init.d/10_first", "echo startup >> /tmp/order\n")
    pid1 = run(image, "--enable-insecure-key", "--", "/bin/sh", "-c", "echo main >> /tmp/order")
    assert pid1.wait() == 5, pid1.stderr
    assert not lines(image, "/tmp/order")
    assert "enable_insecure_key" in pid1.stderr, pid1.stderr


def test_enable_insecure_key_without_the_program_is_a_clear_error(image, run):
    # The host's /usr has no enable_insecure_key: as in an image that is not baseimage's.
    image.script("/etc/my_init.d/10_first", "echo startup >> /tmp/order\n")
    pid1 = run(image, "--enable-insecure-key", "--", "/bin/true")
    code = pid1.wait()
    assert code != 0, pid1.stderr
    assert not lines(image, "/tmp/order")
    assert "/usr/sbin/enable_insecure_key" in pid1.stderr, pid1.stderr
    assert len(pid1.stderr.splitlines()) <= 3, pid1.stderr
