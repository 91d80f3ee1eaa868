"""Programs' log files as supervisord writes them: `*_logfile_maxbytes` and `*_logfile_backups`
rotation (name.log, name.log.1 ... name.log.N; with no backups the file starts over), run side
by side under vigil-as-supervisord and real supervisord: the same files, each rotated one at
least maxbytes long and bounded, and what they keep the newest output, whole and in order.
And what supervisord cannot do: a log file that is a FIFO nobody empties never stops vigil.
"""
import array
import fcntl
import os
import stat
import subprocess
import termios

from helpers import wait_for
from supervisord_runs import ENVIRONMENT, HEADER, both, supervisord_symlink

LINES = 3000
WIDTH = 64
MAXBYTES = 20480
# A rotated file ends with the write that reached maxbytes: at most one pipe's worth beyond it.
PIPE = 65536

# Each line is one write: a zero-padded number, WIDTH bytes with its newline.
WRITER = """
[program:writer]
command=/bin/sh -c 'i=0; while [ $i -lt {lines} ]; do printf "%%0{digits}d\\n" $i; printf "%%0{digits}d\\n" $i >&2; i=$((i+1)); done; exec sleep 1000'
stdout_logfile=%(here)s/writer.log
stdout_logfile_maxbytes={maxbytes}
stdout_logfile_backups=3
stderr_logfile=%(here)s/writer.err
stderr_logfile_maxbytes={maxbytes}
stderr_logfile_backups=0
""".format(lines=LINES, digits=WIDTH - 1, maxbytes=MAXBYTES)


def files(side):
    return sorted(name for name in os.listdir(side.here) if name.startswith("writer."))


def kept(side, base, backups):
    """The lines of base, base.1 ... oldest first, once the last line is in and no rollover is
    under way: every backup there and base below maxbytes (a rollover renames one file after
    another, and starts once a write took base to maxbytes)."""
    def read():
        paths = [side.here / f"{base}.{index}" for index in range(backups, 0, -1)] + [side.here / base]
        try:
            texts = [path.read_text() for path in paths]
            # Read twice: a rollover between two files' reads would show one file twice.
            if texts != [path.read_text() for path in paths]:
                return None
        except FileNotFoundError:
            return None
        text = "".join(texts)
        return text if len(texts[-1]) < MAXBYTES and text.endswith("%0*d\n" % (WIDTH - 1, LINES - 1)) else None
    return wait_for(read, timeout=60, what=f"{base} to end with the last line; files: {files(side)}").splitlines()


def whole_and_newest(lines):
    numbers = consecutive(lines)
    assert numbers == list(range(LINES - len(numbers), LINES))


def consecutive(lines):
    """The numbers of whole lines that follow each other."""
    assert all(len(line) == WIDTH - 1 for line in lines)
    numbers = [int(line) for line in lines]
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers))) if numbers else True
    return numbers


def ended_or_empty(path):
    text = path.read_text() if path.exists() else None
    return text is not None and (text == "" or text.endswith("%0*d\n" % (WIDTH - 1, LINES - 1)))


def test_rotation_as_supervisord(launch, tmp_path):
    sides = both(launch, tmp_path, supervisord_symlink(tmp_path), WRITER)
    for side in sides:
        whole_and_newest(kept(side, "writer.log", 3))
        # Without backups the file starts over: the write that fills it may leave it empty.
        wait_for(lambda: ended_or_empty(side.here / "writer.err"), timeout=60, what="writer.err to end")
        consecutive((side.here / "writer.err").read_text().splitlines())
        for name in ["writer.log.1", "writer.log.2", "writer.log.3"]:
            assert MAXBYTES <= (side.here / name).stat().st_size <= MAXBYTES + PIPE, name
        assert (side.here / "writer.log").stat().st_size < MAXBYTES
        assert (side.here / "writer.err").stat().st_size < MAXBYTES
    ours, theirs = [files(side) for side in sides]
    assert ours == theirs == ["writer.err", "writer.log", "writer.log.1", "writer.log.2", "writer.log.3"]
    assert [side.stop() for side in sides] == [0, 0]


# The flood writes whole pages (cat's 128 KiB writes of /dev/zero), so vigil reads and
# forwards whole pages and the FIFO is full at exactly a pipe's worth; lines of 1 KiB could
# leave pages part-filled and the FIFO full below that.
FLOOD = """
[program:flood]
command=/bin/cat /dev/zero
stdout_logfile=%(here)s/full.fifo

[program:unread]
command=/bin/sh -c 'echo ready; exec sleep 1000'
stdout_logfile=%(here)s/unread.fifo

[program:other]
command=/bin/sh -c 'exec sleep 1000'
"""


def test_a_fifo_nobody_empties_never_stops_vigil(launch, tmp_path):
    here = tmp_path / "fifo"
    here.mkdir()
    for name in ["full.fifo", "unread.fifo"]:
        os.mkfifo(here / name)
    # A reader that never reads: the flood fills the FIFO; unread.fifo has no reader at all.
    reader = os.open(here / "full.fifo", os.O_RDONLY | os.O_NONBLOCK)
    try:
        config = here / "supervisord.conf"
        config.write_text(HEADER + FLOOD)
        run = launch(["-n", "-c", str(config)], binary=supervisord_symlink(tmp_path), env=ENVIRONMENT, cwd=str(here))
        wait_for(lambda: "success: other" in run.stderr and "success: flood" in run.stderr, what=f"programs running; log: {run.stderr}")
        assert f"warning: unread: cannot open its log file: open {here}/unread.fifo: No such device or address" in run.stderr
        wait_for(lambda: stat.S_ISFIFO(os.stat(here / "full.fifo").st_mode) and fifo_full(reader), what="the FIFO full")
        for _ in range(3):
            status = ctl(config, "status")
            assert status.returncode == 0, status.stdout
        restart = ctl(config, "restart", "other")
        assert restart.stdout.decode() == "other: stopped\nother: started\n"
        run.signal(15)
        assert run.wait() == 0
    finally:
        os.close(reader)


def fifo_full(reader):
    """Whether the FIFO holds a pipe's worth of unread bytes."""
    count = array.array("i", [0])
    fcntl.ioctl(reader, termios.FIONREAD, count)
    return count[0] >= PIPE


def ctl(config, *words):
    return subprocess.run(["supervisorctl", "-c", str(config)] + list(words), capture_output=True, env=ENVIRONMENT, timeout=60)
