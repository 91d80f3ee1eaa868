"""The services folder read again while vigil runs as my_init (PID 1 of a fresh PID and mount
namespace with a fixture image root, image_root.py), as runsvdir reads it: a service folder
added later (a symbolic link to /etc/sv/NAME, or a folder moved in) starts and Debian's `sv`
sees it up; one removed stops as `sv exit` stops it (TERM, ./finish, its logger to the end)
and leaves `vigil status`; linked again, it starts again.
"""
import os
import shutil
import signal

import pytest

from helpers import wait_for
from image_root import ImageRoot, Pid1
from my_init_runs import inside, lines, need_sv, sv


@pytest.fixture
def image(tmp_path):
    need_sv()
    root = ImageRoot(tmp_path / "root")
    shutil.copy(root.host("/sbin/my_init"), root.host("/sbin/vigil"))
    root.script("/etc/service/web/run", "echo web >> /tmp/order\nexec sleep 1000\n")
    return root


@pytest.fixture
def pid1(image, tmp_path):
    run = Pid1(image, ["/sbin/my_init"], tmp_path)
    yield run
    run.kill()


def status(run):
    return inside(run, "/sbin/vigil", "status").stdout


def listed(run, name):
    return any(line.split()[:1] == [name] for line in status(run).splitlines())


def up(image, name):
    return sv(image, "status", f"/etc/service/{name}").stdout.startswith("run: ")


def test_a_service_linked_in_later_starts_and_sv_sees_it(image, pid1):
    wait_for(lambda: lines(image, "/tmp/order") == ["web"], what="web to start")
    image.script("/etc/sv/late/run", "echo late >> /tmp/order\nexec sleep 1000\n")
    image.script("/etc/sv/late/log/run", "exec cat > /tmp/late-log\n")
    os.symlink("../sv/late", image.host("/etc/service/late"))
    wait_for(lambda: up(image, "late"), timeout=60, what="sv status to say late runs")
    assert sv(image, "-w", "10", "check", "/etc/service/late").returncode == 0
    assert "; run: log: " in sv(image, "status", "/etc/service/late").stdout
    # sv says run once ./run is started; its first line may come a moment later.
    wait_for(lambda: lines(image, "/tmp/order") == ["web", "late"], what="late's line")
    assert listed(pid1, "late") and listed(pid1, "late.log")
    pid1.signal(signal.SIGTERM)
    assert pid1.wait() == 2, pid1.stderr


def test_a_folder_moved_in_later_starts(image, pid1):
    wait_for(lambda: lines(image, "/tmp/order") == ["web"], what="web to start")
    image.script("/etc/staging/moved/run", "echo moved >> /tmp/order\nexec sleep 1000\n")
    os.rename(image.host("/etc/staging/moved"), image.host("/etc/service/moved"))
    wait_for(lambda: up(image, "moved"), timeout=60, what="sv status to say moved runs")
    wait_for(lambda: lines(image, "/tmp/order") == ["web", "moved"], what="moved's line")
    assert "new runit service" in pid1.stderr, pid1.stderr
    pid1.signal(signal.SIGTERM)
    assert pid1.wait() == 2, pid1.stderr


def test_a_service_removed_stops_and_comes_back_when_linked_again(image, pid1):
    image.script("/etc/sv/gone/run", "trap 'echo gone got TERM >> /tmp/gone; exit 0' TERM\n"
                                     "echo gone up >> /tmp/gone\nwhile :; do sleep 0.1; done\n")
    image.script("/etc/sv/gone/finish", "echo \"gone finish $1\" >> /tmp/gone\n")
    image.script("/etc/sv/gone/log/run", "cat > /dev/null\necho log ended >> /tmp/gone\n")
    os.symlink("../sv/gone", image.host("/etc/service/gone"))
    wait_for(lambda: lines(image, "/tmp/gone") == ["gone up"], what="gone to start")
    os.unlink(image.host("/etc/service/gone"))
    wait_for(lambda: len(lines(image, "/tmp/gone")) == 4, timeout=60, what="gone to stop")
    assert lines(image, "/tmp/gone") == ["gone up", "gone got TERM", "gone finish 0", "log ended"]
    wait_for(lambda: not listed(pid1, "gone"), what="vigil status to leave gone out")
    # runsv is gone with it: sv finds nothing supervising the folder.
    assert sv(image, "status", "/etc/sv/gone").returncode != 0
    assert up(image, "web")
    os.symlink("../sv/gone", image.host("/etc/service/gone"))
    wait_for(lambda: lines(image, "/tmp/gone")[4:] == ["gone up"], timeout=60, what="gone to start again")
    wait_for(lambda: up(image, "gone"), what="sv status to say gone runs again")
    pid1.signal(signal.SIGTERM)
    assert pid1.wait() == 2, pid1.stderr


