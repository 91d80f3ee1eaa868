"""Every reader of /proc that the tests use on the host, in one place: one parser of
/proc/PID/stat, one of /proc/PID/status, and the readers built on them. Test modules, helpers,
conftest and engines import from here; none reads /proc itself. (What a test runs inside a
container or namespace, such as `cat /proc/1/comm`, is the subject of the test and stays there.)

A reader of a process that is gone returns None (or an empty value, as its docstring says)
unless it says that it raises.
"""
import os
import pathlib
import re

PROC = "/proc"


def read(path):
    """The bytes of a /proc file, or None when it cannot be read (the process is gone)."""
    try:
        return pathlib.Path(path).read_bytes()
    except OSError:
        return None


# --- the two parsers --------------------------------------------------------------------------

def parse_stat(data):
    """Fields of a /proc/PID/stat text (bytes). The name is everything between the first '('
    and the last ')': a process may put spaces and parentheses in it. `comm` is the name as
    text, `comm_bytes` as the kernel gives it."""
    close = data.rindex(b")")
    fields = data[close + 2:].split()
    comm = data[data.index(b"(") + 1:close]
    return {
        "pid": int(data[:data.index(b" ")]),
        "comm": comm.decode(errors="replace"),
        "comm_bytes": comm,
        "state": fields[0].decode(),
        "ppid": int(fields[1]),
        "pgrp": int(fields[2]),
        "session": int(fields[3]),
        "tpgid": int(fields[5]),
    }


def parse_status(data):
    """The fields of a /proc/PID/status text (bytes or str): {"VmRSS": "1234 kB", ...}, each
    value without the whitespace around it."""
    text = data.decode(errors="replace") if isinstance(data, bytes) else data
    pairs = (line.split(":", 1) for line in text.splitlines() if ":" in line)
    return {name: value.strip() for name, value in pairs}


# --- one process ------------------------------------------------------------------------------

def proc_stat(pid, proc=PROC):
    """/proc/PID/stat as a dict (parse_stat), or None when the process is gone."""
    data = read(f"{proc}/{pid}/stat")
    return parse_stat(data) if data else None


def state_of(pid):
    """The one-letter state (R, S, T, Z ...), or None when the process is gone."""
    return (proc_stat(pid) or {}).get("state")


def status(pid, proc=PROC):
    """/proc/PID/status as a dict (parse_status), or None when the process is gone."""
    data = read(f"{proc}/{pid}/status")
    return parse_status(data) if data is not None else None


def status_field(pid, field):
    """A numeric field of /proc/PID/status (VmRSS in kB, voluntary_ctxt_switches, ...). Raises
    when the process is gone or has no such field."""
    return int(parse_status(pathlib.Path(f"{PROC}/{pid}/status").read_bytes())[field].split()[0])


def signal_masks(status_text):
    """(SigBlk, SigIgn) of a /proc/PID/status text, as integers."""
    fields = parse_status(status_text)
    return int(fields["SigBlk"], 16), int(fields["SigIgn"], 16)


def status_ids(pid):
    """(Uid, Gid, Groups) of /proc/PID/status, as lists of ints."""
    fields = parse_status(pathlib.Path(f"{PROC}/{pid}/status").read_bytes())
    return tuple([int(value) for value in fields[name].split()] for name in ("Uid", "Gid", "Groups"))


def cmdline_bytes(pid, proc=PROC):
    """/proc/PID/cmdline as the kernel gives it (NUL after each argument), or None when gone."""
    return read(f"{proc}/{pid}/cmdline")


def argv_of(pid):
    """The arguments of /proc/PID/cmdline as a list of text ([] when gone, or a kernel thread)."""
    data = cmdline_bytes(pid)
    return [part.decode(errors="replace") for part in data.split(b"\0")[:-1]] if data else []


def command_line(pid):
    """/proc/PID/cmdline as one text, each NUL a space ("" when gone)."""
    return (cmdline_bytes(pid) or b"").replace(b"\0", b" ").decode(errors="replace")


def environment(pid):
    """/proc/PID/environ as a dict ({} when gone)."""
    data = read(f"{PROC}/{pid}/environ") or b""
    pairs = (item.decode(errors="replace").partition("=") for item in data.split(b"\0") if item)
    return {key: value for key, _, value in pairs}


