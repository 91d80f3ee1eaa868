"""The Markdown report: what was measured, on what, how each init compares to tini-static,
and how the supervisors compare with several processes."""
import math
import os
from dataclasses import dataclass, field

import report_dependencies
import report_supervisord
import report_tasks
import several
from builds import builds_table
import supervisors
from inits import NAMES, REFERENCE
from prepare import ROOT
from scenarios import SETTLE_SECONDS
from stats import Summary, percentile, ratio

PAGE_KIB = 4  # a growth of at most one page counts as flat memory


@dataclass
class Results:
    plan: object
    paths: dict
    machine: dict
    commit: str
    digest: str    # of vigil's binary
    versions: dict
    spawn: object = None
    sizes: dict = None
    rss: dict = None
    wakeups: dict = None
    storms: dict = None
    latencies: dict = None               # on one CPU
    latencies_across_cpus: dict = None
    stops: dict = None
    several: object = None               # several.Results
    dependencies: object = None          # dependencies.Results
    tasks: object = None                 # tasks.Results
    supervisord_config: object = None    # supervisord_config.Results
    seconds: float = 0.0


@dataclass
class Metric:
    """One headline figure for every init; lower is better for all of them."""
    key: str
    label: str
    unit: str
    values: dict                               # init name -> value in `unit`
    notes: dict = field(default_factory=dict)  # init name -> a qualifier shown with the value
    spreads: dict = field(default_factory=dict)  # init name -> (p10, p90) in `unit`, if known

    def ratios(self):
        return {name: ratio(value, self.values[REFERENCE]) for name, value in self.values.items()}

    def show(self, name):
        """The value with its unit and note, as the report and the chart print it."""
        text = f"{number(self.values[name])} {self.unit}".strip()
        return f"{text}, {self.notes[name]}" if name in self.notes else text


def headline(results):
    plan = results.plan
    return [
        summarised("spawn", "spawn overhead over /bin/true", "ms", 1e6,
                   results.spawn.overhead),
        Metric("size", "binary size", "KiB", {name: results.sizes[name] / 1024 for name in NAMES}),
        Metric("rss", "idle VmRSS as PID 1", "KiB",
               {name: median(results.rss[name]) for name in NAMES}),
        Metric("wakeups", f"idle wake-ups in {plan.idle_seconds:g} s", "", results.wakeups),
        summarised("storm", f"orphan storm of {plan.orphans:,}", "ms", 1e6,
                   {name: [storm.total_ns for storm in results.storms[name]] for name in NAMES}),
        Metric("zombies", "peak zombies during the storm", "",
               {name: median([storm.peak_zombies for storm in results.storms[name]])
                for name in NAMES}),
        Metric("p50", "signal forwarding p50, one CPU", "µs",
               {name: percentile(results.latencies[name], 0.5) / 1e3 for name in NAMES}),
        Metric("p99", "signal forwarding p99, one CPU", "µs",
               {name: percentile(results.latencies[name], 0.99) / 1e3 for name in NAMES}),
        Metric("stop", f"stop with {plan.leftovers} leftovers", "ms",
               {name: median([stop.stop_ns for stop in results.stops[name]]) / 1e6
                for name in NAMES},
               {name: f"{number(median([stop.clean for stop in results.stops[name]]))}/"
                      f"{plan.leftovers} clean" for name in NAMES}),
    ]


def summarised(key, label, unit, scale, samples):
    """A Metric of the medians of `samples` (init name -> raw values), with their spreads."""
    summaries = {name: Summary.of(samples[name]) for name in NAMES}
    return Metric(key, label, unit,
                  {name: summary.median / scale for name, summary in summaries.items()},
                  spreads={name: (summary.p10 / scale, summary.p90 / scale)
                           for name, summary in summaries.items()})


def median(values):
    return percentile(values, 0.5)


