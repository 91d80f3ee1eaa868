"""`vigil ps` (issue 14): the namespace's processes, checked against /proc.

vigil runs as PID 1 of a fresh PID namespace (with its own /proc) over a workload that makes
a zombie, a re-parented orphan, a process with a hostile name and command line, and a nested
PID namespace. `vigil ps` runs inside that namespace through nsenter, or from the node with
--target. The truth is the namespace's own /proc, read from the node through
/proc/VIGILPID/root/proc.
"""
import importlib.util
import json
import os
import pathlib
import shutil
import signal
import subprocess

import pytest

from helpers import PYTHON, ROOT, VIGIL, require, wait_for, workload
from procfs import namespace_inode, namespace_snapshot, snapshot, status

spec = importlib.util.spec_from_file_location("incident", ROOT / "scripts" / "incident.py")
incident = importlib.util.module_from_spec(spec)
spec.loader.exec_module(incident)

COLUMNS = ["PID", "PPID", "S", "USER", "RSS", "TIME", "ELAPSED"]


def needs_namespaces():
    require(os.geteuid() == 0, "needs root for PID namespaces")
    require(shutil.which("unshare") and shutil.which("nsenter"), "needs unshare and nsenter (util-linux)")


@pytest.fixture
def namespace(launch, tmp_path):
    """vigil as PID 1 over the workload, once the workload's tree is complete."""
    needs_namespaces()
    ready = tmp_path / "ready"
    run = launch([PYTHON, workload("ps_workload.py"), str(ready)])
    wait_for(ready.exists, timeout=60, what="the workload's processes")
    return run


def escape(data):
    """The escaping vigil ps applies to names and command lines on a terminal."""
    out = []
    for char in data.decode("utf-8", "surrogateescape"):
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:
            out.append(f"\\x{code - 0xDC00:02x}")
        elif char in "\n\t\r\\":
            out.append({"\n": "\\n", "\t": "\\t", "\r": "\\r", "\\": "\\\\"}[char])
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        elif 0x80 <= code <= 0x9F or code in (0x61C, 0x200E, 0x200F) or 0x2028 <= code <= 0x202E \
                or 0x2066 <= code <= 0x2069:
            out.append(f"\\u{{{code:04x}}}")
        else:
            out.append(char)
    return "".join(out)


def expected_command(process):
    args = process["cmdline_bytes"].rstrip(b"\0")
    if process["state"] in ("Z", "X"):
        return f"[{escape(process['comm_bytes'])}] <defunct>"
    if not args:
        return f"[{escape(process['comm_bytes'])}]"
    return " ".join(escape(arg) for arg in args.split(b"\0"))


def ps(run, *args, inside=True, preexec_fn=None):
    """Runs vigil ps inside the namespace (nsenter into its PID and mount namespaces), or from
    the node. Returns the CompletedProcess, with stdout as text."""
    command = [VIGIL, "ps", *args]
    if inside:
        command = ["nsenter", "-t", str(run.vigil_pid), "-p", "-m", "--"] + command
    result = subprocess.run(command, capture_output=True, timeout=60, preexec_fn=preexec_fn)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert result.stderr == b""
    result.stdout = result.stdout.decode("utf-8")  # strict: the output is always valid UTF-8
    return result


def parse_table(text):
    """(summary lines, rows) of the text view; each row's command keeps its tree prefix."""
    lines = text.split("\n")
    assert lines[-1] == ""
    lines = lines[:-1]
    header_at = next(i for i, line in enumerate(lines) if line.split()[:2] in (["PID", "PPID"], ["PID", "HOSTPID"]))
    header = lines[header_at]
    names = header.split()
    assert names[-1] == "COMMAND"
    start = header.index("COMMAND")
    rows = []
    for line in lines[header_at + 1:]:
        row = dict(zip(names[:-1], line[:start].split()))
        assert len(row) == len(names) - 1, line
        row["COMMAND"] = line[start:]
        rows.append(row)
    return lines[:header_at], rows


def tree_depth(command):
    """How deep a row is in the tree view, and its command without the prefix."""
    depth = 0
    while command[:1] == "…" or command[:3] in ("│  ", "   ", "├─ ", "└─ "):
        if command[:1] == "…":
            command = command[1:]
            continue
        depth += 1
        command = command[3:]
    return depth, command


def is_ps_itself(command):
    return command.startswith(f"{VIGIL} ps")


