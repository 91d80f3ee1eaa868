"""The documentation holds together: the README is a front door that links every page, every
link and anchor resolves, and every shell, Dockerfile and TOML example is executed by a test
(an `executed by` marker) or parsed here.

Parsed means: a shell block, and each `$ ` line of a console block, passes `sh -n`; a
Dockerfile block has only known instructions, its JSON forms parse, its `COPY --from` names a
stage of examples/Dockerfile or vigil's image, and an ENTRYPOINT that runs vigil names
`/vigil`; a TOML block is parsed by test_docs.py. A block of another language that looks like
commands fails, as an unmarked example would.
"""
import json
import pathlib
import re
import subprocess

import pytest

from engines import MARKER
from test_docs import DOCUMENTS, ROOT, fenced_blocks_all

README = ROOT / "README.md"
SHELLS = {"sh", "shell", "bash"}
INSTRUCTIONS = {"from", "run", "cmd", "label", "expose", "env", "add", "copy", "entrypoint", "volume",
                "user", "workdir", "arg", "onbuild", "stopsignal", "healthcheck", "shell"}
STAGES = set(re.findall(r"^FROM \S+ AS (\S+)", (ROOT / "examples" / "Dockerfile").read_text(), re.M))
IMAGES = {"vigil:0.1.0"}


def slug(heading):
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.replace("`", "").strip().lower())
    return text.replace(" ", "-")


def anchors(path):
    seen, found, fence = {}, set(), False
    for line in path.read_text().splitlines():
        if re.match(r"^ *(```|~~~)", line):
            fence = not fence
            continue
        heading = re.match(r"^#{1,6} (.*)", line)
        if fence or not heading:
            continue
        name = slug(heading.group(1))
        seen[name] = seen.get(name, -1) + 1
        found.add(name if seen[name] == 0 else f"{name}-{seen[name]}")
    return found


def links(path):
    """(line number, target) of every Markdown link outside code, relative targets only."""
    fence = False
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if re.match(r"^ *(```|~~~)", line):
            fence = not fence
            continue
        if fence:
            continue
        for target in re.findall(r"\]\(([^)\s]+)\)", line):
            if not re.match(r"^[a-z]+:", target):
                yield number, target


def test_every_relative_link_and_anchor_resolves():
    known = {path: anchors(path) for path in DOCUMENTS}
    broken = []
    for path in DOCUMENTS:
        for number, target in links(path):
            file, _, anchor = target.partition("#")
            dest = (path.parent / file).resolve() if file else path
            if not dest.exists():
                broken.append(f"{path.relative_to(ROOT)}:{number}: no file {target}")
            elif anchor and dest.suffix == ".md" and anchor not in known.get(dest, anchors(dest)):
                broken.append(f"{path.relative_to(ROOT)}:{number}: no heading for {target}")
    assert not broken, "\n".join(broken)


def test_the_readme_is_a_front_door():
    lines = README.read_text().splitlines()
    assert len(lines) <= 300, f"README.md has {len(lines)} lines"
    opening = "\n".join(lines[:60])
    assert "COPY --from=" in opening and 'ENTRYPOINT ["/vigil"' in opening, "no quickstart in the first 60 lines"
    assert lines[2] == "```sh" or "```sh" in lines[:12], "the two commands come first"
    linked = {(README.parent / target.partition("#")[0]).resolve() for _, target in links(README)}
    unlinked = [p.name for p in sorted((ROOT / "docs").glob("*.md")) if p.resolve() not in linked]
    assert not unlinked, f"docs pages the README does not link: {unlinked}"


def test_every_page_starts_with_what_it_is_for():
    for path in sorted((ROOT / "docs").glob("*.md")):
        lines = [line for line in path.read_text().splitlines() if line.strip()]
        assert lines[0].startswith("# "), f"{path.name}: no title"
        assert not lines[1].startswith("#"), f"{path.name}: a heading right after the title"


def examples():
    for path in DOCUMENTS:
        marked = {number + 1 for number, line in enumerate(path.read_text().splitlines()) if MARKER.match(line)}
        for block in fenced_blocks_all(path):
            yield block, (block.line - 1) in marked


EXAMPLES = list(examples())


def test_every_example_is_executed_or_parsed():
    unchecked = []
    for block, executed in EXAMPLES:
        if executed or block.language in SHELLS | {"console", "dockerfile", "toml", "yaml", "yml", "json"}:
            continue
        synopsis = "[OPTIONS]" in block.text
        if re.match(r"^(\$ |vigil [-\w]+(\s|$)|docker |kubectl |sh |/vigil )", block.text) and not synopsis:
            unchecked.append(f"{block.where}: commands in a block tagged {block.language or 'nothing'}")
    assert not unchecked, "\n".join(unchecked)


@pytest.mark.parametrize("block", [b for b, _ in EXAMPLES if b.language in SHELLS | {"console"}],
                         ids=lambda b: b.where)
def test_shell_example_parses(block):
    text = block.text
    if block.language == "console":
        text = "\n".join(line[2:] for line in text.splitlines() if line.startswith("$ ")) + "\n"
    result = subprocess.run(["sh", "-n"], input=text, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, f"{block.where}: {result.stderr}"


@pytest.mark.parametrize("block", [b for b, _ in EXAMPLES if b.language == "dockerfile"], ids=lambda b: b.where)
def test_dockerfile_example_parses(block):
    lines = block.text.replace("\\\n", " ").splitlines()  # continuation lines joined
    for offset, line in enumerate(lines):
        if not line.strip() or line.startswith("#"):
            continue
        word, _, rest = line.strip().partition(" ")
        assert word.lower() in INSTRUCTIONS, f"{block.at(offset)}: not an instruction: {word}"
        if word.upper() in {"ENTRYPOINT", "CMD"} or (word.upper() == "HEALTHCHECK" and "CMD [" in rest):
            form = rest[rest.index("["):] if "[" in rest else None
            if form:
                argv = json.loads(form)
                assert argv[0] != "vigil", f"{block.at(offset)}: the image's vigil is /vigil"
        source = re.search(r"--from=(\S+)", rest)
        if word.upper() == "COPY" and source:
            assert source.group(1) in STAGES | IMAGES, f"{block.at(offset)}: no stage or image {source.group(1)}"


def test_the_install_page_names_every_package_the_tests_install():
    script = (ROOT / "scripts" / "test").read_text()
    packages = set(re.findall(r"\S+:(\S+?)(?=\s|\")", script[script.index("needed="):script.index("missing=")]))
    packages |= {triple.split(":")[1].split("==")[0] for triple in re.findall(r"\b\w+:[\w=.]+:[\w.-]+", script)}
    packages -= {"package"}
    page = (ROOT / "docs" / "installing.md").read_text()
    missing = sorted(p for p in packages if p not in page)
    assert not missing, f"docs/installing.md does not say scripts/test installs {missing}"