def test_a_services_folder_made_after_the_start_is_looked_at_every_five_seconds(tmp_path):
    need_sv()
    image = ImageRoot(tmp_path / "root")
    run = Pid1(image, ["/sbin/my_init"], tmp_path)
    try:
        wait_for(lambda: "looked for every 5 s" in run.stderr, what="my_init to say it polls")
        image.script("/etc/staging/late/run", "echo late >> /tmp/order\nexec sleep 1000\n")
        image.host("/etc/service").mkdir()
        os.rename(image.host("/etc/staging/late"), image.host("/etc/service/late"))
        wait_for(lambda: up(image, "late"), timeout=60, what="sv status to say late runs")
        wait_for(lambda: lines(image, "/tmp/order") == ["late"], what="late's line")
        run.signal(signal.SIGTERM)
        assert run.wait() == 2, run.stderr
    finally:
        run.kill()


def test_a_service_folder_renamed_stops_under_its_old_name_and_starts_under_the_new(image, pid1):
    wait_for(lambda: lines(image, "/tmp/order") == ["web"], what="web to start")
    os.rename(image.host("/etc/service/web"), image.host("/etc/service/www"))
    # The new name waits for the old one's supervise/lock, then starts: web's run again.
    wait_for(lambda: lines(image, "/tmp/order") == ["web", "web"], timeout=60, what="the service under its new name")
    wait_for(lambda: up(image, "www"), what="sv status to say www runs")
    wait_for(lambda: listed(pid1, "www") and not listed(pid1, "web"), what="vigil status to list www only")
    pid1.signal(signal.SIGTERM)
    assert pid1.wait() == 2, pid1.stderr


def test_a_service_folder_made_again_at_once_is_a_new_service(image, pid1):
    # A deploy that replaces a folder (rm -r, then cp -r) inside the second vigil waits for
    # things to settle: as runsvdir knows a folder by device and inode, the old service stops
    # and the new folder is supervised, with a supervise/ of its own that sv reaches.
    image.script("/etc/staging/job/run", "trap 'echo old got TERM >> /tmp/job; exit 0' TERM\n"
                                         "echo old up >> /tmp/job\nwhile :; do sleep 0.1; done\n")
    os.rename(image.host("/etc/staging/job"), image.host("/etc/service/job"))
    wait_for(lambda: lines(image, "/tmp/job") == ["old up"], timeout=60, what="the old job to start")
    wait_for(lambda: up(image, "job"), what="sv status to say the old job runs")
    image.script("/etc/staging/job/run", "echo new up >> /tmp/job\nexec sleep 1000\n")
    shutil.rmtree(image.host("/etc/service/job"))
    os.rename(image.host("/etc/staging/job"), image.host("/etc/service/job"))
    wait_for(lambda: sorted(lines(image, "/tmp/job")) == ["new up", "old got TERM", "old up"], timeout=60,
             what="the old job stopped and the new one started")
    wait_for(lambda: up(image, "job"), what="sv status to reach the new folder's supervise/")
    assert sv(image, "-w", "10", "check", "/etc/service/job").returncode == 0
    wait_for(lambda: [line.split()[0] for line in status(pid1).splitlines()].count("job") == 1,
             what="vigil status to list one job")
    pid1.signal(signal.SIGTERM)
    assert pid1.wait() == 2, pid1.stderr
