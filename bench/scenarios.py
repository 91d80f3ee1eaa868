"""The six measurements of one init at a time (several.py has the seventh, several processes).
Each takes every init, interleaved, and returns raw figures in ns, KiB or counts; summarising
and formatting is the report's job."""
import contextlib
import os
import select
import signal
import time
from dataclasses import dataclass

from inits import rotated
from procs import BenchmarkError, Pid1, children, state, status_field

TRUE = "/bin/true"

# After the init's child has exec'd, the init still finishes its own start-up (tini and
# dumb-init return from fork, vigil changes directory); memory and wake-ups are read after this.
SETTLE_SECONDS = 0.2


@dataclass(frozen=True)
class Plan:
    """How much of each scenario to run."""
    quick: bool
    spawn_runs: int
    footprint_runs: int
    idle_seconds: float
    orphans: int
    storm_runs: int
    signals: int
    stop_runs: int
    sidecar_restarts: int   # per supervisor
    sidecar_stop_runs: int  # per supervisor; each one is a fresh start
    leftovers: int = 50
    flush_ms: int = 200     # how long a sidecar takes to stop

    @classmethod
    def full(cls):
        return cls(quick=False, spawn_runs=2000, footprint_runs=3, idle_seconds=10.0,
                   orphans=20_000, storm_runs=5, signals=10_000, stop_runs=5,
                   sidecar_restarts=20, sidecar_stop_runs=5)

    @classmethod
    def quick_run(cls):
        return cls(quick=True, spawn_runs=30, footprint_runs=1, idle_seconds=1.0,
                   orphans=500, storm_runs=1, signals=200, stop_runs=1,
                   sidecar_restarts=1, sidecar_stop_runs=1)


# 1. Spawn overhead

@dataclass
class Spawn:
    baseline: list   # ns of /bin/true alone, one per repetition
    wall: dict       # init name -> ns of INIT /bin/true, one per repetition
    overhead: dict   # init name -> wall minus the same repetition's baseline


def spawn_overhead(inits, runs):
    """Times `INIT /bin/true` and `/bin/true` alone, each repetition in a new order.

    Both are started with posix_spawn (vfork-like, no Python between fork and exec) and
    reaped with a blocking waitpid, so that the harness adds the same small cost to every
    command. The overhead is paired with the baseline of the same repetition.
    """
    commands = {TRUE: [TRUE]} | {init.name: init.argv([TRUE]) for init in inits}
    names = list(commands)
    null = os.open(os.devnull, os.O_RDWR)
    try:
        # Unrecorded rounds first: the first exec of a binary pays for reading it from disk.
        for name in names * 10:
            time_spawn(commands[name], null)
        wall = {name: [] for name in names}
        for repetition in range(runs):
            for name in rotated(names, repetition):
                wall[name].append(time_spawn(commands[name], null))
    finally:
        os.close(null)
    baseline = wall.pop(TRUE)
    overhead = {name: [run - base for run, base in zip(times, baseline)]
                for name, times in wall.items()}
    return Spawn(baseline, wall, overhead)


def time_spawn(argv, null):
    """Wall time in ns from posix_spawn to the reaped exit; stdio on /dev/null so that no
    init finds a terminal to hand over."""
    actions = [(os.POSIX_SPAWN_DUP2, null, fd) for fd in (0, 1, 2)]
    start = time.perf_counter_ns()
    pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=actions)
    _, status = os.waitpid(pid, 0)
    elapsed = time.perf_counter_ns() - start
    if status != 0:
        raise BenchmarkError(f"{' '.join(argv)} failed (wait status {status})")
    return elapsed


# 2 and 3. Footprint and idle wake-ups

