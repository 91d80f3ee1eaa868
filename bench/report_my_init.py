"""The report's section 10 (a my_init layout of three runit services, idle): vigil as
/sbin/my_init against runsvdir and three runsv, with my_init's Python estimated beside them."""
from stats import percentile

TITLE = "10. my_init and runit services, idle"


def median(values):
    return percentile(values, 0.5) if values else 0


def rows(found):
    vigil, runit = found.vigil, found.runit
    return [
        ["supervising processes", str(vigil.processes), f"{runit.processes} (runsvdir, 3 runsv)",
         "+ 1 (python3)"],
        ["VmRSS, sum (KiB)", f"{median(vigil.rss_kib):.0f}", f"{median(runit.rss_kib):.0f}",
         f"+ {found.python_rss_kib}"],
        ["PSS, sum (KiB)", f"{median(vigil.pss_kib):.0f}", f"{median(runit.pss_kib):.0f}",
         f"+ {found.python_pss_kib}"],
        ["context switches per 10 s, idle", f"{median(vigil.switches_per_10s):.1f}",
         f"{median(runit.switches_per_10s):.1f}", "(not run)"],
    ]


def text(found):
    """Plain text, for `python3 bench/my_init.py`."""
    lines = [TITLE, "figure | vigil as my_init | runit (what my_init starts) | my_init's python3 (estimate)"]
    lines += [" | ".join(row) for row in rows(found)]
    lines.append(NOTE)
    return "\n".join(lines)


NOTE = ("my_init itself is a Python 3 script that baseimage copies into its image; no distribution "
        "packages it, so it is not run here. Its column is an idle python3 that imported what "
        "my_init imports: an estimate of what it adds to runit's figures in memory. Its wake-ups "
        "are not estimated (my_init waits in waitpid and sleeps only while stopping).")


def section(results, table, number, spread):
    found = results.my_init
    if found is None:
        return f"## {TITLE}\n\nNot measured in this run."
    return "\n\n".join([
        f"## {TITLE}",
        "A phusion/baseimage layout: `/etc/service/{a,b,c}/run`, each `exec sleep`, in a root "
        "of its own (the host's /usr shared read-only), the init as PID 1 of a fresh PID and "
        "mount namespace. vigil is installed as `/sbin/my_init`; runit is Debian's `runsvdir -P "
        "/etc/service`, which starts one `runsv` per service, as my_init does. 2 s after the three "
        f"services run: the supervising processes' memory, and their context switches over "
        f"{found.window_s} s of nothing happening (median of {len(found.vigil.rss_kib)} run(s)); "
        "the services themselves are the same in both and left out.",
        table(["figure", "vigil as my_init", "runit (what my_init starts)", "my_init's python3 (estimate)"],
              rows(found)),
        NOTE,
    ])
