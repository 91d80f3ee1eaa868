"""Errors that say what to do (issue 24), as a user sees them: the reason a file cannot be read,
the nearest known name, the ways out of "no command given", the accepted durations, the likely
causes of an unreachable vigil, the fix for a /proc of another namespace, and `error:` on
error-level log lines. `--help` by topic is in the second half.
"""
import shutil
import subprocess

from helpers import VIGIL, require, vigil

HELP_HINT = "Try 'vigil --help' for more information."
DURATIONS = ("a duration such as 5s, 500ms, 1m30s or 1.5h "
             "(units h, m, s, ms; a plain number is seconds; at most 24h)")


def usage_lines(result):
    assert result.returncode == 2, result.stderr
    assert result.stdout == b""
    return result.stderr.decode().splitlines()


# --- usage errors ------------------------------------------------------------------------------

def test_a_configuration_file_that_cannot_be_read_says_why_and_not_try_help(tmp_path):
    missing = tmp_path / "vigil.toml"
    assert usage_lines(vigil(["--config", str(missing), "true"])) == [
        f"vigil: {missing}: cannot be read: No such file or directory"]
    assert usage_lines(vigil(["--config", str(tmp_path), "true"])) == [f"vigil: {tmp_path}: cannot be read: Is a directory"]


def test_a_configuration_file_vigil_may_not_read_says_permission_denied(tmp_path):
    require(shutil.which("setpriv"), "setpriv (util-linux) runs vigil as another user")
    config = tmp_path / "vigil.toml"
    config.write_text('grace = "5s"\n')
    config.chmod(0o600)
    tmp_path.chmod(0o755)
    result = subprocess.run(["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups",
                             VIGIL, "--config", str(config), "true"], capture_output=True, timeout=60)
    assert usage_lines(result) == [f"vigil: {config}: cannot be read: Permission denied"]


def test_a_mistake_in_the_file_does_not_point_to_help(tmp_path):
    config = tmp_path / "vigil.toml"
    config.write_text('grace = "soon"\n')
    assert usage_lines(vigil(["--config", str(config), "true"])) == [
        f"vigil: {config}:1:1: grace: expected {DURATIONS}, got 'soon'"]


def test_an_unknown_flag_suggests_the_nearest_and_points_to_help():
    assert usage_lines(vigil(["--gracee", "5s", "true"])) == [
        "vigil: unknown option '--gracee'; did you mean '--grace'?", HELP_HINT]
    assert usage_lines(vigil(["--colour", "true"])) == ["vigil: unknown option '--colour'", HELP_HINT]


def test_an_unknown_key_of_the_file_suggests_the_nearest(tmp_path):
    config = tmp_path / "vigil.toml"
    config.write_text('gracee = "5s"\n')
    assert usage_lines(vigil(["--config", str(config), "true"])) == [
        f"vigil: {config}:1:1: gracee: unknown option; did you mean 'grace'?"]
    config.write_text('[sidecar.log]\ncommand = "sleep 1"\nredy = "notify"\n')
    assert usage_lines(vigil(["--config", str(config), "true"])) == [
        f"vigil: {config}:3:1: redy: unknown setting 'redy'; did you mean 'ready'?"]


def test_no_command_names_the_command_line_the_file_and_pause():
    assert usage_lines(vigil([])) == [
        "vigil: no command given: put one after the options (vigil [OPTIONS] -- COMMAND), "
        "set [main] command in the --config file, or run none with --pause", HELP_HINT]


def test_durations_as_go_and_docker_write_them(tmp_path):
    assert vigil(["--grace", "1m30s", "--kill-after", "1h2m3.5s", "true"]).returncode == 0
    config = tmp_path / "vigil.toml"
    config.write_text('grace = "1m30s"\n')
    assert vigil(["--config", str(config), "true"]).returncode == 0
    assert usage_lines(vigil(["--grace", "1m30", "true"])) == [f"vigil: --grace: expected {DURATIONS}, got '1m30'", HELP_HINT]
    assert usage_lines(vigil(["--grace", "24h1s", "true"])) == [f"vigil: --grace: expected {DURATIONS}, got '24h1s'", HELP_HINT]


# --- at run time -------------------------------------------------------------------------------

def test_an_unreachable_vigil_gets_its_likely_causes():
    # In a fresh mount namespace the channel's name is different: nobody listens.
    result = subprocess.run(["unshare", "--mount", VIGIL, "status"], capture_output=True, timeout=60)
    assert result.returncode == 1
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 2 and lines[0].startswith("vigil status: cannot reach the running vigil ("), lines
    assert lines[0].endswith("): Connection refused"), lines
    assert lines[1] == ("vigil status: likely causes: not in vigil's container (run it there: docker exec CONTAINER "
                        "/vigil status); vigil runs as tini, dumb-init or docker-init (no control channel) or not at all")


def test_a_proc_of_another_namespace_is_explained_with_the_fix():
    # PID 1 of a new PID namespace that kept the host's /proc.
    result = subprocess.run(["unshare", "--pid", "--fork", VIGIL, "--", "true"], capture_output=True, timeout=60,
                            stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.decode().splitlines() if "/proc does not show" in line]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("vigil: warning: /proc does not show this PID namespace"), lines
    assert lines[0].endswith("; to fix, mount a /proc of this namespace "
                             "(unshare --pid --fork --mount-proc, or run in a container runtime)"), lines


def test_error_lines_say_error_as_warnings_say_warning():
    result = vigil(["--", "no-such-command-anywhere"])
    assert result.returncode == 127
    assert result.stderr.decode() == "vigil: error: cannot run 'no-such-command-anywhere': command not found\n"
    result = vigil(["--sidecar", "s=sh -c 'exit 3'", "--restart", "s=never", "--required", "s", "--", "sleep", "100"])
    assert result.returncode == 3, result.stderr
    assert "vigil: error: s: exited with code 3 and stays down; stopping everything" in result.stderr.decode()


# --- --help by topic ---------------------------------------------------------------------------

TOPICS = ["options", "signals", "processes", "restarts", "tasks", "checks", "settings", "environment", "exit-codes",
          "inspect", "drop-ins"]


def test_the_default_help_fits_one_screen():
    result = vigil(["--help"])
    assert result.returncode == 0 and result.stderr == b""
    lines = result.stdout.decode().splitlines()
    assert len(lines) <= 24 and max(map(len, lines)) <= 80, lines
    text = result.stdout.decode()
    assert 'ENTRYPOINT ["/vigil", "--"]' in text and "README.md and docs/" in text
    assert " ".join(text.split()).count(", ".join(TOPICS)) == 1, text


def test_each_topic_fits_eighty_columns_and_help_topic_is_the_same():
    for topic in TOPICS:
        result = vigil(["--help", topic])
        assert result.returncode == 0 and result.stderr == b"", topic
        assert max(map(len, result.stdout.decode().splitlines())) <= 80, topic
        assert vigil(["help", topic]).stdout == result.stdout, topic
    assert "VIGIL_VERBOSITY         a level: 0 errors only" in vigil(["--help", "environment"]).stdout.decode()


def test_an_unknown_topic_lists_the_topics():
    for args in (["--help", "nope"], ["help", "nope"]):
        assert usage_lines(vigil(args)) == [f"vigil: no help topic 'nope'; topics: {', '.join(TOPICS)}", HELP_HINT]