def number(value):
    """Three significant figures or so, without exponents; whole numbers without decimals."""
    if math.isinf(value):
        return "∞"
    if float(value).is_integer():
        return f"{int(value):,}"
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 0.1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def times(value):
    return f"{number(value)}×"


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def spread(summary, scale=1.0):
    return f"{number(summary.p10 / scale)}–{number(summary.p90 / scale)}"


def markdown(results, metrics):
    sections = [
        introduction(results),
        machine_section(results),
        headline_section(metrics),
        targets_section(results, metrics),
        spawn_section(results),
        footprint_section(results),
        wakeups_section(results),
        storm_section(results),
        latency_section(results),
        stop_section(results),
        several_section(results),
        report_dependencies.section(results, table, number, spread),
        report_tasks.section(results, table, number, spread),
        report_supervisord.section(results, table, number, spread),
        caveats_section(results),
    ]
    return "\n\n".join(sections) + "\n"


def introduction(results):
    text = ("# Benchmarks: vigil against tini, tini-static, dumb-init and catatonit; with "
            "several processes, against supervisord, s6 and runit\n\n"
            "<!-- Generated by scripts/benchmark: edit bench/, not this file. -->\n\n"
            "Every figure below comes from one run of `scripts/benchmark` (as root; it builds "
            "vigil's release binary and installs the peers from Debian's packages when they are "
            "missing). Rerun it with that one command to check them on your machine; "
            "`scripts/benchmark --quick` runs every scenario briefly, to check that it works. "
            "Medians throughout; the spread is p10–p90 (the 10th to the 90th percentile, "
            "interpolated: with 3 to 5 runs it is close to the whole range). "
            "**×** is the ratio to tini-static's figure: below 1 is smaller, and smaller is "
            "better for every figure here. The inits take turns: each repetition starts with a "
            "different one, so that drift in the machine's speed falls on all of them alike.")
    if results.plan.quick:
        text += ("\n\n**This is a quick run** (`--quick`): too few repetitions for the figures "
                 "to mean much; it shows that the benchmark works.")
    return text


def machine_section(results):
    plan = results.plan
    rows = [[key, value] for key, value in results.machine.items()]
    rows.append(["vigil", f"{results.versions['vigil']}, commit {results.commit}, "
                          f"`{shown_path(results.paths['vigil'])}` (SHA-256 {results.digest}…)"])
    rows += [[name, f"{results.versions[name]}, `{results.paths[name]}`"]
             for name in NAMES if name != "vigil"]
    rows += [[name, f"{results.versions[name]}, `{results.paths[name]}`{HELPERS_OF[name]}"]
             for name in supervisors.PEERS]
    rows.append(["repetitions",
                 f"spawn {plan.spawn_runs:,} per init; footprint {plan.footprint_runs}; idle "
                 f"window {plan.idle_seconds:g} s; orphan storm {plan.storm_runs} × "
                 f"{plan.orphans:,} orphans; signals {plan.signals:,} per init; stop "
                 f"{plan.stop_runs} × {plan.leftovers} leftovers; several processes: "
                 f"{plural(plan.sidecar_restarts, 'restart')} and "
                 f"{plural(plan.sidecar_stop_runs, 'stop')} per supervisor"])
    rows.append(["run", f"{'quick' if plan.quick else 'full'}, {results.seconds / 60:.1f} min"])
    return "## Machine and run\n\n" + table(["item", "value"], rows)


# What each supervisor starts besides itself, for the machine table.
HELPERS_OF = {"supervisord": "", "s6": " with s6-supervise", "runit": " with runsv"}


def shown_path(path):
    return os.path.relpath(path, ROOT) if path.startswith(str(ROOT)) else path


def headline_section(metrics):
    others = [name for name in NAMES if name != REFERENCE]
    rows = []
    for metric in metrics:
        ratios = metric.ratios()
        rows.append([metric.label, metric.show(REFERENCE)]
                    + [f"**{times(ratios[name])}** ({metric.show(name)})" for name in others])
    return ("## Headline: ratios to tini-static\n\n"
            "![Ratios to tini-static, one group per metric](benchmarks.svg)\n\n"
            + table(["metric", "tini-static"] + others, rows))


