"""The sizes of vigil's release builds on disk, for the footprint section: the musl release for
each architecture, and the glibc variant where it was built (`scripts/build-release --libc
glibc`). Only the x86_64 musl binary is the one measured everywhere else."""
import os

from prepare import ROOT

DIST = ROOT / ".build" / "dist"
BUILDS = [("musl (the release)", "x86_64", DIST / "vigil-x86_64"),
          ("musl (the release)", "aarch64", DIST / "vigil-aarch64"),
          ("glibc", "x86_64", DIST / "glibc" / "vigil-x86_64"),
          ("glibc", "aarch64", DIST / "glibc" / "vigil-aarch64")]


def builds_table():
    """A markdown table of the builds present, or "" when none is."""
    rows = []
    for libc, arch, path in BUILDS:
        if path.exists():
            size = os.path.getsize(path)
            rows.append(f"| {libc} | {arch} | `{os.path.relpath(path, ROOT)}` | {size:,} | {size / 1024:,.0f} |")
    if not rows:
        return ""
    return ("vigil's builds, all Embedded Swift, static and stripped, from `scripts/build-release` "
            "(`--libc glibc` for the glibc ones):\n\n"
            "| C library | architecture | file | bytes | KiB |\n|---|---|---|---|---|\n"
            + "\n".join(rows) + "\n")
