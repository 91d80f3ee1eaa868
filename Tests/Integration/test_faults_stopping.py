"""After a fault of vigil's own (issue 26), the recovered vigil stops the tree as the vigil that
faulted would have: a supervisord program's stop signal goes to the process alone unless
`stopasgroup=true`, and my_init's stop runs the pre-shutdown scripts before the services and the
post-shutdown ones after, each once, even when the fault came in the middle of the stop. The
fault is real (gdb sets vigil's program counter to 0), in a fresh PID namespace; assertions are
on order and counts.
"""
import signal

from helpers import PYTHON, inject_fault, recovered, wait_for
from procfs import children_of
from image_root import ImageRoot, Pid1 as ImagePid1
from supervisord_runs import ENVIRONMENT, HEADER, supervisord_symlink

# A program's shell and its child, in one process group, each saying which signal reached it
# first in the file named by $1. On TERM the shell sends its child WINCH and waits for the
# child's line: a child that got TERM with its shell (a stop to the group) has it pending
# already, and dash runs the lower-numbered trap first, then exits; a child that did not
# (a stop to the process alone) answers WINCH, and gets TERM only when what is left is stopped.
PARENT = """out=$1
sh -c 'trap "echo child TERM >> $0; exit 0" TERM; trap "echo child WINCH >> $0" WINCH
       touch $0.ready; while :; do sleep 0.1; done' "$out" &
child=$!
trap 'echo parent TERM >> "$out"; kill -WINCH $child
      while ! grep -q child "$out"; do sleep 0.05; done; exit 0' TERM
while :; do sleep 1 & wait $!; done
"""

PROGRAMS = """
[program:alone]
command=sh %(here)s/parent.sh %(here)s/alone

[program:together]
command=sh %(here)s/parent.sh %(here)s/together
stopasgroup=true
"""


def test_after_a_fault_a_programs_stop_signal_reaches_its_group_only_with_stopasgroup(launch, tmp_path):
    here = tmp_path / "conf"
    here.mkdir()
    config = here / "supervisord.conf"
    config.write_text(HEADER + PROGRAMS)
    (here / "parent.sh").write_text(PARENT)
    run = launch(["-n", "-c", str(config)], binary=supervisord_symlink(tmp_path), env=ENVIRONMENT, cwd=str(here))
    for name in ["alone", "together"]:
        wait_for(lambda: (here / f"{name}.ready").exists(), what=f"{name}'s child; log: {run.stderr}")
    before = set(children_of(run.vigil_pid))
    inject_fault(run.vigil_pid)
    recovered(lambda: run.stderr)
    assert set(children_of(run.vigil_pid)) == before
    run.signal(signal.SIGTERM)
    assert run.wait() == 0, run.stderr
    alone = (here / "alone").read_text().splitlines()
    together = (here / "together").read_text().splitlines()
    # stopasgroup=false: TERM reached the shell alone; its child got TERM only at the end.
    assert alone == ["parent TERM", "child WINCH", "child TERM"], alone
    # stopasgroup=true: the child got TERM with its shell, and never WINCH first.
    assert sorted(together) == ["child TERM", "parent TERM"], together


def my_init_image(tmp_path, pre_body):
    """An image whose stop writes its steps, in order, to /tmp/order: the pre-shutdown script
    (`pre_body` first), the service `web` on TERM, then the post-shutdown script."""
    image = ImageRoot(tmp_path / "root")
    image.script("/etc/my_init.pre_shutdown.d/10-pre", pre_body + "echo pre >> /tmp/order\n")
    image.script("/etc/my_init.post_shutdown.d/10-post", "echo post >> /tmp/order\n")
    image.script("/etc/service/web/run", "trap 'echo web TERM >> /tmp/order; exit 0' TERM\n"
                                         "touch /tmp/web-ready; while :; do sleep 0.1; done\n")
    return image


def test_after_a_fault_my_inits_stop_runs_its_shutdown_scripts_in_order_once(tmp_path):
    image = my_init_image(tmp_path, "")
    run = ImagePid1(image, ["/sbin/my_init"], tmp_path)
    try:
        wait_for(lambda: image.host("/tmp/web-ready").exists(), what=f"web; log: {run.stderr}")
        inject_fault(run.pid)
        recovered(lambda: run.stderr)
        run.signal(signal.SIGTERM)
        assert run.wait() == 2, run.stderr
        assert image.host("/tmp/order").read_text().splitlines() == ["pre", "web TERM", "post"], run.stderr
    finally:
        run.kill()


def test_a_fault_during_the_pre_shutdown_script_does_not_run_it_again(tmp_path):
    # The script says it began, then waits for /tmp/go.
    image = my_init_image(tmp_path, "echo began >> /tmp/order\nwhile [ ! -e /tmp/go ]; do sleep 0.05; done\n")
    run = ImagePid1(image, ["/sbin/my_init"], tmp_path)
    try:
        wait_for(lambda: image.host("/tmp/web-ready").exists(), what=f"web; log: {run.stderr}")
        run.signal(signal.SIGTERM)
        wait_for(lambda: image.host("/tmp/order").exists(), what=f"the pre-shutdown script; log: {run.stderr}")
        inject_fault(run.pid)
        recovered(lambda: run.stderr)
        image.host("/tmp/go").touch()
        assert run.wait() == 2, run.stderr
        assert image.host("/tmp/order").read_text().splitlines() == ["began", "pre", "web TERM", "post"], run.stderr
    finally:
        run.kill()
