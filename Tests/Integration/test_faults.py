"""vigil survives its own faults (issue 26): a real fault, caused from outside with gdb (the
program counter set to 0, so that the kernel raises SIGSEGV in vigil), re-executes vigil,
which adopts the running tree. Each test runs vigil as PID 1 of a fresh PID namespace, injects
the fault at a chosen moment (a quiet run, an orphan storm, the stop's grace, a sidecar's
restart), and checks that no process of the tree is lost (same PIDs), no zombie is left, and
vigil exits with the main process's status (the quiet run also as a subreaper). Assertions are
on order and counts, not on time.
"""
import os
import pathlib
import re
import signal

from helpers import PYTHON, RECOVERY_FLAG, VIGIL, inject_fault, recovered, wait_for, workload
from procfs import argv_of, children_of, command_line, descendants, proc_stat
from services import events, service, sh, sidecar, wait_for_event, wait_for_stderr, words
from image_root import ImageRoot, Pid1 as ImagePid1
from supervisord_runs import ENVIRONMENT, HEADER, listener, supervisord_symlink


def talker(name):
    """A shell that says "NAME ready" on stdout, and "NAME bye" on TERM."""
    return sh(f"trap 'echo {name} bye; exit 0' TERM; echo {name} ready; while :; do sleep 1 & wait $!; done")


def tree(run):
    """{pid: argv} of vigil's children (host PIDs)."""
    return {pid: argv_of(pid) for pid in children_of(run.vigil_pid)}


def service_pid(run, name):
    """The host PID of vigil's child running workloads/service.py named `name`."""
    return wait_for(lambda: next((pid for pid, argv in tree(run).items() if argv[2:3] == [name]), None),
                    what=f"service {name}")


def zombies(run):
    """vigil's descendants that are zombies."""
    return [pid for pid in descendants(run.vigil_pid) if (proc_stat(pid) or {}).get("state") == "Z"]


def test_a_fault_during_a_quiet_run_keeps_every_process(launch, tmp_path, as_pid1):
    log = tmp_path / "log"
    args = (sidecar("log", service("log", log)) + ["--stop-signal", "log=INT"]
            + sidecar("out", talker("out")) + ["--prefix-output=out"]
            + ["--"] + service("main", log, "ignore", "USR1", "stop-code", 7))
    run = launch(args, pid1=as_pid1)
    for name in ["log", "main"]:
        wait_for_event(log, f"{name} start")
    wait_for(lambda: "out | out ready" in run.stdout, what="the relayed sidecar")
    before = tree(run)
    assert len(before) == 3, before
    inject_fault(run.vigil_pid)
    recovered(lambda: run.stderr)
    assert RECOVERY_FLAG in command_line(run.vigil_pid)
    # The same processes, still vigil's children, still running.
    assert tree(run) == before
    assert not zombies(run)
    run.signal(signal.SIGUSR1)
    wait_for_event(log, "main USR1 ignored")
    run.signal(signal.SIGTERM)
    assert run.wait() == 7, run.stderr
    # The usual stop: the main process, then the sidecars, last started first, each with its
    # own signal; the relayed sidecar's last line still has its name in front.
    assert [e for e in events(log) if not e.endswith("start")] == ["main USR1 ignored", "main TERM", "log INT"]
    assert "out | out bye" in run.stdout
    assert run.stderr.count("recovered from") == 1, run.stderr
    assert "sidecars are no longer restarted" in run.stderr


def test_orphans_are_reaped_through_a_fault_and_after_it(launch, tmp_path):
    storming, faulted = tmp_path / "storming", tmp_path / "faulted"
    storm = f"{PYTHON} {workload('orphans.py')}"
    # Orphans keep coming until the fault has been survived; then 10,000 in recovery mode.
    script = f"while [ ! -e {faulted} ]; do {storm} 200 > /dev/null; touch {storming}; done; exec {storm} 10000"
    run = launch(sh(script))
    wait_for(storming.exists, timeout=120, what="the storm")
    inject_fault(run.vigil_pid)
    recovered(lambda: run.stderr)
    faulted.touch()
    assert run.wait(timeout=600) == 0, run.stderr
    assert "created=10000 zombies=0" in run.stdout, run.stdout


