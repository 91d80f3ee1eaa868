"""vigil as phusion/baseimage's my_init: PID 1 of a fresh PID and mount namespace whose root is
a fixture image (image_root.py), vigil installed as /sbin/my_init. Each test builds the shape
of image it checks: startup files in /etc/my_init.d, /etc/container_environment, runit
services in /etc/service (with `down` files, `finish`, `log/run`), a main command after `--`;
Debian's real `sv` reads and drives the services through their supervise/ folders.
"""
import json
import shutil
import signal

import pytest

from helpers import wait_for
from image_root import ImageRoot, Pid1
from my_init_runs import lines, need_sv, pid1, sv  # noqa: F401 (pid1 is a fixture)


@pytest.fixture
def image(tmp_path):
    return ImageRoot(tmp_path / "root")


def test_startup_files_run_in_order_and_pass_the_environment_on(image, pid1):
    image.file("/etc/container_environment/FROM_IMAGE", "image value")
    image.script("/etc/my_init.d/10_first", "echo first:$FROM_IMAGE >> /tmp/order\n"
                                            "printf 'set by first' > /etc/container_environment/FROM_FIRST\n")
    image.script("/etc/my_init.d/20_second", "echo second:$FROM_FIRST >> /tmp/order\n")
    # Not executable: my_init skips it.
    image.file("/etc/my_init.d/15_skipped", "#!/bin/sh\necho skipped >> /tmp/order\n")
    image.script("/etc/rc.local", "echo rc.local >> /tmp/order\n")
    run = pid1(image, "--", "/bin/sh", "-c", "echo main:$FROM_FIRST >> /tmp/order")
    assert run.wait() == 0, run.stderr
    assert lines(image, "/tmp/order") == ["first:image value", "second:set by first", "rc.local",
                                          "main:set by first"]
    exported = image.host("/etc/container_environment.sh").read_text()
    assert "export FROM_IMAGE='image value'\n" in exported
    assert "export FROM_FIRST='set by first'\n" in exported
    as_json = json.loads(image.host("/etc/container_environment.json").read_text())
    assert as_json["FROM_IMAGE"] == "image value" and as_json["FROM_FIRST"] == "set by first"
    for private in ["HOME", "USER", "GROUP", "UID", "GID", "SHELL"]:
        assert private not in as_json


def test_a_failing_startup_file_aborts_the_start(image, pid1):
    image.script("/etc/my_init.d/10_fails", "echo ran >> /tmp/order\nexit 3\n")
    image.script("/etc/my_init.d/20_never", "echo never >> /tmp/order\n")
    image.script("/etc/service/web/run", "echo web >> /tmp/order\nexec sleep 1000\n")
    run = pid1(image, "--", "/bin/sh", "-c", "echo main >> /tmp/order")
    code = run.wait()
    assert code != 0
    assert lines(image, "/tmp/order") == ["ran"]
    assert "10_fails" in run.stderr, run.stderr


def test_the_main_command_exit_ends_everything_with_its_status(image, pid1):
    image.script("/etc/service/web/run", "trap 'echo web stopped >> /tmp/order; exit 0' TERM\n"
                                         "echo web >> /tmp/order\nwhile :; do sleep 0.1; done\n")
    run = pid1(image, "--", "/bin/sh", "-c", "while ! grep -q web /tmp/order 2>/dev/null; do sleep 0.05; done; exit 7")
    assert run.wait() == 7, run.stderr
    assert lines(image, "/tmp/order") == ["web", "web stopped"]


