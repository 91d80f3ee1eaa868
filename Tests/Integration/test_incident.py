"""The PID-exhaustion incident, reproduced: a PID 1 that does not reap, against vigil."""
import importlib.util

from helpers import ROOT, VIGIL, require

spec = importlib.util.spec_from_file_location("incident", ROOT / "scripts" / "incident.py")
incident = importlib.util.module_from_spec(spec)
spec.loader.exec_module(incident)

ITERATIONS = 2000
LIMIT = 100


def test_without_a_reaping_pid_1_fork_fails_before_the_loop_ends():
    require(incident.available() is None, f"incident reproduction {incident.available()}")
    result = incident.run(None, ITERATIONS, LIMIT)
    assert result["failure"] is not None, result
    assert result["failure"]["error"] == "EAGAIN"
    assert result["failure"]["iteration"] < ITERATIONS
    assert result["max_zombies"] > LIMIT / 2


def test_under_vigil_the_loop_completes_and_zombies_stay_few():
    require(incident.available() is None, f"incident reproduction {incident.available()}")
    result = incident.run([VIGIL, "--"], ITERATIONS, LIMIT)
    assert result["failure"] is None, result
    assert result["completed"] == ITERATIONS
    assert result["max_zombies"] < LIMIT / 2, result
    assert result["zombies_at_end"] == 0
    assert result["max_pids"] < LIMIT / 2