def targets_section(results, metrics):
    spawn, wakeups, storm, p99 = (next(metric for metric in metrics if metric.key == key)
                                  for key in ("spawn", "wakeups", "storm", "p99"))
    rows = [
        at_most_reference_row("spawn overhead ≤ tini-static's", spawn),
        ["0 idle wake-ups", wakeups.show("vigil"), wakeups.show(REFERENCE),
         verdict(wakeups.values["vigil"] == 0, wakeups.values["vigil"], "wake-ups", None)],
        at_most_reference_row("orphan storm ≤ tini-static's", storm),
        flat_memory_row(results),
        at_most_reference_row("signal forwarding p99 ≤ tini-static's", p99),
        clean_stop_row(results),
    ]
    return ("## vigil's targets\n\n" + table(["target", "vigil", "tini-static", "verdict"], rows)
            + "\n\n" + several_targets(results.several, report_dependencies.target_rows(results, number, verdict)))


def at_most_reference_row(target, metric):
    mine, theirs = metric.values["vigil"], metric.values[REFERENCE]
    result = verdict(mine <= theirs, mine - theirs, metric.unit, theirs)
    if mine > theirs and REFERENCE in metric.spreads:
        low, high = metric.spreads[REFERENCE]
        if mine <= high:
            result += (f", inside tini-static's own p10–p90 ({number(low)}–{number(high)} "
                       f"{metric.unit}): no measurable difference")
    return [target, metric.show("vigil"), metric.show(REFERENCE), result]


def verdict(met, excess, unit, reference):
    if met:
        return "**met**"
    text = f"**missed** by {number(excess)} {unit}".rstrip()
    if reference:
        text += f" ({number(100 * excess / reference)} %)"
    return text


def flat_memory_row(results):
    """Flat: in every storm neither VmRSS nor its high-water mark rose by more than a page."""
    def growth(name):
        storms = results.storms[name]
        return (max(storm.rss_after - storm.rss_before for storm in storms),
                max(storm.rss_peak_growth for storm in storms))

    def show(name):
        rss, peak = growth(name)
        return f"VmRSS +{number(rss)} KiB, VmHWM +{number(peak)} KiB"

    worst = max(growth("vigil"))
    return ["flat VmRSS through the orphan storm (at most one page of growth)", show("vigil"),
            show(REFERENCE), verdict(worst <= PAGE_KIB, worst - PAGE_KIB, "KiB", None)]


def clean_stop_row(results):
    """Clean: every leftover wrote its marker in every run. The leftovers' own work on TERM is
    nil, so the target is the stop time itself under 20 ms."""
    plan = results.plan

    def show(name):
        stops = results.stops[name]
        clean = min(stop.clean for stop in stops)
        stop_ms = median([stop.stop_ns for stop in stops]) / 1e6
        return f"{number(stop_ms)} ms, at least {clean}/{plan.leftovers} clean"

    stops = results.stops["vigil"]
    all_clean = all(stop.clean == plan.leftovers for stop in stops)
    stop_ms = median([stop.stop_ns for stop in stops]) / 1e6
    if all_clean and stop_ms < 20:
        result = "**met**"
    elif all_clean:
        result = f"**missed** by {number(stop_ms - 20)} ms"
    else:
        result = f"**missed**: {min(stop.clean for stop in stops)}/{plan.leftovers} clean"
    return [f"clean stop with {plan.leftovers} leftovers that exit at once on TERM, under 20 ms",
            show("vigil"), show(REFERENCE), result]


