"""Event listeners get what supervisord sends them: PROCESS_LOG_STDOUT and PROCESS_LOG_STDERR
(with `stdout_events_enabled`/`stderr_events_enabled`), TICK_5 and SUPERVISOR_STATE_CHANGE
(RUNNING at the start, STOPPING at the stop), with the same header fields and payload fields.
A recording listener runs side by side under vigil-as-supervisord and real supervisord; so does
the common listener that reads PROCESS_LOG events to prefix each program's output, unchanged.
"""
import json
import signal

from helpers import PYTHON, wait_for
from supervisord_runs import ENVIRONMENT, HEADER, both, listener, supervisord_symlink

# Records each event: its header fields, the fields of its payload's first line, the rest.
RECORDER = listener("json, os", """\
    first, _, data = payload.partition("\\n")
    fields = dict(field.split(":", 1) for field in first.split())
    with open(os.path.join(here, "events"), "a") as record:
        record.write(json.dumps({"header": header, "fields": fields, "data": data}) + "\\n")
""")

# What images use to prefix their programs' output with their names (on the listener's stderr).
PREFIXER = """import sys
def write_stdout(s):
    sys.stdout.write(s)
    sys.stdout.flush()
while 1:
    write_stdout('READY\\n')
    line = sys.stdin.readline()
    headers = dict([x.split(':') for x in line.split()])
    data = sys.stdin.read(int(headers['len']))
    header, body = data.split('\\n', 1)
    fields = dict([x.split(':') for x in header.split()])
    for text in body.splitlines():
        sys.stderr.write('[%s %s] %s\\n' % (fields['processname'], fields['channel'], text))
    sys.stderr.flush()
    write_stdout('RESULT 2\\nOK')
"""

PROGRAMS = """
[program:talker]
command=/bin/sh -c 'trap "echo bye; exit 0" TERM; echo out one; echo err one >&2; echo out two; echo err two >&2; while :; do sleep 0.1; done'
stdout_events_enabled=true
stderr_events_enabled=true
stdout_logfile=%(here)s/talker.out
stderr_logfile=%(here)s/talker.err

[program:quiet]
command=/bin/sh -c 'echo not an event; exec sleep 1000'

[eventlistener:recorder]
command={python} %(here)s/recorder.py %(here)s
events=PROCESS_LOG,TICK_5,SUPERVISOR_STATE_CHANGE,PROCESS_STATE
; supervisord's default of 10 overflows (dropping the oldest) before the listener is RUNNING
buffer_size=100

[eventlistener:prefixer]
command={python} %(here)s/prefixer.py
events=PROCESS_LOG
stderr_logfile=%(here)s/prefixed
"""


def events(side):
    path = side.here / "events"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def names(side):
    return [event["header"]["eventname"] for event in events(side)]


def shape(event):
    """What must match supervisord: the event's name, its header and payload fields, and the
    values that do not vary from run to run."""
    header, fields = event["header"], event["fields"]
    fixed = {key: header[key] for key in ["ver", "server", "pool"]}
    named = {key: fields[key] for key in ["processname", "groupname", "channel", "from_state", "tries"] if key in fields}
    return json.dumps([header["eventname"], sorted(header), sorted(fields), fixed, named])


def logged(side, channel):
    return "".join(event["data"] for event in events(side) if event["header"]["eventname"] == "PROCESS_LOG_" + channel)


