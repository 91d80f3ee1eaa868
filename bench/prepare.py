"""Everything the benchmark needs before it measures: root, unshare, a C compiler, vigil's
release binary, the peers (inits and supervisors), the compiled workload helpers; and a
description of the machine."""
import datetime
import hashlib
import os
import pathlib
import platform
import shutil
import subprocess

import supervisors
from inits import NAMES, PEER_PACKAGES
from procs import BenchmarkError

ROOT = pathlib.Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
VIGIL = ROOT / ".build" / "dist" / "vigil"
HELPERS = ("orphan_storm", "signal_ack", "stop_leftovers", "service", "listener", "stamp")

# command -> Debian package of everything the benchmark compares vigil with.
# cron: beside vigil in the scheduled tasks scenario.
PEER_COMMANDS = PEER_PACKAGES | dict(supervisors.PACKAGES.values()) | {"cron": "cron"}


def require_tools():
    """Returns the C compiler to use; fails early, with what to install, on anything missing."""
    if os.geteuid() != 0:
        raise BenchmarkError("needs root: the inits run as PID 1 of new PID namespaces")
    if not shutil.which("unshare"):
        raise BenchmarkError("needs unshare (Debian: apt-get install util-linux)")
    compiler = next(filter(None, map(shutil.which, ("cc", "gcc", "clang"))), None)
    if compiler is None:
        raise BenchmarkError("needs a C compiler for the workload helpers "
                             "(Debian: apt-get install gcc libc6-dev)")
    return compiler


def ensure_vigil():
    """vigil's release binary, built with scripts/build-release when it is missing."""
    if not VIGIL.exists():
        print("benchmark: building vigil's release binary (scripts/build-release)", flush=True)
        if subprocess.run([str(ROOT / "scripts" / "build-release")], cwd=ROOT).returncode != 0:
            raise BenchmarkError("scripts/build-release failed; see its output above")
    return str(VIGIL)


def snapshot(binary, scratch):
    """A copy of vigil's binary to measure, so that a rebuild during the run changes nothing,
    and the start of its SHA-256 to name it in the report."""
    copy = scratch / "bin" / "vigil"  # vigil's own name, so that it runs in its own mode
    copy.parent.mkdir()
    shutil.copy2(binary, copy)
    return str(copy), hashlib.sha256(copy.read_bytes()).hexdigest()[:12]


def ensure_peers():
    """name -> path of every peer, inits and supervisors, installed from Debian's packages
    first if one is missing."""
    if missing_peers():
        if not shutil.which("apt-get"):
            raise BenchmarkError(f"missing {', '.join(missing_peers())} and no apt-get to "
                                 "install them with")
        packages = sorted({PEER_COMMANDS[command] for command in missing_peers()})
        print(f"benchmark: installing {' '.join(packages)}", flush=True)
        environment = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=environment, stdout=subprocess.DEVNULL)
        # Without recommendations: runit's would start or replace the machine's init.
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends",
                        "-o", "DPkg::Lock::Timeout=300", *packages], env=environment,
                       stdout=subprocess.DEVNULL)
        if missing_peers():
            raise BenchmarkError(f"could not install {', '.join(missing_peers())} (apt-get "
                                 f"install -y --no-install-recommends {' '.join(packages)})")
    return ({name: shutil.which(name) for name in PEER_PACKAGES}
            | {name: shutil.which(command)
               for name, (command, _) in supervisors.PACKAGES.items()})


def missing_peers():
    return [command for command in PEER_COMMANDS if not shutil.which(command)]


def compile_helpers(compiler, scratch):
    """name -> path of each workload helper, compiled static so that its own start-up is small
    and the same under every init."""
    paths = {}
    for name in HELPERS:
        output = scratch / name
        result = subprocess.run([compiler, "-O2", "-static", "-o", str(output),
                                 str(BENCH / f"{name}.c")], capture_output=True, text=True)
        if result.returncode != 0:
            raise BenchmarkError(f"could not compile bench/{name}.c with {compiler} "
                                 f"(static linking needs libc6-dev):\n{result.stderr}")
        paths[name] = str(output)
    return paths


def describe_machine():
    return {
        "CPU": cpu_model(),
        "cores": str(os.cpu_count()),
        "kernel": platform.release(),
        "glibc": platform.libc_ver()[1] or "unknown",
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def cpu_model():
    for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.machine()


def vigil_commit():
    """The commit the binary was presumably built from, flagged when the sources differ."""
    def git(*args):
        result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return result.stdout.strip() if result.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown (not a git checkout)"
    if git("status", "--porcelain", "--", "Sources", "Package.swift"):
        commit += " with uncommitted changes in Sources/ or Package.swift"
    return commit


def versions(paths):
    """name -> version of every init and supervisor: the Debian package's for a peer that dpkg
    knows, else an init's `--version` (s6-svscan and runsvdir have none)."""
    inits = {name: package_version(PEER_PACKAGES.get(name)) or first_line(paths[name], "--version")
             for name in NAMES}
    return inits | {name: package_version(package) or "unknown (not a Debian package)"
                    for name, (_, package) in supervisors.PACKAGES.items()}


def package_version(package):
    if package is None or not shutil.which("dpkg-query"):
        return ""
    result = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", package],
                            capture_output=True, text=True)
    return f"{result.stdout.strip()} (Debian)" if result.returncode == 0 else ""


def first_line(binary, *args):
    result = subprocess.run([binary, *args], capture_output=True, text=True)
    text = (result.stdout or result.stderr).strip()
    return text.splitlines()[0] if text else "unknown"