def spawn_section(results):
    spawn = results.spawn
    reference = median(spawn.overhead[REFERENCE])
    baseline = Summary.of(spawn.baseline)
    rows = []
    for name in NAMES:
        overhead = Summary.of(spawn.overhead[name])
        rows.append([name, number(median(spawn.wall[name]) / 1e6), number(overhead.median / 1e6),
                     spread(overhead, 1e6), times(ratio(overhead.median, reference))])
    return (f"## 1. Spawn overhead\n\n"
            f"Wall time of `INIT /bin/true` minus that of `/bin/true` alone, run directly (not "
            f"as PID 1), {results.plan.spawn_runs:,} times per init, each started with "
            f"`posix_spawn` and reaped with a blocking `waitpid`, stdio on /dev/null. The "
            f"overhead is taken against the `/bin/true` run of the same repetition. "
            f"`/bin/true` alone: median {number(baseline.median / 1e6)} ms "
            f"(p10–p90 {spread(baseline, 1e6)} ms).\n\n"
            + table(["init", "`INIT /bin/true` (ms)", "overhead (ms)", "overhead p10–p90 (ms)",
                     "× tini-static"], rows))


def footprint_section(results):
    reference_size = results.sizes[REFERENCE]
    reference_rss = median(results.rss[REFERENCE])
    rows = []
    for name in NAMES:
        rss = Summary.of(results.rss[name])
        size = results.sizes[name]
        rows.append([name, f"`{shown_path(os.path.realpath(results.paths[name]))}`",
                     number(size / 1024), times(ratio(size, reference_size)), number(rss.median),
                     spread(rss), times(ratio(rss.median, reference_rss))])
    return ("## 2. Footprint\n\n"
            "File size of each binary (symlinks resolved; the dynamic tini and dumb-init also "
            "map the shared libc, which their size leaves out and their VmRSS counts). Idle "
            "VmRSS of the init as PID 1 of a fresh PID namespace supervising `sleep 1000`, read "
            "from /proc/PID/status once the child runs `sleep` and "
            f"{SETTLE_SECONDS:g} s later; {results.plan.footprint_runs} runs.\n\n"
            + table(["init", "binary", "size (KiB)", "× tini-static", "idle VmRSS (KiB)",
                     "p10–p90 (KiB)", "× tini-static"], rows)
            + ("\n\n" + builds_table() if builds_table() else ""))


def wakeups_section(results):
    seconds = results.plan.idle_seconds
    reference = results.wakeups[REFERENCE]
    rows = [[name, number(results.wakeups[name]), number(results.wakeups[name] / seconds),
             times(ratio(results.wakeups[name], reference))] for name in NAMES]
    return ("## 3. Idle wake-ups\n\n"
            f"Voluntary context switches of the init (as PID 1, its child asleep) over one "
            f"{seconds:g} s window shared by all inits: they run side by side and are sampled "
            "together.\n\n"
            + table(["init", f"wake-ups in {seconds:g} s", "per second", "× tini-static"], rows))


def storm_section(results):
    plan = results.plan
    reference = median([storm.total_ns for storm in results.storms[REFERENCE]])
    rows = []
    for name in NAMES:
        storms = results.storms[name]
        total = Summary.of([storm.total_ns for storm in storms])
        rows.append([
            name, number(total.median / 1e6), spread(total, 1e6),
            number(median([storm.loop_ns for storm in storms]) / 1e6),
            number(median([storm.drain_ns for storm in storms]) / 1e6),
            f"{number(median([storm.peak_zombies for storm in storms]))} "
            f"(max {max(storm.peak_zombies for storm in storms):,})",
            f"{number(median([storm.rss_before for storm in storms]))} → "
            f"{number(median([storm.rss_after for storm in storms]))}",
            f"+{number(max(storm.rss_peak_growth for storm in storms))}",
            times(ratio(total.median, reference))])
    return ("## 4. Orphan storm\n\n"
            f"As PID 1, the init's child (bench/orphan_storm.c) makes {plan.orphans:,} orphans "
            "as fast as it can: it double-forks, the middle process exits at once, the orphan "
            "exits at once too, and the child waits only for its middles, so every orphan is "
            "the init's to reap. The storm's time is the child's loop (timed by the child) plus "
            "the drain: the time from the loop's end until the init has no child left but the "
            "helper, seen from the host. Meanwhile the host samples the init's children "
            "(/proc/PID/task/PID/children, then each one's state) as fast as a Python loop can "
            "and counts the zombies. The init's VmRSS is read before the storm and after the "
            "drain; VmHWM growth is how far its high-water mark rose during the storm. "
            f"{plan.storm_runs} runs per init.\n\n"
            + table(["init", "storm (ms)", "p10–p90 (ms)", "child's loop (ms)", "drain (ms)",
                     "peak zombies, median (max)", "VmRSS before → after (KiB)",
                     "VmHWM growth, max (KiB)", "× tini-static"], rows))


