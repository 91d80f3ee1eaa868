"""Several processes (issue 13), per-process settings and the configuration file: users and
working directories; bad flags and bad files, each one line and exit 2 with nothing started;
and a file that means what the flags mean.

Each test runs as PID 1 of a fresh PID namespace and as a subreaper (as_pid1), but for the
comparison of the file's and the flags' messages, where that cannot matter.
"""
import os
import signal

import pytest

from helpers import vigil
from procfs import status_ids
from services import events, find_descendant, init, service, sh, sidecar, words


HELP_HINT = "Try 'vigil --help' for more information."


# --- users and working directories -----------------------------------------------------------

@pytest.mark.parametrize("user,ids", [
    ("nobody", (65534, 65534, [65534])),
    ("12345", (12345, 0, [0])),
    ("nobody:12", (65534, 12, [12])),
    ("nobody:nogroup", (65534, 65534, [65534])),
])
def test_a_process_runs_as_the_user_it_is_given(launch, as_pid1, user, ids):
    uid, gid, groups = ids
    args = (["--user", f"s={user}", "--user", f"main={user}"] + sidecar("s", ["sleep", "3601"])
            + ["--", "sleep", "3602"])
    run = launch(args, pid1=as_pid1)
    for text in ("sleep 3601", "sleep 3602"):
        pid = find_descendant(run.vigil_pid, text)
        assert status_ids(pid) == ([uid] * 4, [gid] * 4, groups), text
    run.signal(signal.SIGTERM)
    assert run.wait() == 128 + signal.SIGTERM, run.stderr


def test_an_exec_check_runs_as_its_process_does(tmp_path, as_pid1):
    """As a probe runs inside its container: the process's user, environment and directory."""
    log = tmp_path / "log"
    check = "sh -c 'test $(id -u) = 65534 && test \"$MARK\" = for-s && test $(pwd) = /tmp'"
    args = (sidecar("s", ["sleep", "1000"]) + ["--user", "s=nobody", "--env", "s=MARK=for-s", "--workdir", "s=/tmp",
                                              "--ready", f"s=exec:{check}", "--start-timeout", "s=20s",
                                              "--restart", "s=never", "--required", "s"]
            + ["--"] + service("main", log, "exit", 0))
    result = vigil(args, pid1=as_pid1)
    assert result.returncode == 0, result.stderr
    assert events(log)[:1] == ["main start"]


def test_every_process_starts_in_vigils_working_directory(tmp_path, as_pid1):
    directory, record, once, twice = tmp_path / "work", tmp_path / "cwd", tmp_path / "once", tmp_path / "twice"
    directory.mkdir()

    def where(name):
        return f"echo {name} $(pwd) >> {record}"

    # s fails its first start and is ready on its second: a restart starts where the first did.
    second_run = f"if [ -e {once} ]; then touch {twice}; else touch {once}; exit 1; fi; exec sleep 1000"
    args = (init("i1", sh(where("i1"))) + init("i2", sh(where("i2")))
            + sidecar("s", sh(f"{where('s')}; {second_run}"))
            + ["--backoff", "s=0", "--ready", f"s=exec:{words(['test', '-e', twice])}"]
            + sidecar("t", sh(where("t") + "; exec sleep 1000")) + ["--workdir", "t=/"]
            + ["--ready", f"t=exec:{words(['grep', '-q', '^t ', record])}"]
            + ["--"] + sh(where("main")))
    result = vigil(args, pid1=as_pid1, cwd=directory)
    assert result.returncode == 0, result.stderr
    assert events(record) == [f"i1 {directory}", f"i2 {directory}", f"s {directory}", f"s {directory}", "t /",
                              f"main {directory}"]


# --- bad input --------------------------------------------------------------------------------

