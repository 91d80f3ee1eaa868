"""The Kubernetes recipes of docs/kubernetes.md, run by Podman (Debian's podman) with
configuration and storage of the tests' own (engines.py).

`podman kube play` runs the Pod and Deployment manifests taken from the page itself, and the
Podman commands the page shows are the ones run here. The Pod with `vigil check`
probes is played too: Podman makes its liveness probe a health check, which the test runs. The images the manifests name are built
locally FROM scratch: vigil as the entrypoint, a static busybox, and a stand-in
(workloads/container/standin) for each program the manifests name. The pause pod's infra image
is the `pause` stage of examples/Dockerfile, built with the vigil under test.

What Podman 4.3 does differently from a cluster is listed in docs/kubernetes.md; the one change
the tests make to a manifest is dropping `ports` (see `runnable`).
"""
import collections
import copy
import json
import os
import pathlib
import re
import signal

import pytest

from engines import build_example_stage, build_test_image, commands, executed_blocks, settled_orphans
from helpers import ROOT, compiled, control_channel_name, require, wait_for
from procfs import argv_of, environment, namespace, namespace_pid, namespace_processes

try:
    import yaml
except ImportError:  # the fixture below then skips, or fails under CI
    yaml = None

DOC = ROOT / "docs" / "kubernetes.md"
BLOCKS = executed_blocks(DOC, "Tests/Integration/test_podman.py")
EXPECTED_BLOCKS = {"pod-web", "deployment-api", "pod-shared", "podman-web", "podman-pause"}
# The probes snippet of docs/inspecting.md, played like the page's manifests.
PROBE_BLOCKS = executed_blocks(ROOT / "docs" / "inspecting.md", "Tests/Integration/test_podman.py")
EXPECTED_PROBE_BLOCKS = {"pod-probes"}


def manifest(key):
    documents = [d for d in yaml.safe_load_all({**BLOCKS, **PROBE_BLOCKS}[key]) if d]
    assert len(documents) == 1, f"{key}: expected one Kubernetes object"
    return documents[0]


def pod_spec(document):
    return document["spec"]["template"]["spec"] if document["kind"] == "Deployment" else document["spec"]


def runnable(document):
    """The manifest as the tests play it: without `ports`. Podman 4.3 publishes every
    containerPort on the host, which needs a network; the tests run pods without one."""
    document = copy.deepcopy(document)
    for container in pod_spec(document)["containers"]:
        container.pop("ports", None)
    return document


@pytest.fixture(scope="module")
def images(podman_engine):
    """The test image, tagged with every image name the executed manifests use."""
    require(yaml is not None, "PyYAML is not installed (apt-get install python3-yaml)")
    image = build_test_image(podman_engine)
    names = {container["image"] for key in {**BLOCKS, **PROBE_BLOCKS} if key.startswith(("pod-", "deployment-"))
             for container in pod_spec(manifest(key))["containers"]}
    for name in sorted(names):
        podman_engine("tag", image, name)
    return image


def write_manifest(tmp_path, key):
    """Writes the runnable manifest of block `key` to NAME.yaml; returns (document, path)."""
    document = manifest(key)
    path = tmp_path / f"{document['metadata']['name']}.yaml"
    path.write_text(yaml.safe_dump(runnable(document)))
    return document, path


def wait_logged(podman, container, text):
    return wait_for(lambda: text in podman.logs(container)[0], timeout=60, interval=0.1,
                    what=f"{text!r} in the log of {container}")


def infra_pid(podman, pod):
    infra = podman.output("pod", "inspect", "--format", "{{.InfraContainerID}}", pod)
    return podman.init_pid(infra), infra


def test_every_block_marked_for_this_file_is_run():
    assert set(BLOCKS) == EXPECTED_BLOCKS
    assert set(PROBE_BLOCKS) == EXPECTED_PROBE_BLOCKS


def test_the_page_names_the_versions_it_was_run_with(podman_engine):
    versions = podman_engine.versions()
    text = " ".join(DOC.read_text().split())  # lines wrap anywhere
    for name, label in [("podman", "Podman"), ("runc", "runc"), ("conmon", "conmon")]:
        assert f"{label} {versions[name]}" in text, f"docs/kubernetes.md: say {label} {versions[name]}"


