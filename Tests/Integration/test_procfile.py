"""`vigil procfile-plan` against honcho 2.0.0: for Procfiles and .env files of every shape the
Procfile mode must read, the processes vigil would run (names, commands, PORTs, environment
additions, output prefixes) are the ones `honcho start` would run.

honcho is asked through its own command line: `honcho.command.main(["start", ...])` with its
process manager's loop replaced, so that it parses, chooses and numbers the processes, computes
their PORTs and environments and pads their prefixes, and starts nothing. Where vigil
deliberately differs (a line honcho skips without a word, which vigil refuses with FILE:LINE,
exit 2), the test shows that honcho does skip it.
"""
import os
import random
import subprocess

import pytest

from helpers import ROOT, VIGIL, require
from honcho_plans import BASE_ENV, honcho_plan, need_honcho, parse_plan, same

# `procfile-plan` and `runit-status` are developer's commands, left out of release builds for
# size: the comparisons run them from the debug binary built from the same sources (whichever
# binary VIGIL_BIN names).
DEVELOPER_VIGIL = os.environ.get("VIGIL_DEBUG_BIN") or str(ROOT / ".build" / "debug" / "vigil")
if VIGIL.endswith("/debug/vigil"):
    DEVELOPER_VIGIL = VIGIL


def need_developer_vigil():
    require(os.access(DEVELOPER_VIGIL, os.X_OK), f"no debug build of vigil at {DEVELOPER_VIGIL} (swift build)")


def run_plan(procfile, env_files=(), args=(), environ=None):
    need_developer_vigil()
    argv = [DEVELOPER_VIGIL, "procfile-plan"]
    for env_file in env_files:
        argv += ["--env", str(env_file)]
    return subprocess.run(argv + list(args) + [str(procfile)], capture_output=True, timeout=60,
                          env={**BASE_ENV, **(environ or {})})


def vigil_plan(procfile, env_files=(), args=(), environ=None):
    result = run_plan(procfile, env_files, args, environ)
    assert result.returncode == 0, result.stderr.decode()
    return parse_plan(result.stdout.decode())


PROCFILES = {
    # Comments, blank lines, names of letters, digits, '_' and '-', a colon in a command, '$PORT'.
    "basic": b"# Procfile for development\n\nweb: bundle exec puma -C config/puma.rb -p $PORT\n"
             b"worker_2: bundle exec sidekiq -q a:b\n  # indented comment\n-x9: ./bin/x\n",
    # Quotes, '%', '#' and trailing blanks belong to the command; tabs and no blank after ':'.
    "commands": b"web: gunicorn wsgi -b :$PORT --access-logformat '[%(h)s] \"%(r)s\" %(s)s' # not a comment  \n"
                b"tabbed:\t\tpython -m worker\t\nnospace:./spawner\n",
    # Line breaks honcho (Python's splitlines) sees: CRLF, a lone CR, a vertical tab, U+2028.
    "breaks": b"web: puma\r\nworker: sidekiq\rclock: clockwork clock.rb\x0bmailer: mailcatcher\xe2\x80\xa8last: true\r\n",
    # Unicode blanks after the colon (Python's \s), non-ASCII in commands.
    "unicode": "web:\u00a0\u2003echo h\u00e9llo \u6ce8\u91ca\nworker:\u3000run --name=w\u00f6rker\n".encode(),
    # Aligned commands, as in foreman's own example.
    "aligned": b"ticker:  ruby ./ticker $PORT\nerror:   ruby ./error\nutf8:    ruby ./utf8\nspawner: ./spawner\n",
    # Many types: ports 100 apart, prefixes padded to the longest name.
    "many": b"".join(b"type%d: run %d\n" % (n, n) for n in range(12)) + b"a_very_long_process_type_name: x\n",
}

ENV_FILES = {
    "plain": b"DATABASE_URL=postgres://u:p@db:5432/app?sslmode=disable\nRAILS_ENV=production\n",
    "quoting": b"# comment\nGREETING=\"hello world\"\nSINGLE='it''s'\nESCAPED=a\\ b\\\"c\nJOINED=a b  c\n"
               b"NEWLINES=\"line1\\nline2\\tend\"\nHASH=value#comment\nQHASH=\"#x\"\nSPACED = spaced\n",
    "skipped": b"EMPTY=\nexport EXPORTED=1\nDASH-NAME=1\n1DIGIT=2\nNOT_AN_ASSIGNMENT\nOK=yes\n",
    "port": b"PORT=6000\nHONCHO_PROCESS_NAME=custom\nA=1\n",
    "override": b"OK=again\nLATE=1\n",
}


@pytest.fixture
def files(tmp_path):
    for name, content in PROCFILES.items():
        (tmp_path / f"{name}.Procfile").write_bytes(content)
    for name, content in ENV_FILES.items():
        (tmp_path / f"{name}.env").write_bytes(content)
    return tmp_path


