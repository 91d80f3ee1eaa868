"""honcho's plan for a Procfile, for the tests that compare vigil's with it (test_procfile,
test_procfile_run): `honcho_plan` asks honcho 2.0.0 (pip) which processes `honcho start` would
run, without running them; `parse_plan` reads vigil's `NAME PORT "PREFIX" "COMMAND"` lines
(`vigil procfile-plan`, `vigil --procfile --dry-run`) as the same records; `same` compares them.
"""
import json
import os
import subprocess
import sys

from helpers import require

try:
    import honcho
except ImportError:  # scripts/test installs it; require() says so under CI
    honcho = None

# Runs honcho's `start` on argv and prints, as JSON, each process it would start.
HONCHO = r"""
import datetime, io, json, os, sys
import honcho.command
from honcho.manager import Manager
from honcho.printer import Message

captured = {}
Manager.loop = lambda self: captured.setdefault("manager", self)
try:
    honcho.command.main(["start", "--no-colour"] + sys.argv[1:])
except SystemExit:
    pass
manager = captured["manager"]
baseline = dict(os.environ)
result = []
for name, entry in manager._processes.items():
    process = entry["obj"]
    out = io.StringIO()
    manager._printer.output = out
    manager._printer.write(Message("line", "x\n", datetime.datetime(2000, 1, 1), name, None))
    added = [[key, value] for key, value in process.env.items()
             if baseline.get(key) != value or key in ("HONCHO_PROCESS_NAME", "PORT")]
    result.append({"name": name, "port": int(process.env["PORT"]), "prefix": out.getvalue()[len("00:00:00 "):-2],
                   "command": process.cmd, "env": added})
print(json.dumps(result))
"""

BASE_ENV = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}


def need_honcho():
    require(honcho is not None, "honcho is not installed (pip install honcho)")


def honcho_plan(procfile, env_files=(), args=(), environ=None):
    argv = ["-f", str(procfile), "-e", ",".join(str(f) for f in env_files) or "/nonexistent/.env", *args]
    result = subprocess.run([sys.executable, "-c", HONCHO, *argv], capture_output=True, timeout=60,
                            env={**BASE_ENV, **(environ or {})}, cwd=procfile.parent)
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


def parse_plan(text):
    """vigil's lines `NAME PORT "PREFIX" "COMMAND"` and `  env "K=V"` as honcho_plan's records."""
    decoder = json.JSONDecoder()
    processes = []
    for line in text.splitlines():
        if line.startswith("  env "):
            key, _, value = json.loads(line[len("  env "):]).partition("=")
            processes[-1]["env"].append([key, value])
            continue
        name, port, rest = line.split(" ", 2)
        prefix, end = decoder.raw_decode(rest)
        command, _ = decoder.raw_decode(rest[end + 1:])
        processes.append({"name": name, "port": int(port), "prefix": prefix, "command": command, "env": []})
    return processes


def same(vigil_processes, honcho_processes, environ=None):
    """Equal, but for the environment's order where the inherited environment already held a
    variable (honcho's dictionary keeps its place there)."""
    assert [dict(p, env=None) for p in vigil_processes] == [dict(p, env=None) for p in honcho_processes]
    inherited = set(environ or {})
    for ours, theirs in zip(vigil_processes, honcho_processes):
        assert dict(map(tuple, ours["env"])) == dict(map(tuple, theirs["env"])), ours["name"]
        assert [k for k, _ in ours["env"] if k not in inherited] == [k for k, _ in theirs["env"] if k not in inherited]