def test_the_pod_in_the_docs_runs_with_vigil_as_pid_1(podman, images, tmp_path):
    document, path = write_manifest(tmp_path, "pod-web")
    pod = document["metadata"]["name"]
    spec = document["spec"]["containers"][0]
    play_command, stop_command, down_command = commands(BLOCKS["podman-web"])
    assert play_command == ["podman", "kube", "play", "--network", "none", path.name]
    assert stop_command[:3] == ["podman", "pod", "stop"] and stop_command[-1] == pod
    assert down_command == ["podman", "kube", "down", path.name]

    podman(*play_command[1:], cwd=tmp_path)
    container = f"{pod}-{spec['name']}"
    vigil = podman.init_pid(container)
    # The image's ENTRYPOINT ["/vigil", "--"] followed by the manifest's args.
    assert argv_of(vigil) == ["/vigil", "--"] + spec["args"]
    assert namespace_pid(vigil) == 1
    settings = {v["name"]: v["value"] for v in spec["env"]}
    assert {k: environment(vigil).get(k) for k in settings} == settings
    wait_logged(podman, container, "web: ready")

    podman(*stop_command[1:])
    assert podman.exit_code(container) == 0
    assert "web: TERM" in podman.logs(container)[0]  # the stop signal reached the application
    podman(*down_command[1:], cwd=tmp_path)
    assert podman("pod", "exists", pod, check=False).returncode == 1


def test_the_deployment_in_the_docs_runs_vigil_with_its_options(podman, images, tmp_path):
    document, path = write_manifest(tmp_path, "deployment-api")
    name = document["metadata"]["name"]
    spec = pod_spec(document)["containers"][0]
    podman("kube", "play", "--network", "none", path)
    # Podman makes one pod per replica, named NAME-pod-N.
    pods = [f"{name}-pod-{n}" for n in range(document["spec"]["replicas"])]
    for pod in pods:
        container = f"{pod}-{spec['name']}"
        vigil = podman.init_pid(container)
        assert argv_of(vigil) == spec["command"] + spec["args"]
        assert namespace_pid(vigil) == 1
        wait_logged(podman, container, "api: ready")
    grace = pod_spec(document)["terminationGracePeriodSeconds"]
    podman("pod", "stop", "--time", grace, *pods)
    for pod in pods:
        assert podman.exit_code(f"{pod}-{spec['name']}") == 0
    podman("kube", "down", path)


def test_the_pod_sharing_its_pid_namespace(podman, images, tmp_path):
    document, path = write_manifest(tmp_path, "pod-shared")
    assert document["spec"]["shareProcessNamespace"] is True
    pod = document["metadata"]["name"]
    app, shipper = (f"{pod}-{c['name']}" for c in document["spec"]["containers"])
    podman("kube", "play", "--network", "none", path)
    wait_logged(podman, app, "app: ready")
    wait_logged(podman, shipper, "shipper: ready")

    # The pod's infra container is PID 1 of the shared namespace; each vigil is not, and is
    # the subreaper of its own container's processes.
    infra, _ = infra_pid(podman, pod)
    app_vigil, shipper_vigil = podman.init_pid(app), podman.init_pid(shipper)
    assert namespace_pid(infra) == 1
    assert namespace(app_vigil) == namespace(shipper_vigil) == namespace(infra)
    assert namespace_pid(app_vigil) != 1 and namespace_pid(shipper_vigil) != 1
    # The shipper's orphans came back to its vigil, not to the pod's PID 1, and were reaped.
    kept = wait_for(lambda: settled_orphans(infra), timeout=60, interval=0.1, what="the orphans to exit and be reaped")
    assert [p["ppid"] for p in kept] == [shipper_vigil]

    # One container after the other, then the pod. Podman 4.3 stops the infra process, PID 1
    # of the namespace, as soon as no container is running, even while one is still stopping
    # (`pod stop` TERMs it with the others); the kernel then kills what is left of the pod.
    grace = document["spec"]["terminationGracePeriodSeconds"]
    podman("stop", "--time", grace, app)
    podman("stop", "--time", grace, shipper)
    podman("pod", "stop", pod)
    assert podman.exit_code(app) == 0 and podman.exit_code(shipper) == 0
    # The app's helper, left over when the app exited on TERM, finished its write into the
    # pod's volume: its vigil stopped it gracefully.
    volume = document["spec"]["volumes"][0]["name"]
    mountpoint = podman.output("volume", "inspect", "--format", "{{.Mountpoint}}", volume)
    assert pathlib.Path(mountpoint, "helper").read_text() == "flushed\n"
    podman("kube", "down", path)


