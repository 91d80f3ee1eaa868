#!/usr/bin/env python3
"""Measures vigil against tini, tini-static, dumb-init and catatonit, and with three sidecars
and a main process against supervisord, s6 and runit; writes DIR/benchmarks.md and
DIR/benchmarks.svg (DIR defaults to docs/).

usage: scripts/benchmark [--quick] [--output DIR]

Needs root (PID namespaces), unshare and a C compiler. Builds vigil's release binary when it is
missing, and installs the peers from Debian's packages when one is missing. --quick runs every
scenario briefly, to check that the benchmark works; its figures are not for quoting.
"""
import argparse
import os
import pathlib
import sys
import tempfile
import time

import chart
import dependencies
import prepare
import report
import scenarios
import several
import supervisord_config
import supervisors
import tasks
from inits import make_inits
from procs import BenchmarkError


def main(argv=None):
    options = parse_arguments(argv)
    plan = scenarios.Plan.quick_run() if options.quick else scenarios.Plan.full()
    try:
        results = measure(plan)
    except BenchmarkError as error:
        print(f"benchmark: {error}", file=sys.stderr)
        return 1
    options.output.mkdir(parents=True, exist_ok=True)
    metrics = report.headline(results)
    (options.output / "benchmarks.md").write_text(report.markdown(results, metrics))
    (options.output / "benchmarks.svg").write_text(chart.svg(metrics, results.plan.quick))
    print(f"benchmark: wrote {options.output / 'benchmarks.md'} and "
          f"{options.output / 'benchmarks.svg'} in {results.seconds:.0f} s")
    return 0


def parse_arguments(argv):
    parser = argparse.ArgumentParser(
        prog="scripts/benchmark",
        description="Benchmarks vigil against tini, tini-static, dumb-init and catatonit, and "
                    "with several processes against supervisord, s6 and runit (root).")
    parser.add_argument("--quick", action="store_true",
                        help="run every scenario briefly (under a minute), to check the benchmark")
    parser.add_argument("--output", type=pathlib.Path, default=prepare.ROOT / "docs", metavar="DIR",
                        help="where to write benchmarks.md and benchmarks.svg (default: docs/)")
    return parser.parse_args(argv)


def measure(plan):
    started = time.monotonic()
    compiler = prepare.require_tools()
    paths = {"vigil": prepare.ensure_vigil()} | prepare.ensure_peers()
    with tempfile.TemporaryDirectory(prefix="vigil-benchmark-") as directory:
        scratch = pathlib.Path(directory)
        vigil, digest = prepare.snapshot(paths["vigil"], scratch)
        measured = paths | {"vigil": vigil}
        inits = make_inits(measured)
        results = report.Results(plan=plan, paths=paths, machine=prepare.describe_machine(),
                                 commit=prepare.vigil_commit(), digest=digest,
                                 versions=prepare.versions(measured))
        helpers = prepare.compile_helpers(compiler, scratch)
        results.spawn = step(f"spawn overhead, {plan.spawn_runs} runs per init",
                             scenarios.spawn_overhead, inits, plan.spawn_runs)
        results.sizes, results.rss = step(
            f"footprint, {plan.footprint_runs} idle runs per init",
            scenarios.footprint, inits, plan.footprint_runs, scratch)
        results.wakeups = step(f"idle wake-ups over {plan.idle_seconds:g} s",
                               scenarios.idle_wakeups, inits, plan.idle_seconds, scratch)
        results.storms = step(
            f"orphan storm, {plan.orphans} orphans, {plan.storm_runs} runs per init",
            scenarios.orphan_storms, inits, helpers["orphan_storm"], plan, scratch)
        # On one CPU, the figure is the inits' own work and context switches; across CPUs a
        # wake-up on another CPU costs tens of µs and depends on where the scheduler put whom.
        results.latencies = step(
            f"signal forwarding on one CPU, {plan.signals} signals per init",
            scenarios.signal_latency, inits, helpers["signal_ack"], plan.signals, scratch,
            min(os.sched_getaffinity(0)))
        results.latencies_across_cpus = step(
            f"signal forwarding across CPUs, {plan.signals} signals per init",
            scenarios.signal_latency, inits, helpers["signal_ack"], plan.signals, scratch)
        results.stops = step(
            f"stop with {plan.leftovers} leftovers, {plan.stop_runs} runs per init",
            scenarios.stops, inits, helpers["stop_leftovers"], plan, scratch)
        supervising = {name: measured[name] for name in supervisors.PEERS}
        left_out = {}
        why = supervisors.vigil_support(vigil)
        if why is None:
            supervising["vigil"] = vigil
        else:
            left_out["vigil"] = why
            print(f"benchmark: several processes: vigil left out until it takes sidecars: {why}",
                  flush=True)
        results.several = step(
            f"several processes under "
            f"{', '.join(name for name in supervisors.NAMES if name in supervising)}, "
            f"{plan.sidecar_restarts} restarts and {plan.sidecar_stop_runs} stops each",
            several.several_processes, supervising, helpers["service"], plan, scratch, left_out)
        results.dependencies = step(
            f"dependencies: {plan.sidecar_stop_runs} stops of independent sidecars and "
            f"{plan.sidecar_stop_runs} starts of a chain of tcp-ready sidecars under vigil",
            dependencies.dependencies, vigil, helpers, plan, scratch)
        results.tasks = step("scheduled tasks under vigil: start delay and wake-ups",
                             tasks.tasks, vigil, helpers, plan, scratch)
        results.supervisord_config = step(
            f"a ten-program supervisord.conf under supervisord and vigil, {plan.footprint_runs} idle "
            "run(s) each", supervisord_config.supervisord_config,
            {"vigil": vigil, "supervisord": measured["supervisord"]}, plan, scratch)
    results.seconds = time.monotonic() - started
    return results


def step(what, measurement, *arguments):
    print(f"benchmark: {what} ...", end="", flush=True)
    started = time.monotonic()
    try:
        result = measurement(*arguments)
    except BaseException:
        print(" failed", flush=True)
        raise
    print(f" {time.monotonic() - started:.1f} s", flush=True)
    return result


if __name__ == "__main__":
    sys.exit(main())
