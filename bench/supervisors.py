"""The supervisors of the several-process scenario and how each one is set up: three sidecars
and a main process, configured in a work directory (nothing in /etc), the supervisor started
as PID 1 of a fresh PID namespace as a container would start it."""
import pathlib
import shlex
import subprocess
from dataclasses import dataclass

SIDECARS = ("a", "b", "c")
MAIN = "main"
SERVICES = (*SIDECARS, MAIN)  # the start order where a supervisor has one

# The order of the tables. vigil runs the scenario once it takes sidecars (vigil_support).
NAMES = ("vigil", "supervisord", "s6", "runit")
PEERS = NAMES[1:]

# name -> (the command that starts it, its Debian package). runit's package recommends
# runit-run or runit-init, which start or replace the machine's init: install these three
# without recommendations.
PACKAGES = {"supervisord": ("supervisord", "supervisor"), "s6": ("s6-svscan", "s6"),
            "runit": ("runsvdir", "runit")}

# For the report: each one's processes, its configuration, and how it is told to restart a
# crashed sidecar at once.
DESCRIPTIONS = {
    "vigil": (
        "vigil",
        "`vigil --sidecar a='CMD' --sidecar b='CMD' --sidecar c='CMD' --backoff a=0 "
        "--backoff b=0 --backoff c=0 --grace 10s -- MAIN`",
        "`--backoff NAME=0`"),
    "supervisord": (
        "supervisord (Python)",
        "a file with one `[program:NAME]` per service, `priority` 1 to 4 in the order a, b, c, "
        "main",
        "`startsecs=0`, `autorestart=true`. There is no delay to set, but a process that was "
        "running is restarted on the main loop's next turn, which can wait for the loop's fixed "
        "1 s poll timeout"),
    "s6": (
        "s6-svscan, one s6-supervise per service",
        "a scan directory with a service directory per service: `run` (the service binary "
        "itself, no shell) and `notification-fd`",
        "nothing to set: a service that has been ready for over 1 s is restarted at once, any "
        "other after 1 s. Readiness comes by `notification-fd`: the service writes a newline"),
    "runit": (
        "runsvdir, one runsv per service",
        "a scan directory with a service directory per service: `run` (the service binary "
        "itself, no shell)",
        "nothing to set: a service that ran for 1 s or more is restarted at once, any other "
        "after 1 s"),
}


@dataclass(frozen=True)
class Services:
    """The scenario's processes: the helper binary (bench/service.c), the directory they
    report to, and how long a sidecar takes to flush on SIGTERM."""
    binary: str
    work: pathlib.Path
    flush_ms: int

    def words(self, name, *extra):
        flush = 0 if name == MAIN else self.flush_ms
        return [self.binary, str(self.work), name, str(flush), *extra]


@dataclass(frozen=True)
class Setup:
    """A supervisor's whole command line; `argv` is the interface procs.Pid1 expects."""
    name: str
    command: tuple

    def argv(self, extra):
        return [*self.command, *extra]


def vigil_command(vigil, services):
    """vigil's command line for the scenario, in the syntax proposed for its sidecars
    (subject to change): each sidecar restarted at once, the main process after `--`."""
    argv = [vigil]
    for name in SIDECARS:
        argv += ["--sidecar", f"{name}={shlex.join(services.words(name))}"]
    for name in SIDECARS:
        argv += ["--backoff", f"{name}=0"]
    return argv + ["--grace", "10s", "--", *services.words(MAIN)]


def vigil_independent_command(vigil, services):
    """The same, with each sidecar declared independent (`--after NAME=`): nothing orders their
    start or their stop."""
    argv = vigil_command(vigil, services)
    split = argv.index("--")
    return argv[:split] + [word for name in SIDECARS for word in ("--after", f"{name}=")] + argv[split:]


def supervisord_command(supervisord, services):
    """One [program] per service, started in order (priority) and so stopped in reverse."""
    work = services.work
    lines = ["[supervisord]", "nodaemon=true", "user=root",  # user= silences a warning as root
             f"logfile={work / 'supervisord.log'}", f"pidfile={work / 'supervisord.pid'}",
             f"childlogdir={work}", ""]
    for priority, name in enumerate(SERVICES, 1):
        lines += [f"[program:{name}]", f"command={shlex.join(services.words(name))}",
                  f"priority={priority}", "startsecs=0", "autorestart=true",
                  "stopwaitsecs=10", "stdout_logfile=NONE", "stderr_logfile=NONE", ""]
    config = work / "supervisord.conf"
    config.write_text("\n".join(lines))
    return [supervisord, "-c", str(config)]


def s6_command(s6_svscan, services):
    """A scan directory of service directories. ./run is the service binary itself (a
    symlink), so no shell runs between the supervisor and the service."""
    scan = service_directories(services, notify_fd=3)
    for name in SERVICES:
        (scan / name / "notification-fd").write_text("3\n")
    return [s6_svscan, str(scan)]


def runit_command(runsvdir, services):
    return [runsvdir, str(service_directories(services))]


def service_directories(services, notify_fd=None):
    scan = services.work / "scan"
    for name in SERVICES:
        directory = scan / name
        directory.mkdir(parents=True)
        (directory / "run").symlink_to(services.binary)
        extra = [] if notify_fd is None else [str(notify_fd)]
        (directory / "service.args").write_text(  # one word a line: paths may hold spaces
            "".join(word + "\n" for word in services.words(name, *extra)[1:]))
    return scan


COMMANDS = {"vigil": vigil_command, "vigil-independent": vigil_independent_command,
            "supervisord": supervisord_command, "s6": s6_command, "runit": runit_command}


def setup(name, binary, services):
    return Setup(name, tuple(COMMANDS[name](binary, services)))


def vigil_support(vigil):
    """None when vigil takes the scenario's command line, else why not (one line). The probe
    is that command line with /bin/true for every service: it exits 0 at once."""
    probe = vigil_command(vigil, Services("/bin/true", pathlib.Path("/"), 0))
    try:
        result = subprocess.run(probe, stdin=subprocess.DEVNULL, capture_output=True,
                                text=True, timeout=10)
    except subprocess.TimeoutExpired:
        return "vigil did not exit within 10 s on the scenario's command line"
    if result.returncode == 0:
        return None
    message = (result.stderr.strip().splitlines() or ["no message"])[0]
    return (f"vigil exits {result.returncode} on the scenario's command line: "
            f"{message.removeprefix('vigil: ')}")