def latency_section(results):
    pinned = percentile(results.latencies[REFERENCE], 0.5)
    across = percentile(results.latencies_across_cpus[REFERENCE], 0.5)
    return ("## 5. Signal forwarding latency\n\n"
            f"{results.plan.signals:,} SIGUSR1 per init, sent from the host to the init (PID 1 "
            "of its namespace) one at a time. The child (bench/signal_ack.c) blocks SIGUSR1, "
            "takes it with `sigwaitinfo` and writes one byte to a pipe that the harness reads; "
            "the time runs from `os.kill` to that byte, and the next signal waits for it. All "
            "inits run side by side and take turns, one signal each.\n\n"
            "The headline figures come from the first table: the harness, the inits and their "
            "children all on one CPU, so that the time is the work of the chain and its "
            "context switches. The second table lets the scheduler spread them over the CPUs: "
            f"there tini-static's median is {number(across / 1e3)} µs against "
            f"{number(pinned / 1e3)} µs on one CPU, the cost of wake-ups on another CPU, and "
            "where the scheduler happens to place each chain can matter more than the init.\n\n"
            "On one CPU:\n\n" + latency_table(results.latencies) + "\n\n"
            "Across CPUs:\n\n" + latency_table(results.latencies_across_cpus))


def latency_table(latencies):
    reference = latencies[REFERENCE]
    reference_p50, reference_p99 = percentile(reference, 0.5), percentile(reference, 0.99)
    rows = []
    for name in NAMES:
        samples = latencies[name]
        p50, p99 = percentile(samples, 0.5), percentile(samples, 0.99)
        rows.append([name, number(p50 / 1e3), spread(Summary.of(samples), 1e3),
                     number(p99 / 1e3), number(max(samples) / 1e3),
                     times(ratio(p50, reference_p50)), times(ratio(p99, reference_p99))])
    return table(["init", "p50 (µs)", "p10–p90 (µs)", "p99 (µs)", "max (µs)",
                  "p50 × tini-static", "p99 × tini-static"], rows)


def stop_section(results):
    plan = results.plan
    reference = median([stop.stop_ns for stop in results.stops[REFERENCE]])
    rows = []
    for name in NAMES:
        stops = results.stops[name]
        total = Summary.of([stop.stop_ns for stop in stops])
        clean = [stop.clean for stop in stops]
        rows.append([name, number(total.median / 1e6), spread(total, 1e6),
                     f"{number(median(clean))} ({min(clean)}–{max(clean)})",
                     number(plan.leftovers - median(clean)), times(ratio(total.median, reference))])
    return ("## 6. Stop with leftovers\n\n"
            f"As PID 1, the main child (bench/stop_leftovers.c) starts {plan.leftovers} "
            "leftover processes, waits until each has set its SIGTERM handler, records "
            "CLOCK_MONOTONIC and exits 0. A leftover, on SIGTERM, writes a marker file and exits "
            "at once; one that the kernel SIGKILLs when the init exits writes none. The time "
            "runs from the main child's exit to the exit of the unshare process that started "
            "the init, so it includes the init noticing the exit, signalling and reaping the "
            "leftovers, its own exit, the kernel killing whatever is left in the namespace and "
            "tearing it down, and unshare's exit. "
            f"{plan.stop_runs} runs per init. tini, tini-static and catatonit exit at once, and "
            "the kernel kills the leftovers; dumb-init sends SIGTERM to the child's process "
            "group (where the leftovers are) and exits at once, so some leftovers may finish "
            "before the kernel kills the rest: faster than a clean stop, and unclean.\n\n"
            + table(["init", "stop (ms)", "p10–p90 (ms)", "clean, median (min–max)",
                     "killed (median)", "× tini-static"], rows))


