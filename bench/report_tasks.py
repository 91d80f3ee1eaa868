"""The report's section 9 (scheduled tasks under vigil): how late runs start after their due
second, and vigil's wake-ups while one task is due every 10 s."""
from stats import Summary, percentile

TITLE = "9. Scheduled tasks"
DELAY_GOAL_MS = 10    # issue 23: a run starts within 10 ms of its due time (median)
WAKEUP_GOAL = 2       # issue 23: at most 2 wake-ups in 10 s with one task every 10 s


def section(results, table, number, spread):
    found = results.tasks
    if found is None:
        return f"## {TITLE}\n\nNot measured in this run."
    delays = Summary.of(found.delays_ns)
    median_delay = percentile(found.delays_ns, 0.5) / 1e6
    wakeups = percentile(found.wakeups_per_10s, 0.5)
    return "\n\n".join([
        f"## {TITLE}",
        "vigil as PID 1 with one scheduled task and no main process (`--pause`). The task is "
        "a static helper whose first act records CLOCK_REALTIME. **Start delay**: a task due "
        f"every 2 s (`*/2 * * * * *`), {len(found.delays_ns)} runs after the first, each run's "
        "start minus its due second. **Wake-ups**: a task due every 10 s, vigil's voluntary "
        f"context switches over {len(found.wakeups_per_10s)} window(s) of {found.window_s} s, "
        "per 10 s. Each run costs vigil the timer's wake-up and the wake-up for its exit: "
        "a run is forked without waiting for its exec, and between runs vigil sleeps.",
        table(["figure", "vigil", "goal (issue 23)", "met"],
              [["start delay after the due second, median (ms)", number(median_delay),
                f"≤ {DELAY_GOAL_MS}", "yes" if median_delay <= DELAY_GOAL_MS else "no"],
               ["start delay, p10–p90 (ms)", spread(delays, 1e6), "", ""],
               ["voluntary context switches per 10 s, one task every 10 s", number(wakeups),
                f"≤ {WAKEUP_GOAL}", "yes" if wakeups <= WAKEUP_GOAL else "no"]]),
        cron_text(found, number),
        "supercronic is packaged neither in Debian nor on PyPI, so it cannot be installed here.",
    ])


def cron_text(found, number):
    if found.cron_switches_per_run is None:
        return "Debian's cron was not measured in this run (a quick run, or cron not installed)."
    return (f"Beside it, Debian's cron as PID 1 with one job due every minute (cron schedules by the "
            f"minute only), over {found.cron_runs} run(s): **{number(found.cron_switches_per_run)}** "
            f"voluntary context switches per run, against vigil's {number(percentile(found.wakeups_per_10s, 0.5))} "
            "per run (one run per 10 s).")