def test_a_fault_during_the_stops_grace_keeps_its_order_and_deadline(launch, tmp_path):
    log, done = tmp_path / "log", tmp_path / "done"
    args = (sidecar("slow", service("slow", log, "stop-after", done))
            + sidecar("stubborn", service("stubborn", log, "ignore", "TERM"))
            + ["--grace", "stubborn=10s", "--grace", "120s", "--"] + service("main", log, "stop-code", 3))
    run = launch(args)
    for name in ["slow", "stubborn", "main"]:
        wait_for_event(log, f"{name} start")
    before = tree(run)
    run.signal(signal.SIGTERM)
    # The main process is gone; stubborn ignores its TERM, and has 10 s before SIGKILL.
    wait_for_event(log, "stubborn TERM ignored")
    inject_fault(run.vigil_pid)
    recovered(lambda: run.stderr)
    assert set(tree(run)) == set(before) - {service_pid_of(before, "main")}
    # stubborn's deadline came through the fault: SIGKILL from the recovered vigil, then slow's turn.
    wait_for_event(log, "slow stopping", timeout=60)
    killing = "stubborn: still running at the end of its grace; sending SIGKILL"
    wait_for_stderr(run, killing)
    assert run.stderr.index("recovered from") < run.stderr.index(killing)
    done.touch()
    assert run.wait() == 3, run.stderr
    assert events(log)[-3:] == ["slow TERM", "slow stopping", "slow stopped"]
    assert "gone, exit status lost" not in run.stderr


def test_a_fault_during_a_sidecar_restart_keeps_the_new_process(launch, tmp_path):
    log, ready = tmp_path / "log", tmp_path / "ready"
    # Each start of s has a readiness check that runs until `ready` exists.
    args = (sidecar("s", service("s", log)) + ["--backoff", "s=0", "--ready", f"s=exec:test -e {ready}"]
            + ["--start-timeout", "s=600s", "--"] + service("main", log, "stop-code", 4))
    ready.touch()
    run = launch(args)
    for name in ["s", "main"]:
        wait_for_event(log, f"{name} start")
    first, main = service_pid(run, "s"), service_pid(run, "main")
    ready.unlink()
    os.kill(first, signal.SIGKILL)
    wait_for_event(log, "s start", count=2)
    restarted = wait_for(lambda: service_pid(run, "s") if service_pid(run, "s") != first else None,
                         what="s restarted")
    inject_fault(run.vigil_pid)
    recovered(lambda: run.stderr)
    assert restarted in children_of(run.vigil_pid)
    # Whatever readiness check was running is reaped, not left a zombie.
    wait_for(lambda: not zombies(run) and set(children_of(run.vigil_pid)) == {restarted, main},
             what="only the main process and s left")
    # Adopted, s is no longer restarted.
    os.kill(restarted, signal.SIGKILL)
    wait_for_stderr(run, "s: killed by SIGKILL and stays down")
    run.signal(signal.SIGTERM)
    assert run.wait() == 4, run.stderr
    assert events(log).count("s start") == 2


def test_a_fault_during_a_task_run_adopts_the_run(launch, tmp_path):
    log = tmp_path / "log"
    args = (["--task", f"t={words(service('t', log, 'sleep', 1000))}", "--schedule", "t=@every 1s", "--"]
            + service("main", log, "stop-code", 6))
    run = launch(args)
    for name in ["t", "main"]:
        wait_for_event(log, f"{name} start")
    before = tree(run)
    inject_fault(run.vigil_pid)
    recovered(lambda: run.stderr)
    # The run under way is adopted under the task's name, not lost and not left to the stop's
    # sweep of leftovers.
    assert tree(run) == before
    assert re.search(r"adopted main \(\d+\), t \(\d+\)", run.stderr), run.stderr
    run.signal(signal.SIGTERM)
    assert run.wait() == 6, run.stderr
    assert [e for e in events(log) if not e.endswith("start")] == ["main TERM", "t TERM"]
    assert events(log).count("t start") == 1


SUPERVISORD_PROGRAMS = """
[program:web]
command=sh -c 'trap "echo web bye; exit 0" TERM; echo web ready; while :; do sleep 1 & wait $!; done'
stdout_logfile=/dev/stdout
stdout_logfile_maxbytes=0
stdout_events_enabled=true

[program:logger]
command=sh -c 'trap "echo logger bye; exit 0" TERM; echo logger ready; while [ ! -e %(here)s/go ]; do sleep 0.1; done; echo logger after; while :; do sleep 1 & wait $!; done'
stdout_logfile=%(here)s/logger.log

[eventlistener:listener]
command={python} %(here)s/listener.py
events=PROCESS_STATE
"""

# supervisor's protocol at its simplest: READY, a header and its payload, RESULT 2\nOK.
LISTENER = listener("")