BAD_INPUT = [
    # duplicate and reserved names
    (["--sidecar", "a=sleep 1", "--sidecar", "a=sleep 2"], "two processes are named 'a'"),
    (["--sidecar", "sleep 1", "--init", "/bin/sleep 0"], "two processes are named 'sleep'"),
    (["--sidecar", "main=sleep 1"], "'main' names the main command"),
    # a setting for an unknown process, or one its kind does not take
    (["--restart", "nope=always"], "--restart: no process named 'nope'"),
    (["--sidecar", "a=sleep 1", "--ready", "b=notify"], "--ready: no process named 'b'"),
    (["--init", "i=true", "--ready", "i=notify"], "only sidecars take 'ready'"),
    (["--init", "i=true", "--restart", "i=never"], "only sidecars take 'restart'"),
    (["--grace", "main=1s"], "the main process's stop is bounded by --kill-after"),
    # empty commands
    (["--sidecar", ""], "--sidecar: empty command"),
    (["--sidecar", "a="], "--sidecar: empty command"),
    (["--init", "   "], "--init: empty command"),
    # quoting, and shell syntax that vigil does not run
    (["--sidecar", "a=sh -c 'echo"], "unterminated single quote"),
    (["--init", 'i=echo "x'], "unterminated double quote"),
    (["--sidecar", "a=echo hi | cat"], "shell operator '|'"),
    (["--sidecar", "a=sleep 1 &"], "shell operator '&'"),
    (["--sidecar", "a=echo $(id)"], "command substitution '$('"),
    # unknown users and groups
    (["--sidecar", "a=sleep 1", "--user", "a=no-such-user"], "unknown user 'no-such-user'"),
    (["--sidecar", "a=sleep 1", "--user", "a=nobody:no-such-group"], "unknown group 'no-such-group'"),
    (["--user", "main=no-such-user"], "unknown user 'no-such-user'"),
    # malformed checks
    (["--sidecar", "a=sleep 1", "--ready", "a=tcp:0"], "--ready: expected a port from 1 to 65535"),
    (["--sidecar", "a=sleep 1", "--ready", "a=tcp:65536"], "--ready: expected a port from 1 to 65535"),
    (["--sidecar", "a=sleep 1", "--ready", "a=tcp:1.2.3:80"], "--ready: expected tcp:PORT or tcp:HOST:PORT"),
    (["--sidecar", "a=sleep 1", "--ready", "a=tcp:localhost:80"], "--ready: expected tcp:PORT or tcp:HOST:PORT"),
    (["--sidecar", "a=sleep 1", "--ready", "a=http:80"], "--ready: expected exec:COMMAND"),
    (["--sidecar", "a=sleep 1", "--ready", "a="], "--ready: expected exec:COMMAND"),
    (["--sidecar", "a=sleep 1", "--ready", "a=exec:"], "--ready: exec check: empty command"),
    (["--sidecar", "a=sleep 1", "--ready", "a=exec:'x"], "--ready: exec check: unterminated single quote"),
    # malformed values
    (["--sidecar", "a=sleep 1", "--restart", "a=sometimes"], "--restart: expected always, on-failure or never"),
    (["--sidecar", "a=sleep 1", "--backoff", "a=soon"], "--backoff: expected a duration"),
    (["--sidecar", "a=sleep 1", "--start-timeout", "a=soon"], "--start-timeout: expected a duration"),
    (["--sidecar", "a=sleep 1", "--ready-timeout", "a=0"], "--ready-timeout: expected a duration above 0"),
    (["--ready-timeout", "main=1s"], "--ready-timeout: only sidecars take 'ready-timeout'"),
    (["--sidecar", "a=sleep 1", "--max-restarts", "a=-1"], "--max-restarts: expected a number of restarts"),
    (["--sidecar", "a=sleep 1", "--stop-signal", "a=NOPE"], "unknown signal 'NOPE'"),
    (["--sidecar", "a=sleep 1", "--workdir", "a=relative"], "--workdir: expected an absolute directory"),
    (["--sidecar", "a=sleep 1", "--env", "a=NOEQUALS"], "--env: expected KEY=VALUE"),
]


