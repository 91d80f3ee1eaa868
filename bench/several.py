"""Scenario 7: several processes. Three sidecars and a main process (bench/service.c) under
each supervisor, as PID 1 of its own namespace: idle memory and wake-ups, restart latency of a
crashed sidecar, and the stop of sidecars that take a while to flush. Raw figures only."""
import contextlib
import os
import signal
import time
from dataclasses import dataclass, field

import supervisors
from inits import rotated
from procs import Pid1, comm, descendants, executable, namespace_pid, pss, status_field
from supervisors import SERVICES, SIDECARS, Services

# After the last service has started, the supervisors finish their own start-up (supervisord
# marks its programs running on its main loop's next turn); memory is read after this.
SETTLE_SECONDS = 0.2

# A sidecar is killed only once it has run this long: s6-supervise and runsv hold back the
# restart of a service that dies within 1 s of its start (s6: of being ready), and neither
# can be told not to. Past that, each of them restarts as fast as it can.
RESTART_UPTIME_NS = 1_500_000_000


@dataclass
class Stop:
    stop_ns: int      # from the SIGTERM to the supervisor until unshare's exit
    flushing_ns: int  # how much of that time at least one sidecar was flushing
    flushed: int      # sidecars that finished their flush; the rest were killed mid-flush
    order: tuple      # the services that finished, in the order they got SIGTERM
    overlapped: bool  # whether two sidecars flushed at the same time

    @property
    def overhead_ns(self):
        """The stop's time beyond the flushing: the supervisor's own cost."""
        return self.stop_ns - self.flushing_ns


@dataclass
class Results:
    names: list                                    # the supervisors measured, in table order
    left_out: dict                                 # name -> why it was not measured
    processes: dict = field(default_factory=dict)  # name -> the supervising processes' names
    rss: dict = field(default_factory=dict)        # name -> total VmRSS (KiB), one per start
    pss: dict = field(default_factory=dict)        # name -> total PSS (KiB), one per start
    wakeups: dict = field(default_factory=dict)    # name -> voluntary context switches
    restarts: dict = field(default_factory=dict)   # name -> ns from SIGKILL to the new start
    stops: dict = field(default_factory=dict)      # name -> list of Stop


class Group:
    """One supervisor as PID 1 of a fresh namespace, with its four services."""

    def __init__(self, name, binary, service, plan, work):
        work.mkdir()
        self.name = name
        self.service = os.path.realpath(service)
        self.services = Services(service, work, plan.flush_ms)
        self.run = Pid1(supervisors.setup(name, binary, self.services), [], work / "stderr.log")

    def starts(self, service):
        """(PID in the namespace, CLOCK_MONOTONIC ns) of each start of `service` so far."""
        try:
            text = (self.services.work / f"{service}.started").read_text()
        except FileNotFoundError:
            return []
        return [tuple(map(int, line.split())) for line in text.splitlines()]

    def wait_started(self):
        self.run.wait_for(lambda: all(self.starts(name) for name in SERVICES) or None,
                          "its services to start", timeout=30)

    def supervising(self):
        """Host PIDs of the supervisor's own processes: all of its namespace but the services."""
        return [pid for pid in [self.run.pid, *descendants(self.run.pid)]
                if executable(pid) not in (None, self.service)]

    def host_pid(self, pid):
        """The host PID of the process whose PID in the namespace is `pid`."""
        for candidate in descendants(self.run.pid):
            with contextlib.suppress(FileNotFoundError, ProcessLookupError):
                if namespace_pid(candidate) == pid:
                    return candidate
        raise self.run.failure(f"no process has PID {pid} in its namespace")

    def flushes(self):
        """service name -> (TERM ns, flush done ns) of those that finished their flush."""
        found = {}
        for name in SERVICES:
            with contextlib.suppress(FileNotFoundError):
                found[name] = tuple(map(int, (self.services.work / f"{name}.flushed")
                                        .read_text().split()))
        return found


