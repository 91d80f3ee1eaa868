"""The configuration shown in the documentation parses, and its Kubernetes objects are whole.

Every fenced block tagged yaml, yml, json or toml in README.md and docs/*.md is parsed the way
the tool that reads it would (PyYAML's safe loader, json, tomllib). A failure names the file and
line. A YAML document with apiVersion or kind is taken as a Kubernetes object and must have
apiVersion, kind and metadata.name; a container in a pod that runs vigil must say what vigil
runs (command or args), because the image's CMD is a placeholder. The configuration
file of docs/several-processes.md is read by vigil itself, and the options table of
docs/usage.md lists everything `vigil --help` does.
"""
import json
import os
import pathlib
import re
import shutil
import subprocess

import pytest

from engines import executed_blocks
from helpers import VIGIL, require

try:
    import yaml
except ImportError:  # the YAML tests then skip, or fail under CI
    yaml = None

try:
    import tomllib
except ImportError:  # Python < 3.11
    tomllib = None

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md"))
LANGUAGES = {"yaml": "yaml", "yml": "yaml", "json": "json", "toml": "toml"}

# Any indentation: a fence nested in a list item may be indented further than CommonMark's
# three spaces at top level, and missing a block is worse than a false find.
OPENING = re.compile(r"^( *)(`{3,}|~{3,})\s*([^\s`]*)")


class Block:
    def __init__(self, path, line, language, text):
        self.path = path
        self.line = line  # 1-based line of the opening fence
        self.language = language
        self.text = text

    @property
    def where(self):
        return f"{self.path.relative_to(ROOT)}:{self.line}"

    def at(self, offset):
        """File and line of the block's `offset`-th content line (0-based)."""
        return f"{self.path.relative_to(ROOT)}:{self.line + 1 + offset}"


def fenced_blocks(path, text=None):
    """(blocks tagged with a language we parse, unclosed fences) of a Markdown file."""
    blocks, unclosed = fenced_blocks_any(path, text)
    return [Block(b.path, b.line, LANGUAGES[b.language], b.text) for b in blocks if b.language in LANGUAGES], unclosed


def fenced_blocks_all(path):
    """Every fenced block of a Markdown file, its language as tagged (or empty)."""
    return fenced_blocks_any(path)[0]


def fenced_blocks_any(path, text=None):
    blocks, unclosed = [], []
    lines = (path.read_text() if text is None else text).splitlines()
    index = 0
    while index < len(lines):
        opening = OPENING.match(lines[index])
        if not opening:
            index += 1
            continue
        indent, fence, info = len(opening.group(1)), opening.group(2), opening.group(3).lower()
        closing = re.compile(r"^ *" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}\s*$")
        body, end = [], index + 1
        while end < len(lines) and not closing.match(lines[end]):
            # CommonMark: strip up to the opening fence's indentation from each content line.
            line = lines[end]
            body.append(line[min(indent, len(line) - len(line.lstrip(" "))):])
            end += 1
        if end == len(lines):
            unclosed.append(f"{path.relative_to(ROOT)}:{index + 1}")
        blocks.append(Block(path, index + 1, info, "\n".join(body) + "\n"))
        index = end + 1
    return blocks, unclosed


BLOCKS, UNCLOSED = [], []
for document in DOCUMENTS:
    if document.exists():
        found, open_fences = fenced_blocks(document)
        BLOCKS.extend(found)
        UNCLOSED.extend(open_fences)


def blocks(language):
    return pytest.mark.parametrize(
        "block", [b for b in BLOCKS if b.language == language], ids=lambda b: b.where)


def test_the_documentation_has_blocks_to_check():
    # An empty parameter list would make the tests below skip silently.
    assert {b.language for b in BLOCKS} >= {"yaml", "json", "toml"}, \
        f"expected yaml, json and toml blocks in {[str(d.relative_to(ROOT)) for d in DOCUMENTS]}"


def test_every_code_fence_is_closed():
    assert not UNCLOSED, f"unclosed code fence at {', '.join(UNCLOSED)}"


def load_yaml(block):
    require(yaml is not None, "PyYAML is not installed (apt-get install python3-yaml)")
    try:
        return [d for d in yaml.safe_load_all(block.text) if d is not None]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = block.at(mark.line) if mark is not None else block.where
        pytest.fail(f"{where}: YAML does not parse: {error}", pytrace=False)