def assert_usage_error(result, message, hint=True):
    """Exit 2, nothing on stdout, and one line on stderr: with the usual hint after a flag's
    mistake, alone after a file's or a user's (which --help would not help with)."""
    stderr = result.stderr.decode()
    assert result.returncode == 2, stderr
    assert result.stdout == b""
    lines = stderr.splitlines()
    assert lines[1:] == ([HELP_HINT] if hint else []) and lines[0].startswith("vigil: "), stderr
    assert message in lines[0], stderr
    return lines[0]


def guarded(tmp_path, args):
    """`args` between an init task and a main command that would leave markers if started."""
    return (init("first", ["touch", tmp_path / "init-ran"]) + args
            + ["--", "touch", str(tmp_path / "main-ran")])


def nothing_started(tmp_path):
    return not (tmp_path / "init-ran").exists() and not (tmp_path / "main-ran").exists()


@pytest.mark.parametrize("args,message", BAD_INPUT, ids=[" ".join(case[0]) for case in BAD_INPUT])
def test_bad_input_is_one_line_exit_2_and_nothing_started(tmp_path, as_pid1, args, message):
    result = vigil(guarded(tmp_path, args), pid1=as_pid1)
    # A user or group the image does not have is no mistake --help could explain.
    assert_usage_error(result, message, hint="unknown user" not in message and "unknown group" not in message)
    assert nothing_started(tmp_path)


CONFIG_ERRORS = [
    ('[sidecar.a]\ncommand = "sleep 1\n', 2, 11, "unterminated string"),
    ("[foo]\n", 1, 1, "unknown table"),
    ('[sidecar.a]\nready = "notify"\n', 1, 1, "[sidecar.a] has no command"),
    ('[sidecar.a]\ncommand = "sleep 1"\nbogus = 1\n', 3, 1, "unknown setting 'bogus'"),
    ('[sidecar.a]\ncommand = []\n', 2, 1, "empty command"),
    ('[sidecar.a]\ncommand = ""\n', 2, 1, "empty command"),
    ("[sidecar.a]\ncommand = \"sh -c 'x\"\n", 2, 1, "unterminated single quote"),
    ('[sidecar.a]\ncommand = "sleep 1"\nready = "tcp:0"\n', 3, 1, "expected a port from 1 to 65535"),
    ('[sidecar.a]\ncommand = "sleep 1"\n\n[sidecar.a]\ncommand = "sleep 2"\n', 4, 1, "defined twice"),
    ('[init.i]\ncommand = "true"\nready = "notify"\n', 3, 1, "only sidecars take 'ready'"),
    ("bogus = 1\n", 1, 1, "bogus: unknown option"),
    ("version = true\n", 1, 1, "version: not an option the file can set"),
    # Errors found after the file is read still name where in the file.
    ('[init.a]\ncommand = "true"\n\n[sidecar.a]\ncommand = "sleep 1"\n', 4, 1, "two processes are named 'a'"),
    ('[sidecar.main]\ncommand = "sleep 1"\n', 1, 1, "'main' names the main command"),
    ('[sidecar.a]\ncommand = "sleep 1"\nuser = "no-such-user"\n', 3, 1, "unknown user 'no-such-user'"),
]


@pytest.mark.parametrize("text,line,column,message", CONFIG_ERRORS,
                         ids=[case[3] for case in CONFIG_ERRORS])
def test_a_configuration_file_error_names_the_file_line_and_column(tmp_path, as_pid1, text, line, column, message):
    path = tmp_path / "vigil.toml"
    path.write_text(text)
    result = vigil(guarded(tmp_path, ["--config", str(path)]), pid1=as_pid1)
    first = assert_usage_error(result, message, hint=False)
    assert first.startswith(f"vigil: {path}:{line}:{column}: "), first
    assert nothing_started(tmp_path)


