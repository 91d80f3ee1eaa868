"""The report's section 10 (the drop-ins against the tools they replace): idle memory and
wake-ups of vigil named supervisord and my_init beside real supervisord and runit."""
import drop_ins

TITLE = "10. The drop-ins against the tools they replace"


def section(results, table, number, spread):
    found = results.drop_ins
    if found is None:
        return f"## {TITLE}\n\nNot measured in this run."
    rows = [[label, ", ".join(found.processes[label]), number(found.rss[label]), number(found.pss[label]),
             number(found.wakeups[label])] for label in drop_ins.SETUPS if label in found.rss]
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
        "my_init itself is a Python script that no Debian package holds, so the runit row "
        "leaves it out: with it, an image on phusion/baseimage also keeps a Python interpreter "
        "in memory. The runit row is therefore a floor for the real my_init.",
    ])