def test_ps_lists_the_namespace_as_proc_shows_it(namespace):
    result = ps(namespace)
    summary, rows = parse_table(result.stdout)
    rows = [row for row in rows if not is_ps_itself(row["COMMAND"])]
    expected = namespace_snapshot(namespace.vigil_pid)
    assert sorted(int(row["PID"]) for row in rows) == sorted(expected)
    for row in rows:
        process = expected[int(row["PID"])]
        assert int(row["PPID"]) == process["ppid"], row
        assert row["S"] == process["state"], row
        assert row["USER"] == "root"
        assert row["COMMAND"] == expected_command(process), row
        assert abs(int(row["RSS"]) - process["rss"]) <= max(512, process["rss"] // 5), row
    # vigil itself, its main child, the zombie and the orphan.
    assert expected[1]["comm_bytes"] == b"vigil"
    zombies = [row for row in rows if row["S"] == "Z"]
    assert len(zombies) == 1 and zombies[0]["COMMAND"].endswith("] <defunct>")
    assert summary[0].startswith(f"processes: {len(rows) + 1}  zombies: 1  pids: ")
    # Every row is one line: the newline in the hostile name and command line is escaped.
    hostile = [row for row in rows if row["COMMAND"].startswith("evil\\nline\\x1b[2J\\xff\\xfe \\xe2\\x82 -c ")]
    assert len(hostile) == 1, rows
    assert hostile[0]["COMMAND"].endswith(" ar\\tg")
    assert "\x1b" not in result.stdout


def test_ps_json_matches_proc(namespace):
    data = json.loads(ps(namespace, "--json").stdout)
    assert data["version"] == 1 and data["target"] is None
    processes = [p for p in data["processes"] if not is_ps_itself(p["command"])]
    expected = namespace_snapshot(namespace.vigil_pid)
    assert sorted(p["pid"] for p in processes) == sorted(expected)
    for process in processes:
        truth_ = expected[process["pid"]]
        args = truth_["cmdline_bytes"].rstrip(b"\0")
        assert process["argv"] == ([a.decode("utf-8", "replace") for a in args.split(b"\0")] if args else [])
        assert process["name"] == truth_["comm_bytes"].decode("utf-8", "replace")
        assert process["ppid"] == truth_["ppid"]
        assert process["pgrp"] == truth_["pgrp"]
        assert process["state"] == truth_["state"]
        assert process["zombie"] == (truth_["state"] == "Z")
        assert process["uid"] == truth_["uid"] == 0 and process["user"] == "root"
        assert process["host_pid"] == process["pid"]
        assert process["argv_truncated"] is False
        assert 0 <= process["age_seconds"] <= data["summary"]["uptime_seconds"]
        assert process["cpu_seconds"] >= 0
    hostile = next(p for p in processes if p["name"] == "a) b (c\nd")
    assert hostile["argv"][0] == "evil\nline\x1b[2J\ufffd\ufffd \ufffd"
    summary = data["summary"]
    assert summary["processes"] == len(processes) + 1
    assert summary["zombies"] == 1
    assert summary["clock_ticks"] > 0
    # Since Linux 6.14 pid_max is per PID namespace, as the reader's namespace sees it.
    inside = subprocess.run(["nsenter", "-t", str(namespace.vigil_pid), "-p", "-m", "--",
                             "cat", "/proc/sys/kernel/pid_max"], capture_output=True, timeout=30)
    assert summary["pid_max"] == int(inside.stdout)


def test_ps_tree_shows_who_was_reparented_to_whom(namespace):
    _, rows = parse_table(ps(namespace, "--tree").stdout)
    expected = namespace_snapshot(namespace.vigil_pid)
    seen = []
    depth_of = {}
    for row in rows:
        depth, command = tree_depth(row["COMMAND"])
        pid, parent = int(row["PID"]), int(row["PPID"])
        # A row comes after its parent, one level deeper; roots have a parent outside.
        if parent in depth_of:
            assert depth == depth_of[parent] + 1, row
            assert parent in seen
        else:
            assert depth == 0, row
        depth_of[pid] = depth
        seen.append(pid)
        if is_ps_itself(command):
            continue
        process = expected[pid]
        marked = command.endswith(f" <re-parented, group {process['pgrp']}>")
        assert command.removesuffix(f" <re-parented, group {process['pgrp']}>") == expected_command(process)
        # The orphaned sleeper hangs under PID 1, but is still in the workload's group.
        orphan = process["cmdline_bytes"] == b"sleep\x001000\x00" and parent == 1
        assert marked == orphan, row
    assert sum(1 for row in rows if "<re-parented, group " in row["COMMAND"]) == 1
    assert rows[0]["PID"] == "1" and tree_depth(rows[0]["COMMAND"])[0] == 0


def test_ps_target_shows_the_namespace_from_the_node(namespace):
    result = ps(namespace, "--target", str(namespace.vigil_pid), inside=False)
    lines = result.stdout.split("\n")
    inode = namespace_inode(namespace.vigil_pid)
    assert lines[0] == (f"PID namespace pid:[{inode}] of host PID {namespace.vigil_pid}; "
                        "PIDs as that namespace sees them")
    _, rows = parse_table(result.stdout)
    expected = namespace_snapshot(namespace.vigil_pid)
    # Exactly the namespace's processes (nothing of the node's), as its own /proc numbers them.
    assert sorted(int(row["PID"]) for row in rows) == sorted(expected)
    for row in rows:
        process = expected[int(row["PID"])]
        assert int(row["PPID"]) == process["ppid"], row
        assert row["COMMAND"] == expected_command(process)
        host = snapshot()[int(row["HOSTPID"])]
        assert host["nspid"][1] == int(row["PID"]), (row, host["nspid"])
    # The nested namespace's sleeper is listed with the PID the target's namespace gives it.
    nested = [pid for pid, p in expected.items() if len(p["nspid"]) == 2]
    assert len(nested) == 1 and str(nested[0]) in [row["PID"] for row in rows]


def test_ps_target_json_translates_pids_and_parents(namespace):
    data = json.loads(ps(namespace, "--target", str(namespace.vigil_pid), "--json", inside=False).stdout)
    assert data["target"] == {"host_pid": namespace.vigil_pid,
                              "pid_namespace": namespace_inode(namespace.vigil_pid)}
    expected = namespace_snapshot(namespace.vigil_pid)
    by_pid = {p["pid"]: p for p in data["processes"]}
    assert sorted(by_pid) == sorted(expected)
    host = snapshot()
    for pid, process in by_pid.items():
        assert process["ppid"] == expected[pid]["ppid"]
        assert process["pgrp"] == expected[pid]["pgrp"]
        assert host[process["host_pid"]]["nspid"][1] == pid
    assert by_pid[1]["host_pid"] == namespace.vigil_pid and by_pid[1]["ppid"] == 0


def test_a_process_with_thousands_of_groups_is_still_found_in_its_namespace(launch):
    # Its Groups line pushes NSpid, which --target needs, far into /proc/PID/status.
    needs_namespaces()
    run = launch([PYTHON, "-c", "import os, time; os.setgroups(range(100000, 104000)); time.sleep(1000)"])
    child = run.child_pid()
    wait_for(lambda: len((status(child) or {}).get("Groups", "").split()) == 4000, what="the groups to be set")
    data = json.loads(ps(run, "--target", str(run.vigil_pid), "--json", inside=False).stdout)
    assert [(p["pid"], p["host_pid"]) for p in data["processes"]] == [(1, run.vigil_pid), (2, child)]


def test_ps_target_of_a_process_inside_shows_the_same_namespace(namespace):
    child = namespace.child_pid()
    a = json.loads(ps(namespace, "--target", str(child), "--json", inside=False).stdout)
    b = json.loads(ps(namespace, "--target", str(namespace.vigil_pid), "--json", inside=False).stdout)
    assert [p["pid"] for p in a["processes"]] == [p["pid"] for p in b["processes"]]


@pytest.fixture
def pids_cgroup():
    """Makes pids cgroups (v1 or v2, as incident.py does); afterwards kills what is left in
    them and removes them."""
    require(os.geteuid() == 0 and incident.available() is None, f"pids cgroup: {incident.available()}")
    made = []

    def make(limit):
        cgroup = incident.PidsCgroup(limit, name=f"vigil-ps-{os.getpid()}-{len(made)}")
        made.append(cgroup)
        return cgroup

    def emptied(directory):
        pids = (directory / "cgroup.procs").read_text().split()
        for pid in pids:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except ProcessLookupError:
                pass
        return not pids

    yield make
    for cgroup in reversed(made):
        for directory in [d for d in cgroup.path.iterdir() if d.is_dir()] + [cgroup.path]:
            wait_for(lambda: emptied(directory), what=f"{directory} to empty")
            directory.rmdir()


def test_ps_summary_gives_pid_use_against_the_pids_cgroup(launch, pids_cgroup, tmp_path):
    needs_namespaces()
    cgroup = pids_cgroup(100)
    ready = tmp_path / "ready"
    run = launch([PYTHON, workload("ps_workload.py"), str(ready), "flat"], preexec_fn=cgroup.enter)
    wait_for(ready.exists, timeout=60, what="the workload's processes")
    name = "/" + cgroup.path.name
    # From the node: nothing of ours is in the cgroup, so the figures are exact.
    data = json.loads(ps(run, "--target", str(run.vigil_pid), "--json", inside=False).stdout)
    current = int(pathlib.Path(cgroup.current_file).read_text())
    assert data["summary"]["pids"] == {"current": current, "max": 100, "cgroup": name,
                                       "cgroup_version": cgroup.version}
    # unshare, outside the namespace, counts too; the zombie holds its PID.
    assert current == data["summary"]["processes"] + 1
    # Inside and in the cgroup (as docker exec runs it), nsenter and vigil ps count while they run.
    summary = parse_table(ps(run, preexec_fn=cgroup.enter).stdout)[0][0]
    assert f"  pids: {current + 2} of 100 ({current + 2}%, cgroup v{cgroup.version} {name})  pid_max: " in summary
    # Inside but in the node's cgroup (nsenter alone): the namespace's PID 1 gives the cgroup.
    summary = parse_table(ps(run).stdout)[0][0]
    assert f"  pids: {current} of 100 ({current}%, cgroup v{cgroup.version} {name})  pid_max: " in summary


def test_ps_reports_the_level_of_the_pids_hierarchy_with_least_room(launch, pids_cgroup, tmp_path):
    needs_namespaces()
    outer = pids_cgroup(60)
    inner = outer.path / "inner"
    if outer.version == 2:
        (outer.path / "cgroup.subtree_control").write_text("+pids")
    inner.mkdir()
    (inner / "pids.max").write_text("500")
    ready = tmp_path / "ready"
    run = launch([PYTHON, workload("ps_workload.py"), str(ready), "flat"],
                 preexec_fn=lambda: (inner / "cgroup.procs").write_text(str(os.getpid())))
    wait_for(ready.exists, timeout=60, what="the workload's processes")

    def pids():
        return json.loads(ps(run, "--target", str(run.vigil_pid), "--json", inside=False).stdout)["summary"]["pids"]

    assert pids()["max"] == 60 and pids()["cgroup"] == "/" + outer.path.name
    (outer.path / "pids.max").write_text("max")
    assert pids()["max"] == 500 and pids()["cgroup"] == f"/{outer.path.name}/inner"
    (inner / "pids.max").write_text("max")
    assert pids()["max"] is None and pids()["cgroup"] == f"/{outer.path.name}/inner"


def test_help_and_usage_errors():
    result = subprocess.run([VIGIL, "ps", "--help"], capture_output=True, timeout=30)
    assert result.returncode == 0 and result.stdout.startswith(b"Usage: vigil ps ")
    for args, message in [(["--bogus"], "unknown option '--bogus'"), (["aux"], "unexpected argument 'aux'"),
                          (["--target"], "option '--target' needs a value: HOSTPID"), (["--target", "x1"], "--target needs a PID, not 'x1'"),
                          (["--tree", "--json"], "--tree and --json cannot be combined")]:
        result = subprocess.run([VIGIL, "ps", *args], capture_output=True, timeout=30)
        assert result.returncode == 2, args
        assert result.stdout == b""
        err = result.stderr.decode()
        assert err.count("\n") == 1 and err.startswith(f"vigil ps: {message}"), err


def test_target_errors_are_one_line():
    needs_namespaces()
    gone = subprocess.Popen(["true"])
    gone.wait()
    result = subprocess.run([VIGIL, "ps", "--target", str(gone.pid)], capture_output=True, timeout=30)
    assert result.returncode == 1
    assert result.stderr.decode() == (f"vigil ps: --target: cannot open /proc/{gone.pid}: "
                                      "No such file or directory\n")


def test_without_proc_the_error_says_so():
    # An empty file over /proc/uptime: without any /proc, the debug build's Swift runtime
    # cannot even start.
    needs_namespaces()
    result = subprocess.run(["unshare", "--mount", "--", "sh", "-c",
                             f"mount --bind /dev/null /proc/uptime && exec {VIGIL} ps"],
                            capture_output=True, timeout=30)
    assert result.returncode == 1
    assert result.stderr == b"vigil ps: cannot read /proc/uptime (is /proc mounted?)\n"


def test_ps_is_a_subcommand_only_first_and_only_under_vigils_name(tmp_path):
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "ps").write_text("#!/bin/sh\necho \"the ps program $*\"\n")
    (fake / "ps").chmod(0o755)
    for name in ("tini", "dumb-init"):
        (tmp_path / name).symlink_to(VIGIL)
    env = dict(os.environ, PATH=f"{fake}:{os.environ['PATH']}")
    for command in ([VIGIL, "--", "ps", "x"], [VIGIL, "-v", "ps", "x"], [str(tmp_path / "tini"), "ps", "x"],
                    [str(tmp_path / "tini"), "--", "ps", "x"], [str(tmp_path / "dumb-init"), "ps", "x"]):
        result = subprocess.run(command, capture_output=True, timeout=30, env=env)
        assert result.returncode == 0, (command, result.stderr)
        assert result.stdout == b"the ps program x\n", command
    assert subprocess.run([VIGIL, "ps", "--help"], capture_output=True, env=env, timeout=30).stdout.startswith(
        b"Usage: vigil ps")