def test_services_restart_and_down_files_hold_them(image, pid1):
    need_sv()
    image.script("/etc/service/flaky/run", "echo start >> /tmp/flaky\nexit 1\n")
    image.script("/etc/service/finishing/run", "exit 4\n")
    image.script("/etc/service/finishing/finish", "echo \"finish $1 $2\" >> /tmp/finish\nexec sleep 1000\n")
    image.script("/etc/service/held/run", "echo held >> /tmp/held\nexec sleep 1000\n")
    image.file("/etc/service/held/down")
    run = pid1(image)
    wait_for(lambda: len(lines(image, "/tmp/flaky")) >= 3, timeout=60, what="flaky to be restarted twice")
    assert wait_for(lambda: lines(image, "/tmp/finish"), what="./finish")[0] == "finish 4 0"
    status = sv(image, "status", "/etc/service/held")
    assert status.stdout.startswith("down: "), status
    assert not lines(image, "/tmp/held")
    assert sv(image, "-w", "10", "up", "/etc/service/held").returncode == 0
    assert lines(image, "/tmp/held") == ["held"]
    run.signal(signal.SIGTERM)
    assert run.wait() == 2, run.stderr


def test_sv_reads_and_drives_the_services(image, pid1):
    need_sv()
    image.script("/etc/service/web/run", "echo $$ >> /tmp/web\nexec sleep 1000\n")
    image.script("/etc/service/web/log/run", "exec cat > /tmp/web-log\n")
    run = pid1(image)
    wait_for(lambda: lines(image, "/tmp/web"), what="web to start")
    status = wait_for(lambda: (s := sv(image, "status", "/etc/service/web")).stdout.startswith("run: ") and s,
                      what="sv status to say run")
    pid = lines(image, "/tmp/web")[0]
    assert f"run: {image.host('/etc/service/web')}: (pid {pid}) " in status.stdout  # the namespace's pid
    assert "; run: log: " in status.stdout, status.stdout
    assert sv(image, "-w", "10", "down", "/etc/service/web").returncode == 0
    assert sv(image, "status", "/etc/service/web").stdout.startswith("down: ")
    assert sv(image, "-w", "10", "restart", "/etc/service/web").returncode == 0
    wait_for(lambda: len(lines(image, "/tmp/web")) == 2, what="web to start again")
    assert sv(image, "-w", "10", "check", "/etc/service/web").returncode == 0
    run.signal(signal.SIGTERM)
    assert run.wait() == 2, run.stderr


def test_a_run_script_waits_for_another_with_sv_check(image, pid1):
    need_sv()
    # The image shares the host's /usr: its sv is Debian's. a-app is started first (name
    # order) and waits until z-db is up.
    image.script("/etc/service/a-app/run", "sv -w 30 check /etc/service/z-db >/dev/null || exit 1\n"
                                           "echo \"app saw $(sv status /etc/service/z-db | cut -d: -f1)\" >> /tmp/order\n"
                                           "exec sleep 1000\n")
    image.script("/etc/service/z-db/run", "exec sleep 1000\n")
    run = pid1(image)
    assert wait_for(lambda: lines(image, "/tmp/order"), timeout=60, what="the app to start") == ["app saw run"]
    run.signal(signal.SIGTERM)
    assert run.wait() == 2, run.stderr


def test_sigterm_stops_services_cleanly(image, pid1):
    image.script("/etc/service/web/run", "trap 'echo web got TERM >> /tmp/order; exit 0' TERM\n"
                                         "echo web >> /tmp/order\nwhile :; do sleep 0.1; done\n")
    image.script("/etc/my_init.pre_shutdown.d/10_pre", "echo pre >> /tmp/order\n")
    image.script("/etc/my_init.post_shutdown.d/10_post", "echo post >> /tmp/order\n")
    run = pid1(image)
    wait_for(lambda: lines(image, "/tmp/order") == ["web"], what="web to start")
    run.signal(signal.SIGTERM)
    assert run.wait() == 2, run.stderr
    assert lines(image, "/tmp/order") == ["web", "pre", "web got TERM", "post"]


def test_skip_runit_needs_and_runs_a_main_command(image, pid1):
    image.script("/etc/service/web/run", "echo web >> /tmp/order\nexec sleep 1000\n")
    run = pid1(image, "--skip-runit", "--", "/bin/sh", "-c", "echo main >> /tmp/order")
    assert run.wait() == 0, run.stderr
    assert lines(image, "/tmp/order") == ["main"]


