"""scripts/benchmark --quick runs to the end and writes a well-formed report and chart.

Only the shape of the output is checked, never a speed. The quick run goes to a temporary
directory: docs/ holds the full run and is left alone.
"""
import os
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree

import pytest

from helpers import ROOT, require

INITS = ["vigil", "tini", "tini-static", "dumb-init", "catatonit"]
PEERS = INITS[1:]
SCENARIOS = ["1. Spawn overhead", "2. Footprint", "3. Idle wake-ups", "4. Orphan storm",
             "5. Signal forwarding latency", "6. Stop with leftovers"]
SEVERAL = "7. Several processes: three sidecars and a main process"
SUPERVISORS = ["supervisord", "s6", "runit"]
SUPERVISOR_COMMANDS = ["supervisord", "s6-svscan", "runsvdir"]
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    """The output directory of one quick run, shared by the tests below."""
    require(os.geteuid() == 0, "the benchmark needs root (PID namespaces)")
    require(shutil.which("unshare"), "the benchmark needs unshare (util-linux)")
    require(any(map(shutil.which, ("cc", "gcc", "clang"))), "the benchmark needs a C compiler")
    require(all(map(shutil.which, PEERS + SUPERVISOR_COMMANDS)) or shutil.which("apt-get"),
            "the peers are missing and there is no apt-get to install them")
    require((ROOT / ".build" / "dist" / "vigil").exists() or shutil.which("swift"),
            "no release binary and no swift to build it")
    output = tmp_path_factory.mktemp("benchmark")
    docs_before = docs_state()
    result = subprocess.run([str(ROOT / "scripts" / "benchmark"), "--quick", "--output",
                             str(output)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert docs_state() == docs_before, "the quick run touched docs/"
    return output


def docs_state():
    paths = [ROOT / "docs" / "benchmarks.md", ROOT / "docs" / "benchmarks.svg"]
    return [path.stat().st_mtime_ns if path.exists() else None for path in paths]


def tables(markdown):
    """{section heading: [table, ...]}, each table a list of rows of stripped cells."""
    result, heading, table = {}, None, None
    for line in markdown.splitlines():
        if line.startswith("## "):
            heading = line[3:].strip()
        if line.startswith("|"):
            if table is None:
                table = []
                result.setdefault(heading, []).append(table)
            if not (set(line) <= set("|-: ") and "-" in line):  # not the separator row
                table.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        else:
            table = None
    return result


def test_the_report_has_a_row_for_every_init_in_every_scenario(quick_run):
    found = tables((quick_run / "benchmarks.md").read_text())
    for scenario in SCENARIOS:
        assert scenario in found, f"no table under '## {scenario}'"
        header, *rows = found[scenario][0]
        assert header[0] == "init"
        assert [row[0] for row in rows] == INITS, scenario
        assert all(len(row) == len(header) for row in rows), scenario


def test_the_headline_table_compares_every_init_to_tini_static(quick_run):
    found = tables((quick_run / "benchmarks.md").read_text())
    header, *rows = found["Headline: ratios to tini-static"][0]
    assert header == ["metric", "tini-static", "vigil", "tini", "dumb-init", "catatonit"]
    assert len(rows) >= 6
    for row in rows:
        assert all("×" in cell for cell in row[2:]), row


def test_the_report_says_what_it_ran_on_and_that_it_was_quick(quick_run):
    text = (quick_run / "benchmarks.md").read_text()
    machine = dict(tables(text)["Machine and run"][0][1:])
    for key in ["CPU", "cores", "kernel", "glibc", "date", "repetitions", "run", *INITS]:
        assert machine.get(key), f"no {key} in the machine table"
    assert "commit" in machine["vigil"]
    assert machine["run"].startswith("quick")
    assert "quick run" in text
    assert "vigil's targets" in tables(text)


def test_the_chart_is_svg_with_one_bar_per_init_and_metric(quick_run):
    root = ElementTree.parse(quick_run / "benchmarks.svg").getroot()
    assert root.tag == SVG + "svg"
    groups = [group for group in root.iter(SVG + "g") if group.get("class") == "metric"]
    headline = tables((quick_run / "benchmarks.md").read_text())["Headline: ratios to tini-static"]
    assert [group.get("data-metric") for group in groups] == [row[0] for row in headline[0][1:]]
    for group in groups:
        bars = [rect.get("data-init") for rect in group.iter(SVG + "rect")
                if rect.get("class") == "bar"]
        assert bars == INITS, group.get("data-metric")
    assert any(line.get("class") == "reference" for line in root.iter(SVG + "line"))


def test_the_several_process_scenario_has_a_row_for_every_supervisor(quick_run):
    text = (quick_run / "benchmarks.md").read_text()
    found = tables(text)
    setup, *measures = found[SEVERAL]
    assert [row[0] for row in setup[1:]] == ["vigil", *SUPERVISORS]
    vigil_ran = "vigil was left out" not in text
    measured = (["vigil"] if vigil_ran else []) + SUPERVISORS
    assert len(measures) == 4, "memory, wake-ups, restart latency, stop"
    for header, *rows in measures:
        assert header[0] == "supervisor"
        assert [row[0] for row in rows] == measured
        assert all(len(row) == len(header) for row in rows)
    machine = dict(found["Machine and run"][0][1:])
    assert all(machine.get(name) for name in SUPERVISORS)
    # vigil's several-process targets get their own table once vigil runs the scenario.
    assert len(found["vigil's targets"]) == (2 if vigil_ran else 1)


def test_supervisord_and_s6_let_every_sidecar_flush_on_stop(quick_run):
    header, *rows = tables((quick_run / "benchmarks.md").read_text())[SEVERAL][-1]
    flushed = dict((row[0], row[header.index("flushed, fewest")]) for row in rows)
    assert flushed["supervisord"] == flushed["s6"] == "3/3"


def test_the_dependency_scenario_compares_independent_sidecars_and_times_the_chain(quick_run):
    text = (quick_run / "benchmarks.md").read_text()
    found = tables(text)
    title = next(heading for heading in found if heading.startswith("8. Dependencies"))
    stop, chain = found[title]
    assert [row[0] for row in stop[1:]] == ["vigil, in order (scenario 7)", "vigil, independent (`--after NAME=`)",
                                            "s6 (scenario 7)"]
    assert [row[0] for row in chain[1:4]] == ["start of the chain", "beyond the floor", "stage a: listening to the next start"]
    assert "process-compose" in text and "could not be installed here" in text
    targets = [row[0] for row in found["vigil's targets"][-1]]
    assert any(target.startswith("three independent sidecars") for target in targets), targets


def test_the_drop_in_scenario_measures_each_beside_the_real_tool(quick_run):
    found = tables((quick_run / "benchmarks.md").read_text())
    header, *rows = found["10. The drop-ins against the tools they replace"][0]
    assert header[0] == "setup"
    assert [row[0] for row in rows] == ["vigil as supervisord", "supervisord", "vigil as my_init", "runsvdir + runsv",
                                        "my_init's python3 (estimate)"]
    assert all(len(row) == len(header) and row[1] for row in rows)
