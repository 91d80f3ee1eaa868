"""Environment files (issue 20): --env-file NAME=FILE and `env-file` in the configuration file, in
Docker's --env-file format, read before anything starts; a bad line is a one-line error naming
FILE:LINE, exit 2, and nothing starts.

Each test runs as PID 1 of a fresh PID namespace and as a subreaper (as_pid1).
"""
import os

import pytest

from helpers import vigil
from services import events, service, sh, sidecar


def test_env_files_reach_each_process_and_env_wins(tmp_path, as_pid1):
    log, first, second = tmp_path / "log", tmp_path / "first.env", tmp_path / "second.env"
    first.write_text("# shared\nLEVEL=debug\nGREETING=hello world \nFROM_VIGIL\nNOT_IN_VIGIL\n")
    second.write_text("LEVEL=info\n")
    args = (sidecar("s", service("s", log, "env", "LEVEL", "env", "GREETING", "notify"))
            + ["--ready", "s=notify", "--env-file", f"s={first}", "--env-file", f"s={second}"]
            + ["--env-file", f"main={first}", "--env", "main=LEVEL=warning", "--"]
            + service("main", log, "env", "LEVEL", "env", "FROM_VIGIL", "env", "NOT_IN_VIGIL", "exit", 0))
    environment = dict(os.environ, FROM_VIGIL="vigil's own")
    environment.pop("NOT_IN_VIGIL", None)
    result = vigil(args, pid1=as_pid1, env=environment)
    assert result.returncode == 0, result.stderr
    assert events(log) == [
        "s start", "s env LEVEL=info", "s env GREETING=hello world ", "s notifying",  # a later file wins
        "main start", "main env LEVEL=warning",                                      # --env wins over files
        "main env FROM_VIGIL=vigil's own", "main env NOT_IN_VIGIL unset", "main exit 0", "s TERM"]


@pytest.mark.parametrize("text,line,message", [
    ("A=1\nB C=2\n", 2, "variable 'B C' contains whitespace"),
    ("\n# comment\n=value\n", 3, "no variable name in '=value'"),
    (b"OK=1\nX=\xff\n", 2, "not valid UTF-8"),
])
def test_a_bad_line_is_an_error_naming_the_file_and_line(tmp_path, as_pid1, text, line, message):
    path, marker = tmp_path / "app.env", tmp_path / "started"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    result = vigil(sidecar("s", sh(f"touch {marker}")) + ["--env-file", f"s={path}", "--", "touch", str(marker)],
                   pid1=as_pid1)
    assert result.returncode == 2, result.stderr
    # A mistake in a file: no pointer to --help, which would not help.
    assert result.stderr.decode().splitlines() == [f"vigil: {path}:{line}: {message}"]
    assert not marker.exists()


def test_a_file_that_cannot_be_read_and_the_configuration_files_setting(tmp_path):
    missing = tmp_path / "missing.env"
    result = vigil(["--env-file", f"main={missing}", "true"])
    assert result.returncode == 2
    assert result.stderr.decode().splitlines()[0] == f"vigil: --env-file: {missing}: cannot be read: No such file or directory"
    env, log, config = tmp_path / "app.env", tmp_path / "log", tmp_path / "vigil.toml"
    env.write_text("COLOR=blue\n")
    config.write_text(f'[main]\nenv-file = "{env}"\n')
    result = vigil(["--config", str(config), "--"] + service("main", log, "env", "COLOR", "exit", 0))
    assert result.returncode == 0, result.stderr
    assert events(log) == ["main start", "main env COLOR=blue", "main exit 0"]
    config.write_text(f'[main]\nenv-file = "{missing}"\n')
    result = vigil(["--config", str(config), "true"])
    assert result.stderr.decode().splitlines()[0] == f"vigil: {config}:2:1: env-file: {missing}: cannot be read: No such file or directory"