def test_listeners_get_the_events_supervisord_sends(launch, tmp_path):
    for name in ["vigil", "supervisord"]:
        (tmp_path / name).mkdir()
        (tmp_path / name / "recorder.py").write_text(RECORDER)
        (tmp_path / name / "prefixer.py").write_text(PREFIXER)
    sides = both(launch, tmp_path, supervisord_symlink(tmp_path), PROGRAMS.format(python=PYTHON), exist_ok=True)
    for side in sides:
        wait_for(lambda: "TICK_5" in names(side) and logged(side, "STDOUT") == "out one\nout two\n"
                 and logged(side, "STDERR") == "err one\nerr two\n", timeout=60,
                 what=f"a tick and talker's output; events: {names(side)}; log: {side.run.stderr}")
        wait_for(lambda: names(side).count("PROCESS_STATE_RUNNING") == 4, what=f"four programs RUNNING; events: {names(side)}")
        wait_for(lambda: (side.here / "prefixed").exists() and len((side.here / "prefixed").read_text().splitlines()) == 4,
                 what="the prefixed lines")
    # PROCESS_LOG events come as the output is read, in chunks of any size: their fields are
    # compared, their data as a whole (above); every other event in order.
    logs = [{shape(event) for event in events(side) if event["header"]["eventname"].startswith("PROCESS_LOG")} for side in sides]
    assert logs[0] == logs[1] and len(logs[0]) == 2
    ours, theirs = [[shape(event) for event in events(side) if event["header"]["eventname"] != "TICK_5"
                     and not event["header"]["eventname"].startswith("PROCESS_LOG")] for side in sides]
    assert ours == theirs
    assert [json.loads(event)[0] for event in ours] == (
        ["SUPERVISOR_STATE_CHANGE_RUNNING"] + ["PROCESS_STATE_STARTING"] * 4 + ["PROCESS_STATE_RUNNING"] * 4)
    for side in sides:
        tick = next(event for event in events(side) if event["header"]["eventname"] == "TICK_5")
        assert sorted(tick["fields"]) == ["when"] and int(tick["fields"]["when"]) % 5 == 0
        prefixed = (side.here / "prefixed").read_text().splitlines()
        assert sorted(prefixed) == ["[talker stderr] err one", "[talker stderr] err two",
                                    "[talker stdout] out one", "[talker stdout] out two"]
        assert (side.here / "talker.out").read_text() == "out one\nout two\n"
    assert [side.stop() for side in sides] == [0, 0]
    stopping = [[name for name in names(side) if name.startswith("SUPERVISOR_STATE_CHANGE")] for side in sides]
    # vigil hands STOPPING to the listener before stopping it. supervisord queues it and may
    # stop the listener first (once in a loaded run): its list may end before STOPPING.
    assert stopping[0] == ["SUPERVISOR_STATE_CHANGE_RUNNING", "SUPERVISOR_STATE_CHANGE_STOPPING"]
    assert stopping[1] == stopping[0][:len(stopping[1])] and len(stopping[1]) >= 1


LAST_WORDS = """
[program:talker]
command=/bin/sh -c 'trap "echo bye one; sleep 0.1; echo bye two >&2; sleep 0.1; echo bye three; exit 0" TERM; echo hello; while :; do sleep 0.1; done'
stdout_events_enabled=true
stderr_events_enabled=true

[eventlistener:prefixer]
command={python} %(here)s/prefixer.py
events=PROCESS_LOG
stderr_logfile=%(here)s/prefixed
"""


def test_a_listener_gets_the_output_programs_write_as_they_stop(launch, tmp_path):
    # A listener slow to take each event: at the stop it still has the last ones in its buffer
    # when its turn comes, and sends them before it is stopped.
    here = tmp_path / "vigil"
    here.mkdir()
    (here / "prefixer.py").write_text(PREFIXER.replace("    write_stdout('RESULT 2\\nOK')", "    time.sleep(0.3)\n    write_stdout('RESULT 2\\nOK')")
                                      .replace("import sys", "import sys, time"))
    config = here / "supervisord.conf"
    config.write_text(HEADER + LAST_WORDS.format(python=PYTHON))
    run = launch(["-n", "-c", str(config)], binary=supervisord_symlink(tmp_path), env=ENVIRONMENT, cwd=str(here))
    prefixed = here / "prefixed"
    wait_for(lambda: prefixed.exists() and "[talker stdout] hello\n" in prefixed.read_text(), what=f"hello; log: {run.stderr}")
    wait_for(lambda: "success: talker" in run.stderr, what="talker RUNNING")
    run.signal(signal.SIGTERM)
    assert run.wait() == 0
    assert prefixed.read_text() == ("[talker stdout] hello\n[talker stdout] bye one\n[talker stderr] bye two\n"
                                    "[talker stdout] bye three\n")
