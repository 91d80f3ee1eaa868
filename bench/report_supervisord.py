"""The report's section 10 (a ten-program supervisord.conf): the supervisor's idle memory and
wake-ups under real supervisord and under vigil running the same file as supervisord."""
from stats import Summary, percentile

TITLE = "10. A ten-program supervisord.conf"


def section(results, table, number, spread):
    found = results.supervisord_config
    if found is None:
        return f"## {TITLE}\n\nNot measured in this run."
    rows = []
    for name, label in [("supervisord", "supervisord (Python)"), ("vigil", "vigil as supervisord")]:
        rss, wakeups = found.rss[name], found.wakeups[name]
        rows.append([label, number(percentile(rss, 0.5)), spread(Summary.of(rss)), number(percentile(wakeups, 0.5))])
    return "\n\n".join([
        f"## {TITLE}",
        "One `supervisord.conf` with ten `[program:x]` sections (`/bin/sleep`, priorities 1 to 10, "
        "`autorestart=true`, half the output on `/dev/stdout` with `maxbytes=0` and half in "
        "rotated files) and the sections images add for supervisorctl (`[unix_http_server]`, "
        "`[rpcinterface:supervisor]`, `[supervisorctl]`), run by Debian's supervisord and by "
        "vigil through a symlink named `supervisord`, each as PID 1 of its own namespace. Once "
        f"all ten programs are RUNNING: the supervisor's VmRSS ({len(found.rss['vigil'])} "
        f"start(s) each, interleaved) and its voluntary context switches over {found.window_s:g} s, "
        "per 10 s. The programs themselves are not counted.",
        table(["supervisor", "VmRSS, median (KiB)", "p10–p90 (KiB)", "wake-ups per 10 s, median"], rows),
        "supervisord's loop polls with a 1 s timeout (and its TICK events need it); vigil sleeps "
        "until a signal, a program's output or a client wakes it.",
    ])