def test_a_pod_whose_infra_container_is_vigil_pause(podman, images):
    build, create, run, stop = commands(BLOCKS["podman-pause"])
    # The build needs the Swift image from a registry; the test builds the same stage of
    # examples/Dockerfile from the vigil under test.
    assert build == ["podman", "build", "-f", "examples/Dockerfile", "--target", "pause",
                     "-t", "vigil-pause", "."]
    build_example_stage(podman, "vigil-pause", "pause")
    assert create[:3] == ["podman", "pod", "create"] and run[:2] == ["podman", "run"]
    podman(*create[1:])
    pod = create[create.index("--name") + 1]
    podman(*run[1:])
    app = run[run.index("--name") + 1]
    # A second application, without vigil: its orphans are left to the pod's PID 1.
    podman("run", "--detach", "--pod", pod, "--name", "plain", "--entrypoint", "/bin/sh", images,
           "-c", "trap 'exit 0' TERM; orphans 20; echo plain: ready; while :; do sleep 1 & wait $!; done")
    wait_logged(podman, "plain", "plain: ready")

    pause, infra = infra_pid(podman, pod)
    assert argv_of(pause) == ["/vigil", "--pause"]
    assert namespace_pid(pause) == 1
    app_vigil = podman.init_pid(app)
    assert namespace(app_vigil) == namespace(pause) and namespace_pid(app_vigil) != 1
    kept = wait_for(lambda: settled_orphans(pause), timeout=60, interval=0.1, what="the orphans to exit and be reaped")
    assert [p["ppid"] for p in kept] == [pause]

    # `pod stop` TERMs every container at once, the infra container too: the pause vigil
    # waits for what is left in the namespace, so the app's helper finishes its write.
    podman(*stop[1:])
    assert podman.exit_code(app) == 0
    assert podman.exit_code("plain") == 0
    assert podman.exit_code(infra) == 0
    volume = run[run.index("-v") + 1].split(":")[0]
    mountpoint = podman.output("volume", "inspect", "--format", "{{.Mountpoint}}", volume)
    assert pathlib.Path(mountpoint, "helper").read_text() == "flushed\n"


# --- The probes of docs/inspecting.md: vigil check as a liveness probe ------------------------------------------

ZOMBIE_LINE = re.compile(r"unhealthy: (\d+) zombies whose parent is not vigil, above the limit of 10\n?")


def health_check(podman, container):
    """Runs the container's health check once, as Podman's timer would: (exit code of
    `podman healthcheck run`, what the check printed)."""
    result = podman("healthcheck", "run", container, check=False)
    state = json.loads(podman.output("inspect", "--format", "{{json .State.Health}}", container))
    return result.returncode, ((state.get("Log") or [{}])[-1]).get("Output", "")