@pytest.mark.parametrize("rule, expected", [(None, 3), ("my_init", 1)])
def test_a_failing_startup_file_exit_code(image, pid1, rule, expected, tmp_path):
    image.script("/etc/my_init.d/10_fails", "exit 3\n")
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
    if rule:
        env["VIGIL_EXIT_CODES"] = rule
    run = Pid1(image, ["/sbin/my_init"], tmp_path, env=env)
    try:
        assert run.wait() == expected, run.stderr
    finally:
        run.kill()


@pytest.mark.parametrize("rule, expected", [(None, 128 + 9), ("my_init", 0)])
def test_a_main_command_killed_by_a_signal(image, rule, expected, tmp_path):
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
    if rule:
        env["VIGIL_EXIT_CODES"] = rule
    run = Pid1(image, ["/sbin/my_init", "--", "/bin/sh", "-c", "kill -KILL $$"], tmp_path, env=env)
    try:
        assert run.wait() == expected, run.stderr
    finally:
        run.kill()


def test_a_log_service_gets_the_output_and_finish_gets_the_exit(image, pid1):
    image.script("/etc/service/web/run", "echo line from web\nexec sleep 1000\n")
    image.script("/etc/service/web/log/run", "exec cat > /tmp/web-log\n")
    run = pid1(image)
    wait_for(lambda: lines(image, "/tmp/web-log") == ["line from web"], what="the logger to get web's line")
    run.signal(signal.SIGTERM)
    assert run.wait() == 2, run.stderr


def test_vigil_status_sees_the_services(image, pid1):
    shutil.copy(image.host("/sbin/my_init"), image.host("/sbin/vigil"))
    image.script("/etc/service/web/run", "exec sleep 1000\n")
    image.script("/etc/service/off/run", "exec sleep 1000\n")
    image.file("/etc/service/off/down")
    run = pid1(image, "--", "/bin/sh", "-c", "/sbin/vigil status > /tmp/status 2>&1")
    assert run.wait() == 0, run.stderr
    status = image.host("/tmp/status").read_text()
    web = next(line for line in status.splitlines() if line.split()[:1] == ["web"])
    off = next(line for line in status.splitlines() if line.split()[:1] == ["off"])
    assert "running" in web and "sidecar" in web, status
    assert "running" not in off, status


def test_dry_run_lists_what_would_run_and_runs_nothing(image, pid1):
    image.script("/etc/my_init.d/10_setup", "echo ran >> /tmp/order\n")
    image.script("/etc/service/web/run", "echo ran >> /tmp/order\nexec sleep 1000\n")
    image.file("/etc/service/web/down")
    run = pid1(image, "--dry-run", "--", "/bin/true")
    assert run.wait() == 0, run.stderr
    assert "/etc/my_init.d/10_setup" in run.stdout
    assert "web: ./run, down file" in run.stdout
    assert "main command: /bin/true" in run.stdout
    assert not lines(image, "/tmp/order")
    assert not image.host("/etc/service/web/supervise").exists()


def test_a_service_that_ignores_term_is_killed_after_kill_process_timeout(image, tmp_path):
    image.script("/etc/service/stubborn/run", "trap '' TERM\necho up >> /tmp/order\nwhile :; do sleep 0.1; done\n")
    image.script("/etc/my_init.post_shutdown.d/10_post", "echo post >> /tmp/order\n")
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "KILL_PROCESS_TIMEOUT": "1"}
    run = Pid1(image, ["/sbin/my_init"], tmp_path, env=env)
    try:
        wait_for(lambda: lines(image, "/tmp/order") == ["up"], what="the service to start")
        run.signal(signal.SIGTERM)
        assert run.wait() == 2, run.stderr
        assert lines(image, "/tmp/order") == ["up", "post"]
        assert "stubborn" in run.stderr, run.stderr
    finally:
        run.kill()


