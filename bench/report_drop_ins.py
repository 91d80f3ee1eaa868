"""The report's section 10 (the drop-ins against the tools they replace): idle memory and
wake-ups of vigil named supervisord and my_init beside real supervisord and runit."""
import drop_ins

TITLE = "10. The drop-ins against the tools they replace"


def section(results, table, number, spread):
    found = results.drop_ins
    if found is None:
        return f"## {TITLE}\n\nNot measured in this run."
    rows = [[label, ", ".join(found.processes[label]), number(found.rss[label]), number(found.pss[label]),
             found.wakeups[label] if isinstance(found.wakeups[label], str) else number(found.wakeups[label])]
            for label in drop_ins.SETUPS if label in found.rss]
    return "\n\n".join([
        f"## {TITLE}",
        f"The same configuration under each, as PID 1 of its own namespace, side by side: a "
        f"`supervisord.conf` of {drop_ins.PROGRAMS} programs (`[program:pNN]`, output `NONE`) under "
        f"real supervisord and under vigil named `supervisord`; a my_init layout of "
        f"{drop_ins.RUNIT_SERVICES} runit services in `/etc/service` under vigil named `my_init` "
        "and under Debian's `runsvdir` with one `runsv` per service. Each service is the idle "
        "helper of section 7. Memory is that of the supervising processes (the services left "
        f"out) once every service has started; wake-ups are their voluntary context switches "
        f"over {number(found.idle_seconds)} s of idleness.",
        table(["setup", "supervising processes", "VmRSS (KiB)", "PSS (KiB)",
               f"wake-ups in {number(found.idle_seconds)} s"], rows),
        "my_init itself is a Python script that no Debian package holds, so it is not run: the "
        "last row estimates it by an idle python3 that imported what my_init imports. The real "
        "my_init costs the runit row plus that one.",
    ])
