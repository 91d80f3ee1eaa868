"""vigil's own commands inside a container whose PID 1 is vigil as my_init (image_root.py):
`vigil check`, `vigil status` and `vigil ps` see the runit services as sidecars, the loggers
as NAME.log, and `vigil check` is unhealthy while a service wanted up is not running, as
`sv check` would say.
"""
import json
import shutil
import signal

import pytest

from helpers import wait_for
from image_root import ImageRoot
from my_init_runs import inside, lines, need_sv, pid1  # noqa: F401 (pid1 is a fixture)


@pytest.fixture
def image(tmp_path):
    root = ImageRoot(tmp_path / "root")
    shutil.copy(root.host("/sbin/my_init"), root.host("/sbin/vigil"))
    return root


def row(listing, name):
    return next((line for line in listing.splitlines() if line.split()[:1] == [name]), None)


def test_status_lists_services_and_loggers_as_sidecars(image, pid1):
    image.script("/etc/service/web/run", "echo up >> /tmp/web\nexec sleep 1000\n")
    image.script("/etc/service/web/log/run", "exec cat > /dev/null\n")
    image.script("/etc/service/off/run", "exec sleep 1000\n")
    image.file("/etc/service/off/down")
    run = pid1(image)
    wait_for(lambda: lines(image, "/tmp/web"), what="web to start")
    status = wait_for(lambda: (s := inside(run, "/sbin/vigil", "status")).returncode == 0
                      and "running" in (row(s.stdout, "web.log") or "") and s, what="vigil status")
    for name, state in [("web", "running"), ("web.log", "running"), ("off", "stopped")]:
        assert state in row(status.stdout, name) and "sidecar" in row(status.stdout, name), status.stdout
    listed = json.loads(inside(run, "/sbin/vigil", "status", "--json").stdout)["processes"]
    assert {(entry["name"], entry["kind"], entry["state"]) for entry in listed} == {
        ("off", "sidecar", "stopped"), ("web", "sidecar", "running"), ("web.log", "sidecar", "running")}
    web = next(entry for entry in listed if entry["name"] == "web")
    assert web["pid"] > 1 and web["restarts"] == 0
    run.signal(signal.SIGTERM)
    assert run.wait() == 2, run.stderr


def test_check_is_unhealthy_while_a_service_wanted_up_is_not_running(image, pid1):
    need_sv()
    image.script("/etc/service/web/run", "exec sleep 1000\n")
    image.script("/etc/service/flaky/run", "echo start >> /tmp/flaky\nexit 1\n")
    image.script("/etc/service/held/run", "exec sleep 1000\n")
    image.file("/etc/service/held/down")
    run = pid1(image)
    wait_for(lambda: len(lines(image, "/tmp/flaky")) >= 2, what="flaky to fail twice")
    # flaky is down between its starts most of the time and running only for a moment: ask
    # until vigil check sees it between two.
    check = wait_for(lambda: (c := inside(run, "/sbin/vigil", "check")).returncode == 1
                     and "flaky" in c.stdout and c, what="vigil check to name flaky")
    assert check.stdout.startswith("unhealthy: runit service flaky is "), check.stdout
    assert check.stdout.rstrip().endswith(", wanted up"), check.stdout
    assert "held" not in check.stdout and "web" not in check.stdout, check.stdout
    # `sv down` it: wanted down, so healthy whatever it does.
    assert inside(run, "sv", "-w", "10", "down", "/etc/service/flaky").returncode == 0
    healthy = inside(run, "/sbin/vigil", "check")
    assert healthy.returncode == 0 and healthy.stdout.startswith("healthy: "), healthy
    run.signal(signal.SIGTERM)
    assert run.wait() == 2, run.stderr


def test_ps_shows_each_service_under_pid_1(image, pid1):
    for name, seconds in [("one", 10031), ("two", 10032)]:
        image.script(f"/etc/service/{name}/run", f"exec sleep {seconds}\n")
    run = pid1(image)
    # Each run script has exec'd its sleep once vigil ps shows it (it may show the shell first).
    def shows_both():
        listing = inside(run, "/sbin/vigil", "ps").stdout
        return all(any(line.split()[1:2] == ["1"] and line.endswith(command) for line in listing.splitlines())
                   for command in ["sleep 10031", "sleep 10032"]) and listing
    wait_for(shows_both, what="vigil ps to show both services' sleep under PID 1")
    run.signal(signal.SIGTERM)
    assert run.wait() == 2, run.stderr