CASES = [
    # (Procfile, env files, arguments, inherited environment)
    ("basic", [], [], None),
    ("commands", [], [], None),
    ("breaks", [], [], None),
    ("unicode", [], [], None),
    ("aligned", [], [], None),
    ("many", [], [], None),
    ("basic", ["plain"], [], None),
    ("basic", ["quoting"], [], None),
    ("basic", ["skipped"], [], None),
    ("basic", ["skipped", "override"], [], None),
    ("basic", ["port"], [], None),
    ("basic", ["port"], ["-p", "7000"], {"PORT": "8000"}),
    ("basic", [], ["-p", "7000"], {"PORT": "8000"}),
    ("basic", ["plain"], [], {"PORT": "8000"}),
    # Chosen types run in the order chosen; PORT counts in that order.
    ("basic", [], ["worker_2", "web"], None),
    ("many", [], ["type11", "type3", "type11"], None),
    # Concurrency: instances numbered from 1, PORT +1 each; 0 runs none but counts the type.
    ("basic", [], ["-c", "web=3,worker_2=0"], None),
    ("basic", ["plain"], ["-c", "web=2", "-p", "5500", "worker_2", "web"], None),
    ("aligned", [], ["-c", "utf8=12"], None),
]


@pytest.mark.parametrize("procfile,env_files,args,environ", CASES)
def test_the_plan_is_honchos(files, procfile, env_files, args, environ):
    need_honcho()
    path = files / f"{procfile}.Procfile"
    envs = [files / f"{name}.env" for name in env_files]
    # vigil takes chosen types as operands before the file and -c/-p as honcho does.
    ours = vigil_plan(path, envs, args, environ)
    theirs = honcho_plan(path, envs, args, environ)
    assert ours, "no processes planned"
    same(ours, theirs, environ)


def test_lines_that_set_nothing_are_warned_about(files):
    result = run_plan(files / "basic.Procfile", [files / "skipped.env"])
    assert result.returncode == 0
    warned = [line.split(":")[3] for line in result.stderr.decode().splitlines()]
    assert warned == ["1", "2", "3", "4", "5"]


@pytest.mark.parametrize("bad_line", [
    b"web.1: dotted name", b"  web: indented", b"web : space before colon", b"just some words",
    b"\xef\xbb\xbfweb: byte order mark", b"web:", b"web:   ",
])
def test_lines_honcho_skips_are_refused_with_their_line(tmp_path, bad_line):
    need_honcho()
    good = b"first: echo one\n# a comment\n"
    path = tmp_path / "Procfile"
    path.write_bytes(good + bad_line + b"\nlast: echo two\n")
    result = run_plan(path)
    assert result.returncode == 2
    message = result.stderr.decode()
    assert message.startswith(f"vigil procfile-plan: {path}:3: ") and message.count("\n") == 1, message
    # honcho runs the same file without a word about line 3 (a whitespace-only command aside).
    theirs = honcho_plan(path)
    expected = ["first.1", "web.1", "last.1"] if bad_line == b"web:   " else ["first.1", "last.1"]
    assert [p["name"] for p in theirs] == expected


def test_errors_of_both(tmp_path):
    path = tmp_path / "Procfile"
    path.write_bytes(b"web: a\nweb: b\n")
    result = run_plan(path)
    assert (result.returncode, result.stderr) == (2, f"vigil procfile-plan: {path}:2: the process type 'web' is already on line 1\n".encode())
    path.write_bytes(b"web: a\n")
    result = run_plan(path, args=["worker"])
    assert (result.returncode, result.stderr) == (2, b"vigil procfile-plan: no process type 'worker' in the Procfile\n")
    env = tmp_path / ".env"
    env.write_bytes(b"A=1\nB='unclosed\n")
    result = run_plan(path, [env])
    assert (result.returncode, result.stderr) == (2, f"vigil procfile-plan: {env}:2: a quote is not closed\n".encode())
    path.write_bytes(b"# nothing\n")
    assert run_plan(path).returncode == 2


# Random .env lines from the characters that matter to honcho's shlex words; each line alone
# in a file: vigil sets what honcho sets, and refuses what stops honcho.
ALPHABET = ["A", "B", "_", "x", "1", "=", "=", " ", "\t", "'", '"', "\\", "#", "-", ".", "\u00e9", "\u00d7", "$", "n", "t"]


def random_lines(count, seed):
    rng = random.Random(seed)
    lines = []
    for _ in range(count):
        body = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 10)))
        lines.append(rng.choice(["", "FOO", "A_1", "_"]) + rng.choice(["=", " = ", "", "="]) + body)
    return lines


def test_random_env_lines_read_as_honcho_reads_them(tmp_path):
    need_honcho()
    from honcho import environ
    procfile = tmp_path / "Procfile"
    procfile.write_bytes(b"web: true\n")
    env = tmp_path / ".env"
    compared = refused = 0
    for line in random_lines(150, seed=22):
        env.write_text(line + "\n")
        try:
            expected = environ.parse(line)
        except ValueError:
            result = run_plan(procfile, [env])
            assert result.returncode == 2, line
            refused += 1
            continue
        result = run_plan(procfile, [env])
        if "=" in "".join(expected) or "\0" in "".join(expected.values()):
            assert result.returncode == 2, line
            continue
        assert result.returncode == 0, (line, result.stderr)
        added = parse_plan(result.stdout.decode())[0]["env"][1:-1]
        assert dict(map(tuple, added)) == {k: v for k, v in expected.items() if k not in ("PORT", "HONCHO_PROCESS_NAME")}, line
        compared += 1
    assert compared > 50 and refused > 5


def test_the_command_is_refused_in_one_line_in_any_build():
    # Debug builds ask for a Procfile; release builds say the command is not theirs.
    result = subprocess.run([VIGIL, "procfile-plan"], capture_output=True, timeout=60)
    assert result.returncode == 2 and result.stdout == b"" and result.stderr.count(b"\n") == 1, result.stderr