# 7. Several processes

SEVERAL_TITLE = "7. Several processes: three sidecars and a main process"


def several_section(results):
    plan, several_results = results.plan, results.several
    names = several_results.names
    flush = plan.flush_ms
    text = [
        f"## {SEVERAL_TITLE}",
        "Each supervisor runs as PID 1 of a fresh PID namespace (`unshare --pid --fork "
        "--mount-proc`), as a container runs it, configured in a temporary directory, with four "
        "services: three sidecars a, b and c and a main process. All four are one small static "
        "program (bench/service.c) that records each of its starts and, on SIGTERM, flushes "
        f"for {flush} ms (a sleep, the same under every supervisor however loaded the machine), "
        "records that and exits; the main process flushes for 0 ms. vigil runs the main process "
        "as its command; the others have no notion of a main process, so there it is a fourth "
        "service. The supervisors run side by side, started in a rotating order. "
        "The *supervising processes* are every process of the namespace but the services.",
        table(["supervisor", "supervising processes", "configuration", "restart at once"],
              [[name, *supervisors.DESCRIPTIONS[name]] for name in supervisors.NAMES]),
    ]
    if several_results.left_out:
        text.append("Left out of this run: " + "; ".join(
            f"{name} ({why})" for name, why in several_results.left_out.items()) + ".")
    starts = plan.sidecar_stop_runs
    text += [
        "### Idle memory",
        "Total VmRSS, and total PSS, of the supervising processes, read "
        f"{several.SETTLE_SECONDS:g} s after the last service started; one reading per start, "
        f"{plural(starts, 'start')}. VmRSS counts the pages a process shares with others "
        "(libc, libskarnet) once in every process that maps them; PSS divides each shared page "
        "among the processes that map it, so it adds up across processes.",
        table(["supervisor", "processes", "VmRSS total (KiB)", "p10–p90 (KiB)",
               "PSS total (KiB)", "p10–p90 (KiB)"],
              [[name, process_list(several_results.processes[name]),
                number(median(several_results.rss[name])),
                spread(Summary.of(several_results.rss[name])),
                number(median(several_results.pss[name])),
                spread(Summary.of(several_results.pss[name]))] for name in names]),
        "### Idle wake-ups",
        "Voluntary context switches of the supervising processes, summed, over one "
        f"{plan.idle_seconds:g} s window shared by all supervisors, every service idle.",
        table(["supervisor", f"wake-ups in {plan.idle_seconds:g} s", "per second"],
              [[name, number(several_results.wakeups[name]),
                number(several_results.wakeups[name] / plan.idle_seconds)] for name in names]),
        "### Restart latency",
        f"{plural(plan.sidecar_restarts, 'crash', 'crashes')} per supervisor: the harness "
        "SIGKILLs one sidecar (a different one each round, the supervisors taking turns) and "
        "the time runs until the new process has exec'd the service: the service takes "
        "CLOCK_MONOTONIC first thing in `main`. A sidecar is killed only once it has run "
        f"{several.RESTART_UPTIME_NS / 1e9:g} s: s6-supervise and runsv hold back the restart "
        "of a service that dies within 1 s of its start, and nothing turns that off. Each "
        "supervisor is set to restart at once as far as it can (the table above).",
        table(["supervisor", "median (ms)", "p10–p90 (ms)", "max (ms)"],
              [[name, number(median(several_results.restarts[name]) / 1e6),
                spread(Summary.of(several_results.restarts[name]), 1e6),
                number(max(several_results.restarts[name]) / 1e6)] for name in names]),
        "### Stop",
        "SIGTERM to the supervisor (what `docker stop` sends to PID 1), "
        f"{plural(starts, 'stop')} each, one per start. The stop time runs from the signal to "
        "the exit of the unshare process that started the supervisor, so it includes the "
        "namespace's teardown. *Flushing* is "
        "how long at least one sidecar was flushing; *stop − flushing* is the rest, the "
        "supervisor's own cost. A sidecar that is killed mid-flush (when the supervisor exits "
        "before it, the kernel kills whatever is left in the namespace) does not count as "
        f"flushed. Flushing one sidecar at a time takes 3 × {flush} ms; all at once, {flush} ms.",
        table(["supervisor", "stop (ms)", "p10–p90 (ms)", "flushing (ms)",
               "stop − flushing (ms)", "p10–p90 (ms)", "flushed, fewest", "order of SIGTERM"],
              [stop_row(name, several_results.stops[name]) for name in names]),
    ]
    return "\n\n".join(text)