def several_processes(binaries, service, plan, scratch, left_out):
    """binaries: name -> path of each supervisor to measure; left_out: name -> why one is not.
    Every measurement runs them side by side, started in a rotating order; the first start
    also gives the idle window and the restarts, and each start ends with one stop."""
    names = [name for name in supervisors.NAMES if name in binaries]
    results = Results(names, left_out)
    for name in names:
        results.rss[name], results.pss[name], results.stops[name] = [], [], []
    for repetition in range(plan.sidecar_stop_runs):
        with started(names, binaries, service, plan, scratch, repetition) as groups:
            for name, group in groups.items():
                processes = group.supervising()
                results.processes[name] = [comm(pid) for pid in processes]
                results.rss[name].append(sum(status_field(pid, "VmRSS") for pid in processes))
                results.pss[name].append(sum(pss(pid) for pid in processes))
            if repetition == 0:
                results.wakeups = idle_wakeups(groups, plan.idle_seconds)
                results.restarts = restarts(groups, plan.sidecar_restarts)
            for group in rotated(list(groups.values()), repetition):
                results.stops[group.name].append(stop(group))
    return results


@contextlib.contextmanager
def started(names, binaries, service, plan, scratch, repetition):
    """name -> Group, every service started and SETTLE_SECONDS past that."""
    groups = {}
    try:
        for name in rotated(names, repetition):
            groups[name] = Group(name, binaries[name], service, plan,
                                 scratch / f"several-{name}-{repetition}")
        for group in groups.values():
            group.wait_started()
        time.sleep(SETTLE_SECONDS)
        yield {name: groups[name] for name in names}
    finally:
        for group in groups.values():
            group.run.stop()


def idle_wakeups(groups, seconds):
    """Voluntary context switches of each supervisor's processes over one shared window."""
    watched = {name: group.supervising() for name, group in groups.items()}

    def switches():
        return {name: sum(status_field(pid, "voluntary_ctxt_switches") for pid in pids)
                for name, pids in watched.items()}

    before = switches()
    time.sleep(seconds)
    after = switches()
    return {name: after[name] - before[name] for name in groups}


def restarts(groups, rounds):
    """ns from the SIGKILL of a sidecar to the start of its successor, `rounds` per supervisor:
    one sidecar per round, a different one each round, the supervisors taking turns."""
    latencies = {name: [] for name in groups}
    for repetition in range(rounds):
        sidecar = SIDECARS[repetition % len(SIDECARS)]
        for group in rotated(list(groups.values()), repetition):
            latencies[group.name].append(restart(group, sidecar))
    return latencies


def restart(group, sidecar):
    before = group.starts(sidecar)
    pid, started_ns = before[-1]
    time.sleep(max(0, started_ns + RESTART_UPTIME_NS - time.monotonic_ns()) / 1e9)
    target = group.host_pid(pid)
    killed = time.monotonic_ns()
    os.kill(target, signal.SIGKILL)
    after = group.run.wait_for(
        lambda: (lambda starts: starts if len(starts) > len(before) else None)(
            group.starts(sidecar)),
        f"sidecar {sidecar} to restart")
    return after[len(before)][1] - killed


def stop(group):
    """SIGTERM to the supervisor, as a container engine sends it, until unshare's exit."""
    requested = time.monotonic_ns()
    os.kill(group.run.pid, signal.SIGTERM)
    ended = group.run.wait_exit(timeout=60)
    flushes = group.flushes()
    intervals = sorted((max(term, requested), min(done, ended))
                       for name, (term, done) in flushes.items() if name in SIDECARS)
    return Stop(stop_ns=ended - requested, flushing_ns=covered(intervals),
                flushed=len(intervals),
                order=tuple(sorted(flushes, key=lambda name: flushes[name][0])),
                overlapped=any(later[0] < earlier[1]
                               for earlier, later in zip(intervals, intervals[1:])))


def covered(intervals):
    """Total length of the union of sorted (start, end) intervals."""
    total, reach = 0, None
    for start, end in intervals:
        if reach is None or start > reach:
            total += end - start
            reach = end
        elif end > reach:
            total += end - reach
            reach = end
    return total