def test_the_liveness_probe_in_the_readme_runs_vigil_check(podman, images, tmp_path):
    document, path = write_manifest(tmp_path, "pod-probes")
    pod, spec = document["metadata"]["name"], document["spec"]["containers"][0]
    liveness = spec["livenessProbe"]
    podman("kube", "play", "--network", "none", path)
    container = f"{pod}-{spec['name']}"
    wait_logged(podman, container, "web: ready")

    # Podman 4.3 makes the liveness probe a health check that restarts the container, run
    # through /bin/sh; the readiness probe becomes nothing.
    config = json.loads(podman.output("inspect", "--format", "{{json .Config}}", container))
    check = config["Healthcheck"]
    assert check["Test"] == ["CMD-SHELL"] + liveness["exec"]["command"] + ["||", "exit", "1"]
    assert (check["Interval"], check["Timeout"], check["Retries"]) == \
        (liveness["periodSeconds"] * 10**9, liveness["timeoutSeconds"] * 10**9, liveness["failureThreshold"])
    assert config["HealthcheckOnFailureAction"] == "restart"
    # The checks run on a systemd timer, and there is no systemd here: the test runs them.
    code, line = health_check(podman, container)
    assert code == 0 and line.startswith("healthy: "), line

    # Zombies of a parent that never waits make it fail. Once: three failures in a row
    # (failureThreshold) would restart the container.
    vigil = podman.init_pid(container)
    podman("exec", "--detach", container, "zombies", "15")

    def zombies_by_parent():
        return collections.Counter(p["ppid"] for p in namespace_processes(vigil) if p["state"] == "Z")
    wait_for(lambda: max(zombies_by_parent().values(), default=0) >= 15, timeout=60, interval=0.1,
             what="15 zombies in the container")
    code, line = health_check(podman, container)
    assert code == 1 and ZOMBIE_LINE.fullmatch(line) and int(ZOMBIE_LINE.match(line).group(1)) >= 15, line

    # Their parent goes: vigil, PID 1, reaps them, and the check passes again.
    parent, _ = zombies_by_parent().most_common(1)[0]
    assert parent != vigil
    os.kill(parent, signal.SIGKILL)
    wait_for(lambda: max(zombies_by_parent().values(), default=0) < 2, timeout=60, interval=0.1,
             what="the zombies reaped")
    code, line = health_check(podman, container)
    assert code == 0 and line.startswith("healthy: "), line
    assert podman.inspect(container, "{{.State.Status}}") == "running"
    podman("pod", "stop", "--time", "30", pod)
    assert podman.exit_code(container) == 0


# --- Another container of the pod cannot control this one's vigil ----------------------------------

def test_another_container_of_the_pod_cannot_stop_this_ones_sidecars(podman, images, tmp_path):
    """A pod's containers share one network namespace, so the second one can reach the first
    one's control channel by name. As root in its own PID namespace it is refused, and the
    sidecar keeps running; `podman exec` into the first container is served."""
    client = compiled("control_client", tmp_path, static=True)
    podman("pod", "create", "--network", "none", "--name", "neighbours")
    podman("run", "--detach", "--pod", "neighbours", "--name", "guarded", "--entrypoint", "/vigil", images,
           "--sidecar", "s=sleep 1000", "--", "sleep", "1000")

    def sidecar():
        result = podman("exec", "guarded", "/vigil", "status", check=False)
        rows = [line.split() for line in result.stdout.splitlines()[2:]]
        return {row[0]: row[:5] for row in rows}.get("s")    # name, kind, state, pid, restarts
    first = wait_for(lambda: (row := sidecar()) and row[2] == "running" and row, timeout=60, interval=0.1,
                     what="the sidecar running")
    vigil_pid = podman.init_pid("guarded")
    name = control_channel_name(vigil_pid)
    for request in ("vigil 1 stop s", "vigil 1 signal s KILL", "vigil 1 restart s"):
        result = podman("run", "--rm", "--pod", "neighbours", "--volume", f"{client}:/client:ro",
                        "--entrypoint", "/client", images, name, "1", request)
        assert result.stdout.splitlines()[0].split("\t")[1].startswith(
            "vigil 1 error permission denied: the client is outside this container's PID namespace"), result.stdout
    assert sidecar() == first        # same PID, still running, no restart
    assert "refused a control connection from a client outside this PID namespace" in podman.logs("guarded")[1]
    # Inside the container, the same request is served.
    podman("exec", "guarded", "/vigil", "stop", "s")
    wait_for(lambda: sidecar()[2] == "stopped", timeout=60, interval=0.1, what="the sidecar stopped")
    podman("pod", "stop", "--time", "30", "neighbours")
    assert podman.exit_code("guarded") == 143