def working_directory(pid):
    return os.readlink(f"{PROC}/{pid}/cwd")


def executable(pid):
    """The real path of the program the process runs."""
    return os.path.realpath(f"{PROC}/{pid}/exe")


def syscall_number(pid):
    """The first word of /proc/PID/syscall: the number of the system call the process is
    blocked in as text ("running" when it is not blocked), or None when unreadable."""
    words = (read(f"{PROC}/{pid}/syscall") or b"").split()
    return words[0].decode() if words else None


def wchan(pid):
    """Where in the kernel the process sleeps ("" or "0" where the kernel hides it), or None."""
    data = read(f"{PROC}/{pid}/wchan")
    return data.decode(errors="replace") if data is not None else None


def cpu_seconds(pid):
    """CPU time the process has used, in seconds (/proc/PID/schedstat, nanoseconds)."""
    return int(pathlib.Path(f"{PROC}/{pid}/schedstat").read_text().split()[0]) / 1e9


# --- namespaces -------------------------------------------------------------------------------

def namespace_path(pid, kind="pid"):
    """/proc/PID/ns/KIND: the path that names (and joins) a namespace of the process."""
    return f"{PROC}/{pid}/ns/{kind}"


def namespace(pid, kind="pid"):
    """The namespace's name, such as "pid:[4026531836]", or None when the process is gone."""
    try:
        return os.readlink(namespace_path(pid, kind))
    except OSError:
        return None


def namespace_inode(pid, kind="pid"):
    return os.stat(namespace_path(pid, kind)).st_ino


def namespace_pid(pid, gone=None):
    """The PID that `pid` (a host PID) has in its own PID namespace (the last of NSpid); when
    the process is gone, `gone` if given, else an AssertionError."""
    fields = status(pid) or {}
    if "NSpid" not in fields:
        if gone is not None:
            return gone
        raise AssertionError(f"process {pid} is gone")
    return int(fields["NSpid"].split()[-1])


# --- every process ----------------------------------------------------------------------------

def all_pids(proc=PROC):
    return [int(name) for name in os.listdir(proc) if name.isdigit()]


def processes():
    """Every process's stat dict."""
    return [stat for stat in map(proc_stat, all_pids()) if stat]


def children_of(pid):
    return [stat["pid"] for stat in processes() if stat["ppid"] == pid]


def descendants(pid):
    """Every PID below `pid`: its children, theirs, and so on."""
    table = processes()
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        children = [stat["pid"] for stat in table if stat["ppid"] == parent]
        found += children
        frontier += children
    return found


def namespace_processes(pid):
    """Stat dicts (host PIDs), each with its "cmdline" (argv_of), of the processes in the PID
    namespace of host PID `pid`."""
    own = namespace(pid)
    assert own, f"process {pid} is gone"
    result = []
    for other in all_pids():
        if namespace(other) == own:
            stat = proc_stat(other)
            if stat:
                stat["cmdline"] = argv_of(other)
                result.append(stat)
    return result


def snapshot(proc=PROC):
    """Every process of the /proc mounted at `proc` (the host's, or a namespace's seen through
    /proc/PID/root/proc), read as a user would: pid -> its stat dict with "uid" (effective),
    "rss" (kB, 0 without memory), "nspid" (its PIDs, outermost first) and "cmdline_bytes"."""
    table = {}
    for pid in all_pids(proc):
        stat, fields, cmdline = proc_stat(pid, proc), status(pid, proc), cmdline_bytes(pid, proc)
        if stat is None or fields is None or cmdline is None:
            continue
        table[pid] = dict(stat, uid=int(fields["Uid"].split()[1]),
                          rss=int(fields["VmRSS"].split()[0]) if "VmRSS" in fields else 0,
                          nspid=[int(number) for number in fields["NSpid"].split()],
                          cmdline_bytes=cmdline)
    return table


def namespace_snapshot(pid):
    """The snapshot of the PID namespace of host PID `pid`, as its own /proc shows it (seen
    through /proc/PID/root/proc: PIDs as that namespace numbers them)."""
    return snapshot(f"{PROC}/{pid}/root/proc")


def mount_points():
    """The mount points of this process's mount namespace (/proc/self/mountinfo), unescaped."""
    points = []
    for line in pathlib.Path(f"{PROC}/self/mountinfo").read_text().splitlines():
        points.append(re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), line.split()[4]))
    return points