def test_vigil_ps_shows_the_services(image, pid1):
    shutil.copy(image.host("/sbin/my_init"), image.host("/sbin/vigil"))
    image.script("/etc/service/web/run", "exec sleep 1000\n")
    run = pid1(image, "--", "/bin/sh", "-c", "/sbin/vigil ps > /tmp/ps 2>&1")
    assert run.wait() == 0, run.stderr
    listing = image.host("/tmp/ps").read_text()
    # vigil ps lists processes (not names): the service's is a child of PID 1.
    assert any(line.split()[1:2] == ["1"] and line.endswith("sleep 1000") for line in listing.splitlines()), listing


def test_a_passenger_shaped_layout(image, pid1):
    """phusion/passenger-docker's shapes: a startup file that depends on the imported
    environment, nginx off by a `down` file, restarting its log forwarder with `sv restart`
    before it runs, and a `control/t` that stops it with `sv q` instead of TERM; redis run by
    `chpst -u` as another user."""
    need_sv()
    image.file("/etc/container_environment/APP_ENV", "production")
    image.script("/etc/my_init.d/30_presetup_nginx.sh",
                 "[ -n \"$APP_ENV\" ] && echo \"env $APP_ENV\" > /etc/nginx.conf\n", shell="/bin/bash")
    image.script("/etc/service/nginx/run", "set -e\nsv restart /etc/service/nginx-log-forwarder\n"
                                           "echo nginx >> /tmp/order\nexec sleep 1000\n", shell="/bin/bash")
    image.file("/etc/service/nginx/down")
    image.script("/etc/service/nginx/control/t", "echo control/t >> /tmp/order\nexec sv q nginx\n")
    image.script("/etc/service/nginx-log-forwarder/run", "echo forwarder >> /tmp/order\nexec sleep 1000\n",
                 shell="/bin/bash")
    image.script("/etc/service/redis/run", "set -e\nchpst -u nobody id -u > /tmp/redis-uid\n"
                                           "exec chpst -u nobody sleep 1000\n")
    run = pid1(image)
    wait_for(lambda: lines(image, "/tmp/redis-uid"), what="redis to start")
    assert lines(image, "/tmp/redis-uid") != ["0"]
    assert image.host("/etc/nginx.conf").read_text() == "env production\n"
    assert lines(image, "/tmp/order") == ["forwarder"]
    assert sv(image, "-w", "10", "up", "/etc/service/nginx").returncode == 0
    # `sv restart` does not wait: the forwarder's second start and nginx's may come in either order.
    wait_for(lambda: len(lines(image, "/tmp/order")) == 3, what="nginx and the forwarder again")
    assert sorted(lines(image, "/tmp/order")) == ["forwarder", "forwarder", "nginx"]
    run.signal(signal.SIGTERM)
    # Within KILL_PROCESS_TIMEOUT's 30 s: nginx stopped by control/t's `sv q`, not by SIGKILL.
    assert run.wait(timeout=25) == 2, run.stderr
    assert lines(image, "/tmp/order")[3:] == ["control/t"]
    assert "killing" not in run.stderr.lower(), run.stderr


def test_env_init_directory_and_skip_startup_files(image, tmp_path):
    image.script("/etc/my_init.d/10_default", "echo default >> /tmp/order\n")
    image.script("/opt/init/10_other", "echo other >> /tmp/order\n")
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "ENV_INIT_DIRECTORY": "/opt/init"}
    for arguments, expected in [([], ["other"]), (["--skip-startup-files"], ["other"])]:
        run = Pid1(image, ["/sbin/my_init", *arguments, "--", "/bin/true"], tmp_path, env=env)
        try:
            assert run.wait() == 0, run.stderr
        finally:
            run.kill()
        assert lines(image, "/tmp/order") == expected