def test_a_fault_under_supervisords_name_keeps_its_programs_and_listener(launch, tmp_path):
    here = tmp_path / "conf"
    here.mkdir()
    config = here / "supervisord.conf"
    config.write_text(HEADER + SUPERVISORD_PROGRAMS.replace("{python}", PYTHON))
    (here / "listener.py").write_text(LISTENER)
    run = launch(["-n", "-c", str(config)], binary=supervisord_symlink(tmp_path), env=ENVIRONMENT, cwd=str(here))
    wait_for(lambda: "web ready" in run.stdout, what="web's output")
    wait_for(lambda: "logger ready" in (here / "logger.log").read_text(errors="replace")
             if (here / "logger.log").exists() else False, what="logger's log file")
    wait_for(lambda: len(tree(run)) == 3, what=f"two programs and the listener; log: {run.stderr}")
    before = tree(run)
    inject_fault(run.vigil_pid)
    recovered(lambda: run.stderr)
    assert "supervisord's server and events are off" in run.stderr, run.stderr
    # ps still shows supervisord, not the "exe" of /proc/self/exe.
    assert pathlib.Path(f"/proc/{run.vigil_pid}/comm").read_text() == "supervisord\n"
    # The log file's pipe is relayed to vigil's stdout, with the program's name in front.
    (here / "go").touch()
    wait_for(lambda: "logger | logger after" in run.stdout, what=f"logger's line after the fault; {run.stdout} {run.stderr}")
    # The listener neither read an end of file nor died of SIGPIPE: the same three processes.
    assert tree(run) == before
    assert not zombies(run)
    run.signal(signal.SIGTERM)
    # supervisord's exit code on a stop, and each program's last words where they went.
    assert run.wait() == 0, run.stderr
    lines = run.stdout.splitlines()
    assert "web bye" in lines and "logger | logger bye" in lines, run.stdout


def test_a_fault_under_my_inits_name_keeps_the_runit_services(tmp_path):
    image = ImageRoot(tmp_path / "root")
    image.script("/etc/service/web/run", "trap 'echo web got TERM >> /tmp/order; exit 0' TERM\n"
                                         "echo line from web\nwhile :; do sleep 0.1; done\n")
    image.script("/etc/service/web/log/run", "exec cat > /tmp/web-log\n")
    image.script("/etc/service/worker/run", "trap 'echo worker got TERM >> /tmp/order; exit 0' TERM\n"
                                            "while :; do sleep 0.1; done\n")
    run = ImagePid1(image, ["/sbin/my_init"], tmp_path)
    try:
        wait_for(lambda: image.host("/tmp/web-log").exists() and image.host("/tmp/web-log").read_text() == "line from web\n",
                 what="web's line in its logger")
        wait_for(lambda: len(children_of(run.pid)) == 3, what="web, its logger and worker")
        before = set(children_of(run.pid))
        inject_fault(run.pid)
        recovered(lambda: run.stderr)
        assert re.search(r"adopted web\.log \(\d+\), web \(\d+\), worker \(\d+\)", run.stderr), run.stderr
        assert set(children_of(run.pid)) == before
        run.signal(signal.SIGTERM)
        # my_init's exit code after a stop, and each service stopped with TERM.
        assert run.wait() == 2, run.stderr
        assert sorted(image.host("/tmp/order").read_text().splitlines()) == ["web got TERM", "worker got TERM"]
    finally:
        run.kill()


def service_pid_of(tree, name):
    return next(pid for pid, argv in tree.items() if argv[2:3] == [name])


def test_a_second_fault_ends_vigil_with_one_line(launch):
    run = launch(["sleep", "1000"])
    wait_for(lambda: children_of(run.vigil_pid), what="sleep")
    inject_fault(run.vigil_pid)
    recovered(lambda: run.stderr)
    inject_fault(run.vigil_pid)
    assert run.wait() in (-signal.SIGSEGV, 128 + signal.SIGSEGV)
    fatal = [line for line in run.stderr.splitlines() if "fatal" in line]
    assert len(fatal) == 1 and re.fullmatch(r"vigil: fatal: SIGSEGV at address 0x[0-9a-f]+ in recovery mode, after an earlier fault; exiting", fatal[0]), run.stderr


def test_a_fault_under_tinis_name_keeps_tinis_rules(launch, tmp_path):
    tini = tmp_path / "tini"
    os.symlink(VIGIL, tini)
    run = launch(["-g", "--", "sh", "-c", "trap 'exit 5' TERM; while :; do sleep 1 & wait $!; done"], binary=str(tini))
    wait_for(lambda: children_of(run.vigil_pid), what="the child")
    inject_fault(run.vigil_pid)
    recovered(lambda: run.stderr)
    assert "[WARN  tini (1)] recovered from SIGSEGV" in run.stderr, run.stderr
    run.signal(signal.SIGTERM)
    assert run.wait() == 5, run.stderr