@blocks("json")
def test_json_block_parses(block):
    try:
        json.loads(block.text)
    except json.JSONDecodeError as error:
        pytest.fail(f"{block.at(error.lineno - 1)}: JSON does not parse: {error.msg}", pytrace=False)


@blocks("toml")
def test_toml_block_parses(block):
    require(tomllib is not None, "tomllib needs Python 3.11 or later")
    try:
        tomllib.loads(block.text)
    except tomllib.TOMLDecodeError as error:
        # The message ends with "(at line N, column M)", counted within the block.
        line = re.search(r"at line (\d+)", str(error))
        where = block.at(int(line.group(1)) - 1) if line else block.where
        pytest.fail(f"{where}: TOML does not parse: {error}", pytrace=False)


@blocks("yaml")
def test_yaml_block_parses(block):
    load_yaml(block)


# Where each kind of workload keeps its pod spec.
POD_SPEC_PATH = {
    "Pod": ["spec"],
    "Deployment": ["spec", "template", "spec"],
    "StatefulSet": ["spec", "template", "spec"],
    "DaemonSet": ["spec", "template", "spec"],
    "ReplicaSet": ["spec", "template", "spec"],
    "Job": ["spec", "template", "spec"],
    "CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
}
NAME = re.compile(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")  # DNS-1123 subdomain


def dig(value, path):
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def runs_vigil(container):
    command = list(container.get("command") or []) + list(container.get("args") or [])
    return "vigil" in str(container.get("image", "")) or \
        (bool(command) and str(command[0]).startswith("/vigil"))


def kubernetes_problems(document):
    """What keeps a Kubernetes object from being applied as written, as a list of strings."""
    problems = []
    for key in ("apiVersion", "kind"):
        if not isinstance(document.get(key), str) or not document.get(key):
            problems.append(f"no {key}")
    name = dig(document, ["metadata", "name"])
    if not isinstance(name, str) or not NAME.match(name):
        problems.append(f"metadata.name is missing or not a valid name: {name!r}")
    kind = document.get("kind")
    if kind not in POD_SPEC_PATH:
        return problems
    spec = dig(document, POD_SPEC_PATH[kind])
    if not isinstance(spec, dict) or not spec.get("containers"):
        return problems + [f"{kind} has no containers at {'.'.join(POD_SPEC_PATH[kind])}"]
    if kind != "Pod" and kind != "CronJob":
        selector = dig(document, ["spec", "selector", "matchLabels"]) or {}
        labels = dig(document, ["spec", "template", "metadata", "labels"]) or {}
        if kind != "Job" and not selector:
            problems.append(f"{kind} has no spec.selector.matchLabels")
        if any(labels.get(k) != v for k, v in selector.items()):
            problems.append(f"spec.selector.matchLabels {selector} do not match "
                            f"the template's labels {labels}")
    for group in ("initContainers", "containers"):
        for container in spec.get(group) or []:
            label = f"{group} {container.get('name')!r}"
            if not container.get("name") or not container.get("image"):
                problems.append(f"{label} needs a name and an image")
            if runs_vigil(container) and not (container.get("command") or container.get("args")):
                problems.append(f"{label} runs vigil but has neither command nor args")
            for field in ("command", "args"):
                if field in container and not (isinstance(container[field], list) and
                                               all(isinstance(a, str) for a in container[field])):
                    problems.append(f"{label}: {field} must be a list of strings")
            for variable in container.get("env") or []:
                if not isinstance(variable.get("value", ""), str):
                    problems.append(f"{label}: env {variable.get('name')} value must be a string")
    return problems


@blocks("yaml")
def test_kubernetes_objects_are_complete(block):
    documents = load_yaml(block)
    objects = [d for d in documents if isinstance(d, dict) and ("apiVersion" in d or "kind" in d)]
    problems = [f"{block.where}: {problem}" for d in objects for problem in kubernetes_problems(d)]
    assert not problems, "\n".join(problems)


def test_the_checks_catch_what_they_are_for():
    """The checks above would fail on the mistakes they exist for."""
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
           "spec": {"containers": [{"name": "c", "image": "example/app-vigil:1"}]}}
    assert kubernetes_problems(pod) == ["containers 'c' runs vigil but has neither command nor args"]
    pod["spec"]["containers"][0]["args"] = ["/app"]
    assert kubernetes_problems(pod) == []
    deployment = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
                  "spec": {"selector": {"matchLabels": {"app": "a"}},
                           "template": {"metadata": {"labels": {"app": "b"}}, "spec": pod["spec"]}}}
    assert len(kubernetes_problems(deployment)) == 1
    assert "no kind" in kubernetes_problems({"apiVersion": "v1", "metadata": {"name": "x"}})

    text = "x\n```yaml\na: [\n```\n\n- item\n\n    ~~~toml\n    k = 1\n    ~~~\n```\nopen\n"
    found, unclosed = fenced_blocks(ROOT / "README.md", text)
    assert [(b.line, b.language, b.text) for b in found] == [(2, "yaml", "a: [\n"), (8, "toml", "k = 1\n")]
    assert unclosed == ["README.md:11"]