SAME_MISTAKES = [("ready", "tcp:0"), ("ready", "http:80"), ("ready", "exec:'x"), ("restart", "sometimes"),
                 ("backoff", "soon"), ("max-restarts", "x"), ("stop-signal", "NOPE"), ("workdir", "relative"),
                 ("env", "NOEQUALS")]


@pytest.mark.parametrize("setting,value", SAME_MISTAKES)
def test_the_file_and_the_flags_say_the_same_about_the_same_mistake(tmp_path, setting, value):
    flags = vigil(guarded(tmp_path, ["--sidecar", "a=sleep 1", f"--{setting}", f"a={value}"]))
    path = tmp_path / "vigil.toml"
    path.write_text(f'[sidecar.a]\ncommand = "sleep 1"\n{setting} = {toml_string(value)}\n')
    from_file = vigil(guarded(tmp_path, ["--config", str(path)]))
    flag_line = assert_usage_error(flags, f"vigil: --{setting}: ")
    file_line = assert_usage_error(from_file, f"vigil: {path}:3:1: {setting}: ", hint=False)
    assert flag_line.removeprefix(f"vigil: --{setting}: ") == file_line.removeprefix(f"vigil: {path}:3:1: {setting}: ")
    assert nothing_started(tmp_path)


def test_the_configuration_file_means_what_the_flags_mean(tmp_path, as_pid1):
    def scenario(log, ready):
        check = words(["test", "-e", ready])
        flags = (["--grace", "10s"] + init("i", sh(f"echo i run >> {log}"))
                 + sidecar("a", service("a", log, "env", "LEVEL", "notify"))
                 + ["--ready", "a=notify", "--env", "a=LEVEL=info", "--stop-signal", "a=USR2"]
                 + sidecar("b", service("b", log, "touch", ready))
                 + ["--ready", f"b=exec:{check}", "--stop-signal", "b=INT", "--restart", "b=on-failure"]
                 + ["--env", "main=LEVEL=debug", "--"] + service("main", log, "env", "LEVEL", "exit", 3))
        toml = f"""
grace = "10s"

[sidecar.a]                       # the file's order is the start order, inits first
command = {toml_array(service("a", log, "env", "LEVEL", "notify"))}
ready = "notify"
env = {{ LEVEL = "info" }}
stop-signal = "USR2"

[init.i]
command = {toml_string(words(sh(f"echo i run >> {log}")))}

[sidecar.b]
command = {toml_array(service("b", log, "touch", ready))}
ready = {toml_string("exec:" + check)}
stop-signal = "INT"
restart = "on-failure"

[main]
command = {toml_array(service("main", log, "env", "LEVEL", "exit", 3))}
env = ["LEVEL=debug"]
"""
        return flags, toml

    flags, _ = scenario(tmp_path / "flags.log", tmp_path / "flags.ready")
    by_flags = vigil(flags, pid1=as_pid1)
    runs = {"flags": by_flags}
    for way in ("file", "variable"):
        config = tmp_path / f"{way}.toml"
        config.write_text(scenario(tmp_path / f"{way}.log", tmp_path / f"{way}.ready")[1])
        if way == "file":
            runs[way] = vigil(["--config", str(config)], pid1=as_pid1)
        else:
            runs[way] = vigil([], pid1=as_pid1, env=dict(os.environ, VIGIL_CONFIG=str(config)))
    expected = ["i run", "a start", "a env LEVEL=info", "a notifying", "b start", "b touching",
                "main start", "main env LEVEL=debug", "main exit 3", "b INT", "a USR2"]
    for way, result in runs.items():
        assert result.returncode == 3, (way, result.stderr)
        assert events(tmp_path / f"{way}.log") == expected, way


def toml_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def toml_array(argv):
    return "[" + ", ".join(toml_string(str(word)) for word in argv) + "]"
