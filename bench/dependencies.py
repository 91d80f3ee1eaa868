"""Scenario 8: what dependencies change. The stop of three sidecars declared independent
(`--after NAME=`), beside scenario 7's (where vigil stops them one at a time, in reverse start
order); and the start-up of a chain of three sidecars with tcp readiness checks, each server
listening DELAY ms after it starts, until the main process starts. Raw figures only."""
import os
import shlex
import signal
import socket
import time
from dataclasses import dataclass, field

import several
import supervisors
from procs import BenchmarkError, Pid1

CHAIN = ("a", "b", "c")
DELAY_MS = 200


@dataclass
class ChainRun:
    start_ns: int        # from the first sidecar's start to the main process's
    stages_ns: list      # for each sidecar, from its server listening to the next start


@dataclass
class Results:
    independent: list = field(default_factory=list)  # several.Stop, one per start
    chain: list = field(default_factory=list)        # ChainRun, one per start
    delay_ms: int = DELAY_MS

    @property
    def floor_ns(self):
        """The chain's start can be no shorter than its servers' delays, one after another."""
        return len(CHAIN) * self.delay_ms * 1_000_000


def dependencies(vigil, helpers, plan, scratch):
    """Both measurements, `plan.sidecar_stop_runs` starts of each."""
    results = Results()
    for repetition in range(plan.sidecar_stop_runs):
        group = several.Group("vigil-independent", vigil, helpers["service"], plan,
                              scratch / f"independent-{repetition}")
        try:
            group.wait_started()
            time.sleep(several.SETTLE_SECONDS)
            results.independent.append(several.stop(group))
        finally:
            group.run.stop()
    for repetition in range(plan.sidecar_stop_runs):
        results.chain.append(chain_start(vigil, helpers, scratch / f"chain-{repetition}"))
    return results


def chain_start(vigil, helpers, work):
    """One start of the chain under vigil as PID 1, stopped once the main process runs."""
    work.mkdir()
    argv = [vigil]
    for name in CHAIN:
        port = free_port()
        command = [helpers["listener"], str(work), name, str(DELAY_MS), str(port)]
        argv += ["--sidecar", f"{name}={shlex.join(command)}", "--ready", f"{name}=tcp:{port}"]
    argv += ["--", helpers["service"], str(work), "main", "0"]
    run = Pid1(supervisors.Setup("vigil", tuple(argv)), [], work / "stderr.log")
    try:
        main = run.wait_for(lambda: first(work / "main.started", field=1), "the main process to start")
        starts = [first(work / f"{name}.started") for name in CHAIN] + [main]
        listening = [first(work / f"{name}.listening") for name in CHAIN]
        os.kill(run.pid, signal.SIGTERM)
        run.wait_exit(timeout=60)
    finally:
        run.stop()
    if None in starts or None in listening:
        raise BenchmarkError(f"the chain's start left no record in {work}")
    return ChainRun(start_ns=main - starts[0],
                    stages_ns=[starts[index + 1] - listening[index] for index in range(len(CHAIN))])


def first(path, field=0):
    """The first line's `field`-th number of a record file, or None before it exists."""
    try:
        return int(path.read_text().split("\n")[0].split()[field])
    except (FileNotFoundError, IndexError, ValueError):
        return None


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
