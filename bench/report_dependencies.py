"""The report's section 8 (dependencies: independent sidecars stopping, a chain of tcp-ready
sidecars starting) and vigil's targets for it."""
import dependencies
import supervisors
from stats import Summary, percentile


def median(values):
    return percentile(values, 0.5)

TITLE = "8. Dependencies: independent sidecars, and a chain of tcp-ready sidecars"
STOP_GOAL_MS = 230     # three independent sidecars that each flush for 200 ms
CHAIN_GOAL_MS = 30     # above the chain's floor


def section(results, table, number, spread):
    found = results.dependencies
    if found is None:
        return f"## {TITLE}\n\nNot measured in this run: vigil was left out of scenario 7."
    flush = results.plan.flush_ms
    stops = [("vigil, in order (scenario 7)", results.several.stops.get("vigil", [])),
             ("vigil, independent (`--after NAME=`)", found.independent),
             ("s6 (scenario 7)", results.several.stops.get("s6", []))]
    chain = Summary.of([run.start_ns for run in found.chain])
    stages = [[run.stages_ns[index] for run in found.chain] for index in range(len(dependencies.CHAIN))]
    return "\n\n".join([
        f"## {TITLE}",
        "### Three independent sidecars stopping",
        "Scenario 7's services under vigil as PID 1, with each sidecar declared independent: "
        f"`{' '.join(f'--after {name}=' for name in supervisors.SIDECARS)}`. Nothing then orders "
        "their stop: once the main process has exited, all three get SIGTERM at once, and each "
        f"flushes for {flush} ms. Without the declarations (scenario 7) vigil stops them one at "
        "a time, in reverse start order. Measured as in scenario 7, "
        f"{len(found.independent)} stops.",
        table(["supervisor", "stop (ms)", "p10–p90 (ms)", "stop − flushing (ms)", "flushed, fewest"],
              [[name, number(median([s.stop_ns for s in runs]) / 1e6),
                spread(Summary.of([s.stop_ns for s in runs]), 1e6),
                number(median([s.overhead_ns for s in runs]) / 1e6),
                f"{min(s.flushed for s in runs)}/{len(supervisors.SIDECARS)}"]
               for name, runs in stops if runs]),
        "### A chain of three tcp-ready sidecars starting",
        f"vigil as PID 1 with three sidecars a, b and c, each a server (bench/listener.c) that "
        f"listens on its own port {found.delay_ms} ms after it starts, each held to "
        "`--ready NAME=tcp:PORT` and, by the start order, waited for by the next; then the main "
        "process. The time runs from a's start (its first clock reading in `main`) to the main "
        f"process's; the floor is the servers' delays one after another, "
        f"{number(found.floor_ns / 1e6)} ms. A stage is how long after a server listened the next "
        "process started: how soon vigil saw the connection accepted, plus one spawn. A failed "
        "attempt is retried after 10 ms at first (at most 100 attempts a second), and the "
        f"connection is polled with everything else, so an answer is seen at once. "
        f"{len(found.chain)} starts.",
        table(["measure", "median (ms)", "p10–p90 (ms)", "max (ms)"],
              [["start of the chain", number(chain.median / 1e6), spread(chain, 1e6),
                number(max(run.start_ns for run in found.chain) / 1e6)],
               ["beyond the floor", number((chain.median - found.floor_ns) / 1e6),
                spread(Summary.of([run.start_ns - found.floor_ns for run in found.chain]), 1e6),
                number((max(run.start_ns for run in found.chain) - found.floor_ns) / 1e6)]]
              + [[f"stage {name}: listening to the next start", number(median(stage) / 1e6),
                  spread(Summary.of(stage), 1e6), number(max(stage) / 1e6)]
                 for name, stage in zip(dependencies.CHAIN, stages)]),
        "process-compose, whose `depends_on` conditions are the model for `--after`, is not "
        "measured: it is packaged neither in Debian nor on PyPI, the registries this benchmark "
        "installs from, so it could not be installed here.",
    ])


def target_rows(results, number, verdict):
    """vigil's targets for dependencies, as rows of the several-process targets' table (none
    when they were not measured)."""
    found = results.dependencies
    if found is None or not found.independent:
        return []
    stop = median([s.stop_ns for s in found.independent]) / 1e6
    flushed = min(s.flushed for s in found.independent)
    stop_verdict = (verdict(stop <= STOP_GOAL_MS, stop - STOP_GOAL_MS, "ms", None)
                    if flushed == len(supervisors.SIDECARS) else f"**missed**: {flushed}/3 flushed")
    s6 = results.several.stops.get("s6")
    chain = median([run.start_ns for run in found.chain]) / 1e6
    beyond = chain - found.floor_ns / 1e6
    return [
        [f"three independent sidecars (`--after NAME=`) stop within {STOP_GOAL_MS} ms (section 8)",
         f"{number(stop)} ms, {flushed}/3 flushed",
         f"s6 {number(median([s.stop_ns for s in s6]) / 1e6)} ms" if s6 else "s6 not measured", stop_verdict],
        [f"a chain of three tcp-ready sidecars starts within {CHAIN_GOAL_MS} ms of its "
         f"{number(found.floor_ns / 1e6)} ms floor (section 8)", f"{number(chain)} ms ({number(beyond)} ms beyond)",
         "none measured", verdict(beyond <= CHAIN_GOAL_MS, beyond - CHAIN_GOAL_MS, "ms", None)],
    ]
