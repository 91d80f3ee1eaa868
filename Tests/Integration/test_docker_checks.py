"""Checks and the explained exit in Docker (issue 20): an image FROM scratch, with nothing but vigil
and a static busybox, whose sidecar is held to an http: readiness check (no wget needed for it),
and /dev/termination-log, bind-mounted as Kubernetes mounts it, written with why vigil exited.

The engine and images come from engines.py (a dockerd of the tests' own).
"""
import itertools

import pytest

from engines import build_test_image

_names = itertools.count(1)


@pytest.fixture(scope="module")
def image(docker_engine):
    return build_test_image(docker_engine)


def test_an_image_from_scratch_waits_for_http_readiness_and_writes_the_termination_log(docker, image, tmp_path):
    out, report = tmp_path / "out", tmp_path / "termination-log"
    out.mkdir()
    report.touch()
    # The server's page appears only after a while: until then the check is answered 404.
    web = "sh -c 'mkdir -p /tmp/www && httpd -p 8080 -h /tmp/www && sleep 0.5 && echo ok > /tmp/www/ready && exec sleep 1000'"
    # The main fetches the page at once: it could not if it had started before web was ready.
    main = ["sh", "-c", "wget -q -O /out/page http://127.0.0.1:8080/ready && exit 3"]
    result = docker("run", "--rm", "--name", f"vigil-checks-{next(_names)}", "--network", "none",
                    "--volume", f"{out}:/out", "--volume", f"{report}:/dev/termination-log",
                    "--entrypoint", "/vigil", image, "-v", "--sidecar", f"web={web}", "--ready", "web=http:8080/ready",
                    "--", *main, check=False)
    assert result.returncode == 3, result.stdout + result.stderr
    assert (out / "page").read_text() == "ok\n"
    assert "vigil: web: ready" in result.stderr, result.stderr
    lines = report.read_text().splitlines()
    assert lines[0].startswith("exiting with 3: main exited with code 3") and lines[1:] == ["restarts: web 0"], lines
