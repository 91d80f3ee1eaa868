"""Several processes (issue 13), their output: prefixed with each process's name in whole lines,
and a stream nobody reads does not stop vigil.

Each test runs as PID 1 of a fresh PID namespace and as a subreaper (as_pid1).
"""
import os
import re
import select
import signal
import subprocess

import pytest

from helpers import PYTHON, vigil, wait_for
from procfs import state_of, syscall_number, wchan
from services import events, find_descendant, sh, sidecar, wait_for_event


SPEW = """
import os, signal, sys
signal.signal(signal.SIGUSR1, lambda *_: open(sys.argv[1], "a").write("usr1\\n"))
signal.signal(signal.SIGTERM, lambda *_: os._exit(7))
lines, descriptor = b"main line\\n" * 200, int(sys.argv[2])
while True:
    os.write(descriptor, lines)
"""


def blocked_in_pipe_write(pid):
    """Asleep in write(2) to a pipe (or, where the kernel hides wchan, asleep in write(2))."""
    where = wchan(pid)
    if where is None:
        return False
    if where not in ("", "0"):
        return "pipe_write" in where
    return state_of(pid) == "S" and syscall_number(pid) == "1"


def read_what_is_there(pipe):
    """What a pipe holds, up to its end or until nothing more comes for a while."""
    output, descriptor = b"", pipe.fileno()
    os.set_blocking(descriptor, False)
    while select.select([descriptor], [], [], 5)[0]:
        chunk = os.read(descriptor, 1 << 16)
        if not chunk:
            break
        output += chunk
    return output


@pytest.mark.parametrize("stream", ["stdout", "stderr"])
def test_prefixed_output_to_a_stream_nobody_reads_does_not_stop_vigil(launch, tmp_path, as_pid1, stream):
    usr1, go, log = tmp_path / "usr1", tmp_path / "go", tmp_path / "log"
    descriptor = 1 if stream == "stdout" else 2
    flaky = sh(f"echo flaky start >> {log}; while [ ! -e {go} ]; do sleep 0.02; done; exit 1")
    args = (["--prefix-output"] + sidecar("noisy", sh(f"yes noisy >&{descriptor}"))
            + sidecar("flaky", flaky) + ["--backoff", "flaky=0", "--max-restarts", "flaky=3"]
            + ["--", PYTHON, "-c", SPEW, str(usr1), str(descriptor)])
    run = launch(args, pid1=as_pid1, **{stream: subprocess.PIPE})   # never read until vigil exits
    pipe = getattr(run.process, stream)
    try:
        main = find_descendant(run.vigil_pid, f"{PYTHON} -c {SPEW} {usr1} {descriptor}")
        noisy = find_descendant(run.vigil_pid, "yes noisy")
        wait_for(lambda: blocked_in_pipe_write(main) and blocked_in_pipe_write(noisy),
                 what="the writers to block on their full pipes")
        # vigil still forwards signals, reaps and restarts.
        run.signal(signal.SIGUSR1)
        wait_for(usr1.exists, what="USR1 to reach the main")
        go.touch()
        wait_for_event(log, "flaky start", count=4)   # the first start and 3 restarts
        run.signal(signal.SIGTERM)
        assert run.wait(timeout=30) == 7, run.stderr
        # What did get through is whole prefixed lines (and, on stderr, vigil's own).
        lines = read_what_is_there(pipe).split(b"\n")[:-1]
        assert lines and all(line in (b"main | main line", b"noisy | noisy") or line.startswith(b"vigil: ")
                             for line in lines), lines[:5]
    finally:
        pipe.close()
    assert events(log).count("flaky start") == 4


WRITER = """
import os, signal, sys
name, count, done = sys.argv[1], int(sys.argv[2]), sys.argv[3]
sys.stdout.write("".join(f"{name}-line-{index}\\n" for index in range(count)))
if name == "b":
    sys.stdout.write("x" * 70000 + "\\n" + "tail without newline")
sys.stdout.flush()
sys.stderr.write(f"{name}-err\\n")
sys.stderr.flush()
open(done, "w").close()
signal.pause()
"""


def test_prefixed_output_is_whole_lines_each_with_its_name(tmp_path, as_pid1):
    done = {name: tmp_path / f"{name}.done" for name in "abc"}
    wait_all = " || ".join(f"[ ! -e {path} ]" for path in done.values())
    args = (["--prefix-output=a", "--prefix-output=b", "--prefix-output=main"]
            + sidecar("a", [PYTHON, "-c", WRITER, "a", 2000, done["a"]])
            + sidecar("b", [PYTHON, "-c", WRITER, "b", 2000, done["b"]])
            + sidecar("c", [PYTHON, "-c", WRITER, "c", 1, done["c"]])   # not prefixed: straight through
            + ["--"] + sh(f"echo main says hi; while {wait_all}; do sleep 0.02; done"))
    result = vigil(args, pid1=as_pid1)
    assert result.returncode == 0, result.stderr
    # c writes straight to the same pipe: its short line is whole (one write of less than
    # PIPE_BUF), but it may land inside a 64 KiB piece of b's, which the pipe takes in parts.
    text = result.stdout.decode()
    assert text.count("c-line-0\n") == 1
    out = text.replace("c-line-0\n", "").splitlines()
    assert [line for line in out if line.startswith("a | ")] == [f"a | a-line-{index}" for index in range(2000)]
    b_lines = [line for line in out if line.startswith("b | b-line")]
    assert b_lines == [f"b | b-line-{index}" for index in range(2000)]
    pieces = [line[4:] for line in out if line.startswith("b | x")]
    # A line over 64 KiB is cut into lines of at most 64 KiB; an unfinished last line is ended.
    assert len(pieces) > 1 and all(len(piece) <= 65536 for piece in pieces) and "".join(pieces) == "x" * 70000
    assert "b | tail without newline" in out
    assert "main | main says hi" in out
    assert len(out) == 2000 + 2000 + len(pieces) + 2, [line[:40] for line in out
                                                        if not re.match(r"[ab] \| [ab]-line-\d+$", line)]
    err = result.stderr.decode().splitlines()
    assert "a | a-err" in err and "b | b-err" in err and "c-err" in err
