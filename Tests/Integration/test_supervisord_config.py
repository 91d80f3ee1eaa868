"""vigil reads supervisord's configuration as supervisord does: for each fixture in
supervisord_fixtures/, real supervisord's own reading (its Python API, through
supervisord_reference.py, with Debian's supervisor package) and `vigil supervisord-config` print
the same lines, or both refuse the file, vigil with the one-line FILE:LINE error the fixture's
first line expects (`; expect-error: LINE: TEXT`).
"""
import os
import pathlib
import re
import shutil
import subprocess

import pytest

from helpers import VIGIL, require

HERE = pathlib.Path(__file__).resolve().parent
FIXTURES = HERE / "supervisord_fixtures"
REFERENCE = HERE / "supervisord_reference.py"
ENVIRONMENT = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": "/root",
    "FIXTURE_HOME": "/tmp",
    "FIXTURE_COMMAND": "/usr/bin/php -d variables_order=EGPCS /var/www/html/artisan serve --port=80",
    "FIXTURE_USER": "nobody",
    "FIXTURE_PASSWORD": "s3cret,pw",
    "QUEUE": "from the environment",
}


def reference_python():
    """The interpreter of Debian's supervisord script, which can import supervisor."""
    path = shutil.which("supervisord")
    require(path is not None, "supervisord (Debian package supervisor) is not installed")
    with open(path, "rb") as script:
        first = script.readline().decode()
    python = first[2:].strip().split()[0] if first.startswith("#!") else "python3"
    probe = subprocess.run([python, "-c", "import supervisor.options"], capture_output=True)
    require(probe.returncode == 0, f"{python} cannot import supervisor")
    return python


def read_both(arguments, cwd=FIXTURES):
    env = dict(ENVIRONMENT)
    reference = subprocess.run([reference_python(), str(REFERENCE)] + arguments, capture_output=True, env=env, cwd=cwd, timeout=60)
    ours = subprocess.run([VIGIL, "supervisord-config"] + arguments, capture_output=True, env=env, cwd=cwd, timeout=60)
    assert ours.returncode in (0, 2), ours.stderr.decode(errors="replace")
    return reference, ours


def fixtures(prefix):
    return sorted(path.name for path in FIXTURES.glob("*.conf") if path.name.startswith("error-") == (prefix == "error-"))


@pytest.mark.parametrize("name", fixtures(""))
def test_same_reading_as_supervisord(name):
    path = FIXTURES / name
    reference, ours = read_both(["-c", str(path)])
    assert reference.returncode == 0, reference.stdout.decode(errors="replace") + reference.stderr.decode(errors="replace")
    assert ours.returncode == 0, ours.stderr.decode(errors="replace")
    assert ours.stdout.decode().splitlines() == reference.stdout.decode().splitlines()


@pytest.mark.parametrize("name", fixtures("error-"))
def test_refused_where_supervisord_refuses(name):
    path = FIXTURES / name
    expected = path.read_text().splitlines()[0].removeprefix("; expect-error: ")
    if re.match(r"\d+: ", expected):
        expected = f"{path}:{expected}"
    reference, ours = read_both(["-c", str(path)])
    assert reference.returncode == 2, reference.stdout.decode(errors="replace")
    assert reference.stdout.decode().startswith("error=")
    error = ours.stderr.decode()
    assert ours.returncode == 2 and ours.stdout == b"", error
    assert error.count("\n") == 1, error
    assert expected in error, f"supervisord: {reference.stdout.decode().strip()}\nvigil: {error}"


COMMAND_LINES = [
    ["-n", "-c", "restart-rules.conf"],
    ["-nc", "restart-rules.conf", "-u", "nobody", "-m", "077", "-e", "debug", "-l", "/tmp/other.log", "-j", "/tmp/other.pid"],
    ["--configuration=groups.conf", "--nodaemon", "--identifier", "box", "--minfds=10", "--minprocs", "5", "-k", "-t", "-s"],
    ["--conf", "groups.conf", "-q", "/tmp", "-d", "/tmp", "-y", "1MB", "-z", "3", "-a", "4096"],
    ["-c", "groups.conf", "--profile_options=cumulative,callers"],
    # Refused by both.
    ["-c", "groups.conf", "-c", "groups.conf"],
    ["-c", "groups.conf", "extra"],
    ["-c", "groups.conf", "-x"],
    ["--c", "groups.conf"],
    ["-c"],
    ["-c", "groups.conf", "-m", "9"],
    ["-c", "groups.conf", "-e", "verbose"],
    ["-c", "groups.conf", "--nodaemon=true"],
    ["-c", "groups.conf", "-u", "vigil-no-such-user"],
    ["-c", "groups.conf", "-l", "/nonexistent-vigil/x.log"],
    ["-c", "no-such-file.conf"],
]


@pytest.mark.parametrize("arguments", COMMAND_LINES, ids=" ".join)
def test_command_line_as_supervisord_reads_it(arguments):
    reference, ours = read_both(arguments)
    assert ours.returncode == reference.returncode, (reference.stdout.decode(errors="replace"), ours.stderr.decode(errors="replace"))
    if reference.returncode == 0:
        assert ours.stdout.decode().splitlines() == reference.stdout.decode().splitlines()
    else:
        assert ours.stderr.decode().count("\n") == 1


def test_dry_run_lists_supervisords_processes_in_start_order():
    path = FIXTURES / "groups.conf"
    reference, _ = read_both(["-c", str(path)])
    names = [line.split("=", 1)[1] for line in reference.stdout.decode().splitlines() if re.match(r"process\.\d+\.name=", line)]
    dry = subprocess.run([VIGIL, "supervisord-config", "--dry-run", str(path)], capture_output=True, env=ENVIRONMENT, timeout=60)
    assert dry.returncode == 0, dry.stderr.decode()
    listed = re.findall(r"^\d+\. (?:[^ :]+:)?(\S+)  \(group", dry.stdout.decode(), re.M)
    assert listed == names