@contextlib.contextmanager
def idle_inits(inits, repetition, scratch):
    """Every init as PID 1 of its own namespace, supervising `sleep 1000`, settled."""
    runs = []
    try:
        for init in rotated(inits, repetition):
            runs.append(Pid1(init, ["sleep", "1000"], scratch / f"idle-{init.name}.log"))
        for run in runs:
            run.child("sleep")
        time.sleep(SETTLE_SECONDS)
        yield {run.init.name: run for run in runs}
    finally:
        for run in runs:
            run.stop()


def footprint(inits, runs, scratch):
    """File size of each binary, and idle VmRSS (KiB) as PID 1, one figure per repetition."""
    sizes = {init.name: os.path.getsize(os.path.realpath(init.path)) for init in inits}
    rss = {init.name: [] for init in inits}
    for repetition in range(runs):
        with idle_inits(inits, repetition, scratch) as running:
            for name, run in running.items():
                rss[name].append(status_field(run.pid, "VmRSS"))
    return sizes, rss


def idle_wakeups(inits, seconds, scratch):
    """Voluntary context switches of each idle init as PID 1 over one shared window.

    All inits sleep side by side and are sampled in the same window, so the scenario costs
    `seconds` once rather than once per init.
    """
    with idle_inits(inits, 0, scratch) as running:
        before = {name: status_field(run.pid, "voluntary_ctxt_switches")
                  for name, run in running.items()}
        time.sleep(seconds)
        return {name: status_field(run.pid, "voluntary_ctxt_switches") - before[name]
                for name, run in running.items()}


# 4. Orphan storm

@dataclass
class Storm:
    loop_ns: int       # the helper's loop, measured by the helper
    drain_ns: int      # from the loop's end until the init had no orphan left, seen from outside
    peak_zombies: int  # most zombie children of the init seen in one sample
    rss_before: int    # KiB, the init's VmRSS before the storm
    rss_after: int     # KiB, after the last orphan is reaped
    hwm_before: int    # KiB, VmHWM (the most it ever had resident) before the storm
    hwm_after: int     # KiB, VmHWM after the last orphan is reaped

    @property
    def total_ns(self):
        return self.loop_ns + self.drain_ns

    @property
    def rss_peak_growth(self):
        return self.hwm_after - self.hwm_before


def orphan_storms(inits, helper, plan, scratch):
    """plan.storm_runs storms per init, interleaved; init name -> list of Storm."""
    results = {init.name: [] for init in inits}
    for repetition in range(plan.storm_runs):
        for init in rotated(inits, repetition):
            results[init.name].append(orphan_storm(init, helper, plan.orphans, scratch))
    return results


def orphan_storm(init, helper, orphans, scratch):
    go_read, go_write = os.pipe()     # the helper's stdin: one byte starts it, EOF ends it
    report_read, report_write = os.pipe()  # its stdout: "LOOP_NS END_NS"
    run = Pid1(init, [helper, str(orphans)], scratch / f"storm-{init.name}.log",
               stdin=go_read, stdout=report_write)
    os.close(go_read)
    os.close(report_write)
    try:
        storm = run.child("orphan_storm")
        time.sleep(SETTLE_SECONDS)
        rss_before = status_field(run.pid, "VmRSS")
        hwm_before = status_field(run.pid, "VmHWM")
        os.write(go_write, b"g")
        loop_ns, drain_ns, peak = watch_storm(run, storm, report_read)
        rss_after = status_field(run.pid, "VmRSS")
        hwm_after = status_field(run.pid, "VmHWM")
    except BaseException:
        run.stop()
        raise
    finally:
        os.close(go_write)
        os.close(report_read)
    run.wait_exit(timeout=30)
    return Storm(loop_ns, drain_ns, peak, rss_before, rss_after, hwm_before, hwm_after)


