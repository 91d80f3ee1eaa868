"""The inits under test and how each one is invoked."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Init:
    name: str
    path: str
    options: tuple  # what goes between the binary and the command

    def argv(self, command):
        return [self.path, *self.options, *command]


# The order of the tables and the chart. tini-static is the reference for every ratio.
NAMES = ("vigil", "tini", "tini-static", "dumb-init", "catatonit")
REFERENCE = "tini-static"

# Debian package of each peer. The tini package holds both tini and tini-static.
PEER_PACKAGES = {"tini": "tini", "tini-static": "tini", "dumb-init": "dumb-init",
                 "catatonit": "catatonit"}

# tini gets -s so that it does not warn when it is not PID 1 (the spawn scenario); as PID 1 the
# flag changes nothing. dumb-init takes no "--": its parsing stops at the first non-option.
OPTIONS = {"vigil": ("--",), "tini": ("-s", "--"), "tini-static": ("-s", "--"),
           "dumb-init": (), "catatonit": ("--",)}


def make_inits(paths):
    """The Init of every name in NAMES, from a name -> binary path mapping."""
    return [Init(name, paths[name], OPTIONS[name]) for name in NAMES]


def rotated(items, repetition):
    """`items` starting at a different one on each repetition, so that drift in the machine's
    speed during a run falls on every init alike."""
    shift = repetition % len(items)
    return items[shift:] + items[:shift]