SEVERAL_GOALS = ("idle memory under 1 MiB in one process, 0 idle wake-ups, a restart latency "
                 "no worse than s6's, and a stop that takes the sidecars' flushing plus under "
                 "20 ms, every sidecar flushed")
OVERHEAD_GOAL_MS = 20


def several_targets(several_results, more_rows=()):
    """vigil's targets with several processes (and `more_rows`, those of dependencies), or why
    they were not checked."""
    lead = f"With three sidecars and a main process (section {SEVERAL_TITLE.split('.')[0]})"
    if "vigil" not in several_results.names:
        why = several_results.left_out.get("vigil", "not measured")
        return (f"{lead}, vigil's targets are {SEVERAL_GOALS}. They are not checked in this "
                f"run: vigil was left out ({why}).")
    peers = [name for name in several_results.names if name != "vigil"]

    def each_peer(show):
        return "; ".join(f"{name} {show(name)}" for name in peers)

    def memory(name):
        rss, processes = median(several_results.rss[name]), len(several_results.processes[name])
        return f"{number(rss)} KiB in {processes} process{'es' if processes > 1 else ''}"

    def restart(name):
        return f"{number(median(several_results.restarts[name]) / 1e6)} ms"

    def stopping(name):
        stops = several_results.stops[name]
        return (f"{number(median([stop.stop_ns for stop in stops]) / 1e6)} ms, "
                f"{number(median([stop.overhead_ns for stop in stops]) / 1e6)} ms beyond "
                f"flushing, {min(stop.flushed for stop in stops)}/{len(supervisors.SIDECARS)} "
                "flushed")

    rss = median(several_results.rss["vigil"])
    processes = len(several_results.processes["vigil"])
    if rss < 1024 and processes == 1:
        memory_verdict = "**met**"
    elif processes == 1:
        memory_verdict = verdict(False, rss - 1024, "KiB", None)
    else:
        memory_verdict = f"**missed**: {processes} processes"
    wakeups = several_results.wakeups["vigil"]
    mine = median(several_results.restarts["vigil"])
    theirs = Summary.of(several_results.restarts["s6"])
    restart_verdict = verdict(mine <= theirs.median, (mine - theirs.median) / 1e6, "ms",
                              theirs.median / 1e6)
    if theirs.median < mine <= theirs.p90:
        restart_verdict += (f", inside s6's own p10–p90 ({spread(theirs, 1e6)} ms): no "
                            "measurable difference")
    stops = several_results.stops["vigil"]
    overhead = median([stop.overhead_ns for stop in stops]) / 1e6
    flushed = min(stop.flushed for stop in stops)
    if flushed < len(supervisors.SIDECARS):
        stop_verdict = f"**missed**: {flushed}/{len(supervisors.SIDECARS)} flushed"
    else:
        stop_verdict = verdict(overhead < OVERHEAD_GOAL_MS, overhead - OVERHEAD_GOAL_MS, "ms",
                               None)
    rows = [
        ["idle memory under 1 MiB in one process", memory("vigil"), each_peer(memory),
         memory_verdict],
        ["0 idle wake-ups", number(wakeups), each_peer(lambda name: number(
            several_results.wakeups[name])), verdict(wakeups == 0, wakeups, "wake-ups", None)],
        ["restart latency ≤ s6's", restart("vigil"), each_peer(restart), restart_verdict],
        [f"stop within the flushing + {OVERHEAD_GOAL_MS} ms, every sidecar flushed",
         stopping("vigil"), each_peer(stopping), stop_verdict],
    ] + list(more_rows)
    return f"{lead}:\n\n" + table(["target", "vigil", "peers", "verdict"], rows)