def watch_storm(run, storm, report, timeout=300):
    """Samples the init's zombie children as fast as a Python loop can, until the helper has
    reported the end of its loop and the init has no child left but the helper.

    Returns (loop ns, drain ns, peak zombies). A sample that finds the namespace clean only
    counts once the report was read before it, or an instant between two orphans would do.
    """
    os.set_blocking(report, False)
    text = b""
    peak = 0
    deadline = time.monotonic() + timeout
    while True:
        reported = text.endswith(b"\n")
        orphans = [pid for pid in children(run.pid) if pid != storm]
        sampled = time.monotonic_ns()
        peak = max(peak, sum(1 for pid in orphans if state(pid) == "Z"))
        if reported and not orphans:
            loop_ns, end_ns = (int(word) for word in text.split())
            return loop_ns, max(0, sampled - end_ns), peak
        if not reported:
            text += read_available(report)
        if time.monotonic() > deadline:
            raise run.failure(f"the orphan storm did not end within {timeout} s")


def read_available(fd):
    try:
        return os.read(fd, 100)
    except BlockingIOError:
        return b""


# 5. Signal forwarding latency

def signal_latency(inits, helper, signals, scratch, cpu=None):
    """ns from os.kill(SIGUSR1) on the init to the helper's ack byte, `signals` per init.

    All inits run side by side, each with its own helper, and take turns one signal at a time
    in a rotating order: the next signal is sent only once the previous one was acknowledged.
    With `cpu`, the harness, the inits and the helpers all run on that one CPU.
    """
    runs, acks = [], {}
    try:
        with pinned(cpu):  # the inits and helpers inherit the harness's affinity
            for init in inits:
                ack_read, ack_write = os.pipe()
                run = Pid1(init, [helper], scratch / f"signal-{init.name}.log", stdout=ack_write)
                os.close(ack_write)
                runs.append(run)
                acks[init.name] = ack_read
                run.child("signal_ack")
                await_byte(run, ack_read, b"r")
            # Unrecorded rounds first: the first signals fault in each init's forwarding code.
            for run in runs * 20:
                time_signal(run, acks[run.init.name])
            latencies = {init.name: [] for init in inits}
            for repetition in range(signals):
                for run in rotated(runs, repetition):
                    latencies[run.init.name].append(time_signal(run, acks[run.init.name]))
        return latencies
    finally:
        for run in runs:
            run.stop()
        for fd in acks.values():
            os.close(fd)


@contextlib.contextmanager
def pinned(cpu):
    """Runs the block, and whatever it starts, on one CPU (all CPUs as before when None)."""
    previous = os.sched_getaffinity(0)
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})
    try:
        yield
    finally:
        os.sched_setaffinity(0, previous)


def time_signal(run, ack):
    start = time.perf_counter_ns()
    os.kill(run.pid, signal.SIGUSR1)
    await_byte(run, ack, b"a")
    return time.perf_counter_ns() - start


def await_byte(run, fd, expected, timeout=60.0):
    """Reads one byte from fd; a lost signal fails the run rather than hanging it."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    if not poller.poll(timeout * 1000) or os.read(fd, 1) != expected:
        raise run.failure(f"no {expected!r} from signal_ack within {timeout} s")


# 6. Stop with leftovers

@dataclass
class Stop:
    stop_ns: int  # from the main child's exit to unshare's exit
    clean: int    # leftovers that wrote their marker on SIGTERM; the rest were SIGKILLed


def stops(inits, helper, plan, scratch):
    """plan.stop_runs stops per init, interleaved; init name -> list of Stop."""
    results = {init.name: [] for init in inits}
    for repetition in range(plan.stop_runs):
        for init in rotated(inits, repetition):
            work = scratch / f"stop-{init.name}-{repetition}"
            work.mkdir()
            results[init.name].append(stop_with_leftovers(init, helper, plan.leftovers, work))
    return results


def stop_with_leftovers(init, helper, leftovers, work):
    run = Pid1(init, [helper, str(work), str(leftovers)], work / "stderr.log")
    ended = run.wait_exit(timeout=60)
    exited = int((work / "exited").read_text())
    return Stop(ended - exited, len(list(work.glob("clean.*"))))
