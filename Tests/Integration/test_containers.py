"""vigil in real OCI containers run by runc, and a pod emulated with a shared PID namespace."""
import pytest

from helpers import wait_for
from oci import Bundle, require_runc
from procfs import namespace_path

COUNT_ZOMBIES = "grep -l ') Z ' /proc/[0-9]*/stat 2>/dev/null | wc -l"
# Waits (up to 10 s) until no orphan is still running and none is left unreaped, then records
# the zombie count: counting while an orphan may still be about to exit would prove nothing.
SETTLE = (f"n=0; while {{ [ -n \"$(pidof sleep)\" ] || [ $({COUNT_ZOMBIES}) -gt 0 ]; }} && [ $n -lt 1000 ]; "
          f"do sleep 0.01; n=$((n+1)); done; {COUNT_ZOMBIES} > /out/zombies")


@pytest.fixture
def bundle(tmp_path):
    """Makes bundles; every container is killed and deleted at the end, pass or fail."""
    require_runc()
    made = []

    def make(args, name="c", **options):
        created = Bundle(tmp_path / name, args, **options)
        made.append(created)
        return created

    yield make
    for created in made:
        created.cleanup()


def test_vigil_is_pid_1_of_the_container(bundle):
    container = bundle(["/vigil", "--", "sh", "-c", "cat /proc/1/comm > /out/comm; ls / > /out/root"])
    assert container.run() == 0, container.log()
    assert (container.out / "comm").read_text() == "vigil\n"
    # Nothing else is in the image: the binary needs no libraries.
    assert sorted((container.out / "root").read_text().split()) == \
        ["bin", "dev", "out", "proc", "sys", "tmp", "vigil"]


def test_orphans_in_the_container_are_reaped(bundle):
    script = "for i in $(seq 100); do sh -c 'sleep 0.01 &'; done; " + SETTLE
    container = bundle(["/vigil", "--", "sh", "-c", script])
    assert container.run() == 0, container.log()
    assert (container.out / "zombies").read_text().strip() == "0"


def test_the_container_exits_with_the_applications_status(bundle):
    assert bundle(["/vigil", "--", "sh", "-c", "exit 42"], name="a").run() == 42
    assert bundle(["/vigil", "--", "sh", "-c", "kill -TERM $$"], name="b").run() == 143


APP = ("trap 'echo term > /out/got; exit 0' TERM; touch /out/ready; "
       "while :; do sleep 1 & wait; done")


def test_runc_kill_term_reaches_the_application(bundle):
    container = bundle(["/vigil", "--", "sh", "-c", APP]).start()
    wait_for((container.out / "ready").exists, what="the application")
    container.kill("TERM")
    assert container.wait() == 0, container.log()
    assert (container.out / "got").read_text() == "term\n"


def test_on_stop_a_flushing_process_finishes_before_the_container_exits(bundle):
    flusher = ("sh -c 'trap \"sleep 0.5; echo flushed > /out/flushed; exit 0\" TERM; "
               "touch /out/flusher-ready; while :; do sleep 1 & wait; done' & "
               "while [ ! -e /out/flusher-ready ]; do sleep 0.01; done; ")
    container = bundle(["/vigil", "--", "sh", "-c", flusher + APP]).start()
    wait_for((container.out / "ready").exists, what="the application")
    container.kill("TERM")
    assert container.wait() == 0, container.log()
    assert (container.out / "flushed").read_text() == "flushed\n"
    assert container.log() == ""


def test_pod_pause_container_reaps_orphans_of_a_container_sharing_its_pid_namespace(bundle):
    pause = bundle(["/vigil", "--pause"], name="pause").start()
    namespace = namespace_path(pause.init_pid())
    script = ("for i in $(seq 50); do sh -c 'sleep 0.01 &'; done; " + SETTLE +
              "; cat /proc/1/comm > /out/init; cat /proc/1/cmdline | tr '\\0' ' ' > /out/cmdline")
    app = bundle(["sh", "-c", script], name="app", pid_namespace=namespace)
    assert app.run() == 0, app.log()
    assert (app.out / "init").read_text() == "vigil\n"      # the pause vigil is the pod's PID 1
    assert (app.out / "cmdline").read_text() == "/vigil --pause "
    assert (app.out / "zombies").read_text().strip() == "0"
    pause.kill("TERM")
    assert pause.wait() == 0, pause.log()