def test_vigil_accepts_the_configuration_file_in_the_docs(tmp_path):
    """vigil reads the example file of docs/several-processes.md whole, its users included, before it starts
    anything: the first init task is then tried, and is not found."""
    require(os.geteuid() == 0 and shutil.which("unshare"), "needs root and unshare (util-linux)")
    text = executed_blocks(ROOT / "docs" / "several-processes.md", "Tests/Integration/test_docs.py")["config"]
    config = tmp_path / "vigil.toml"
    config.write_text(text)
    # The file runs processes as the image's users app and metrics: give vigil account files
    # that have them, in a mount namespace of its own.
    passwd, group = tmp_path / "passwd", tmp_path / "group"
    passwd.write_text("root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n"
                      "metrics:x:1001:1001::/var/lib/metrics:/bin/sh\n")
    group.write_text("root:x:0:\napp:x:1000:\nmetrics:x:1001:\n")
    script = 'mount --bind "$1" /etc/passwd && mount --bind "$2" /etc/group && shift 2 && exec "$@"'
    result = subprocess.run(
        ["unshare", "--mount", "/bin/sh", "-c", script, "sh", passwd, group,
         "/usr/bin/env", "PATH=/nonexistent", VIGIL, "-v", "--config", config, "--", "true"],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 127, result.stderr
    assert "migrate: cannot run" in result.stderr, result.stderr
    assert "log: started" not in result.stderr, result.stderr


def test_the_usage_page_lists_every_option_and_variable_of_help():
    """The options table of docs/usage.md keeps up with `vigil --help` and its topics
    (`vigil --help TOPIC`)."""
    help_text = subprocess.run([VIGIL, "--help"], capture_output=True, text=True, timeout=60).stdout
    topics = " ".join(re.search(r"^Topics \(vigil --help TOPIC\): ([^.]+)\.", help_text, re.M | re.S).group(1).split())
    for topic in topics.split(", "):
        help_text += subprocess.run([VIGIL, "--help", topic], capture_output=True, text=True, timeout=60, check=True).stdout
    options = re.findall(r"^ +(?:-\w, )?(--[a-z-]+)", help_text, re.M)
    variables = re.findall(r"^ +(VIGIL_[A-Z_]+)", help_text, re.M)
    assert "--sidecar" in options and "VIGIL_CONFIG" in variables, help_text
    usage = (ROOT / "docs" / "usage.md").read_text()
    missing = [name for name in options + variables if f"`{name}" not in usage]
    assert not missing, f"docs/usage.md: no row for {missing}"


def test_every_test_the_threat_model_names_exists():
    """docs/security.md names, for each surface, the tests that show it: each must exist."""
    text = (ROOT / "docs" / "security.md").read_text()
    tests_dir = ROOT / "Tests" / "Integration"
    named = re.findall(r"`(test_\w+\.py)::(test_\w+)`", text)
    # "`test_x.py`: `test_a`, `test_b`" lists several of one file.
    for module, names in re.findall(r"`(test_\w+\.py)`: ((?:`test_\w+`(?:, )?)+)", text):
        named += [(module, name) for name in re.findall(r"`(test_\w+)`", names)]
    assert len(named) >= 20, named
    missing = [f"{module}::{name}" for module, name in named
               if not re.search(rf"^def {name}\(", (tests_dir / module).read_text(), re.M)]
    assert not missing, f"docs/security.md names tests that do not exist: {missing}"
