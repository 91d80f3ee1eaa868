"""The drop-ins in the engines users run: an image whose /sbin/my_init or /usr/bin/supervisord is
vigil, run by Docker and by Podman as the image would be run with the real tool, and stopped
with `docker stop` / `podman stop`. What the processes did is written to a directory mounted at
/out; the assertions are on that, on PID 1 being vigil, and on the container's exit code (my_init's
2 after a stop, supervisord's 0), never on durations.
"""
import itertools

import pytest

from engines import TEST_DOCKERFILE, TEST_FILES, build_image
from helpers import wait_for
from procfs import argv_of

_names = itertools.count(1)

# The test image plus both names, a runit service with a start-up file, and a supervisord
# configuration whose program records its start and its stop.
DROP_IN_DOCKERFILE = TEST_DOCKERFILE.replace('ENTRYPOINT ["/vigil", "--"]\n', """\
COPY etc/ /etc/
RUN ["/bin/sh", "-c", "mkdir -p /sbin /usr/bin && ln -s /vigil /sbin/my_init && ln -s /vigil /usr/bin/supervisord"]
""")

SERVICE = """#!/bin/sh
trap 'echo web got TERM >> /out/order; exit 0' TERM
echo web >> /out/order
while :; do sleep 0.1; done
"""

STARTUP = """#!/bin/sh
echo startup >> /out/order
"""

SUPERVISORD_CONF = """[supervisord]
nodaemon=true

[program:web]
command=/bin/sh /etc/web.sh
stopwaitsecs=30
"""


@pytest.fixture(params=["docker", "podman"])
def engine(request):
    return request.getfixturevalue(request.param)


@pytest.fixture
def image(engine, tmp_path):
    etc = tmp_path / "etc"
    for path, text in {"service/web/run": SERVICE, "my_init.d/10_startup": STARTUP, "web.sh": SERVICE,
                       "supervisor/supervisord.conf": SUPERVISORD_CONF}.items():
        (etc / path).parent.mkdir(parents=True, exist_ok=True)
        (etc / path).write_text(text)
        (etc / path).chmod(0o755)
    return build_image(engine, f"vigil-drop-ins-{engine.name}", DROP_IN_DOCKERFILE, {**TEST_FILES, "etc": etc})


def run(engine, image, out, entrypoint, *arguments):
    name = f"vigil-drop-in-{next(_names)}"
    engine("run", "--detach", "--name", name, "--network", "none", "--volume", f"{out}:/out",
           "--entrypoint", entrypoint, image, *arguments)
    return name


def order(out):
    path = out / "order"
    return path.read_text().splitlines() if path.exists() else []


@pytest.mark.parametrize("entrypoint,arguments,started,code", [
    ("/sbin/my_init", (), ["startup", "web"], 2),
    ("/usr/bin/supervisord", ("-n", "-c", "/etc/supervisor/supervisord.conf"), ["web"], 0),
])
def test_the_drop_in_runs_and_stops_as_the_real_tool_would(engine, image, tmp_path, entrypoint, arguments, started,
                                                             code):
    out = tmp_path / "out"
    out.mkdir()
    name = run(engine, image, out, entrypoint, *arguments)
    wait_for(lambda: order(out) == started, timeout=120, what=f"{started} in /out/order; {engine.logs(name)}")
    # vigil is the container's PID 1, under the name the image gave it.
    assert argv_of(engine.init_pid(name))[0] == entrypoint
    engine("stop", "--time", "60", name, timeout=180)
    assert engine.exit_code(name) == code, engine.logs(name)
    assert order(out) == started + ["web got TERM"]