def plural(count, word, words=None):
    return f"{count:,} {word if count == 1 else words or word + 's'}"


def process_list(names):
    """["s6-svscan", "s6-supervise", "s6-supervise"] -> "s6-svscan + 2 s6-supervise" (3)."""
    counts = {}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    parts = [name if count == 1 else f"{count} {name}" for name, count in counts.items()]
    return " + ".join(parts) + f" ({len(names)})"


def stop_row(name, stops):
    total = Summary.of([stop.stop_ns for stop in stops])
    overhead = Summary.of([stop.overhead_ns for stop in stops])
    flushed = min(stop.flushed for stop in stops)
    return [name, number(total.median / 1e6), spread(total, 1e6),
            number(median([stop.flushing_ns for stop in stops]) / 1e6),
            number(overhead.median / 1e6), spread(overhead, 1e6),
            f"{flushed}/{len(supervisors.SIDECARS)}", stop_order(stops)]


def stop_order(stops):
    """How the SIGTERMs went out, as far as the services that finished flushing tell."""
    if any(stop.overlapped for stop in stops):
        return "sidecars together"
    if all(stop.flushed == 0 for stop in stops):
        return "none finished"
    if len({stop.order for stop in stops}) == 1:
        return "one at a time: " + ", ".join(stops[0].order)
    return "one at a time, in varying order"


def caveats_section(results):
    baseline = median(results.spawn.baseline) / 1e6
    longest_drain = max(median([storm.drain_ns for storm in results.storms[name]])
                        for name in NAMES) / 1e6
    return ("## What to keep in mind\n\n"
            f"- Spawn overhead is a small difference of two larger times: `/bin/true` alone "
            f"took {number(baseline)} ms here, mostly `posix_spawn`, the dynamic loader and "
            "`waitpid`, which every init pays once more for its child. Differences of a few "
            "hundredths of a millisecond are within the noise.\n"
            "- The orphan storm's time is mostly the child's own forking: the drain after its "
            f"loop took at most {number(longest_drain)} ms (median) for any init here. An init "
            "that fell behind would show a long drain and many zombies.\n"
            "- The orphan storm runs the child, the init and the sampling loop on "
            f"{results.machine['cores']} cores: the sampling takes CPU from the storm, the same "
            "for every init, and it sees a zombie only if it looks while one exists, so the "
            "peak is a lower bound.\n"
            "- Stop times include unshare and the namespace's teardown, the same for every "
            "init; a fast stop that kills the leftovers is not a clean one.\n"
            "- Latency includes the harness's `kill`, `poll` and `read` and the helper's wake-up, "
            "the same for every init; only the part between is the init's.\n"
            "- VmRSS of the dynamic tini and dumb-init counts the shared libc pages they map.\n"
            "- With several processes, s6 and runit count VmRSS once per process: their "
            "processes share most of their pages, which PSS shares out. runsvdir exits at once "
            "on SIGTERM without stopping anything, so the kernel kills its services mid-flush: "
            "its fast stop is not a clean one.")
