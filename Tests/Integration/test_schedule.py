"""`vigil schedule`: the next runs of cron expressions, compared with croniter's, in UTC,
Europe/Berlin and America/New_York, from instants just before both daylight-saving changes
of 2025; and bad expressions and zones refused in one line with exit code 2.

croniter is asked with `implement_cron_bug=True`: cron (and vigil) combine day-of-month and
day-of-week with AND when either field begins with '*' (`0 0 */2 * 1`), and croniter does so
only when asked. Across daylight-saving changes vigil keeps cron(8)'s documented rule where
croniter differs (see `vigil_rule` below and Sources/VigilCore/Schedule/CronCalendar+NextRun.swift).
"""
import datetime
import subprocess
from zoneinfo import ZoneInfo

import pytest

from helpers import VIGIL, require

try:
    from croniter import croniter
except ImportError:  # scripts/test installs it; require() says so under CI
    croniter = None

RUNS = 200
UTC = datetime.timezone.utc

# The changes of 2025, in UTC: clocks forward, then back.
CHANGES = {
    "Europe/Berlin": ["2025-03-30T01:00:00", "2025-10-26T01:00:00"],
    "America/New_York": ["2025-03-09T07:00:00", "2025-11-02T06:00:00"],
    "UTC": ["2025-03-30T01:00:00", "2025-10-26T01:00:00"],
}

EXPRESSIONS = [
    # five fields: wildcards, steps, lists, ranges
    "* * * * *", "*/5 * * * *", "*/15 * * * *", "0 * * * *", "15 * * * *", "5/15 * * * *",
    "0-10/3 * * * *", "10-50/20 1-5 * * *", "0 */2 * * *", "0 */3 * * *", "0 0-23/6 * * *",
    "15,45 */4 10-20 * *", "0 0,12 1 */2 *",
    # particular times, in and around the skipped and the repeated hours of both zones
    "30 2 * * *", "0 2 * * *", "59 1 * * *", "0 3 * * *", "0,30 2 * * *", "0 2,3 * * *",
    "0 1-3 * * *", "30 1-3 * * *", "0 1 * * *", "30 1 * * *", "45 23 * * 6", "0 22 * * 1-5",
    # a '*' minute with a fixed hour: follows the clock, as cron's documentation says
    "*/15 2 * * *", "* 2 * * *", "*/10 1 * * *",
    # days, months and their names; 7 is Sunday; Vixie's OR and the AND of a leading '*'
    "0 0 * * *", "0 0 1 * *", "0 0 1 1 *", "0 0 * * 0", "0 0 * * 7", "0 0 * * 5-7",
    "0 12 * * mon-fri", "0 9 * * MON,wed,Fri", "30 4 1,15 * 5", "0 0 13 * 5", "0 0 */2 * 1",
    "0 0 1-7 * */2", "0 0 31 * *", "0 0 29 2 *", "0 0 1 jan,jul *", "0 0 1 JAN-MAR *",
    "0 6 * jun-aug sat", "0 0 ? * mon", "0 8 1 * ?",
    # shorthands
    "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly",
    # six fields, seconds first; seven, with a year last
    "* * * * * *", "*/10 * * * * *", "30 */5 * * * *", "0 30 2 * * *", "15 0 3 * * *",
    "*/20 30 2 * * *", "0 0 0 * * mon", "5-10 0 * * * *", "0 0 12 1 * * 2025-2050",
    # @every: elapsed time from --from (croniter has none: computed here)
    "@every 90s", "@every 1m30s", "@every 1h", "@every 1h30m", "@every 24h", "@every 45m",
]

SHORTHANDS = {"@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
              "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *",
              "@hourly": "0 * * * *"}


def starts(zone):
    """Three hours and 90 seconds before each change."""
    result = []
    for change in CHANGES[zone]:
        instant = int(datetime.datetime.fromisoformat(change).replace(tzinfo=UTC).timestamp())
        result += [instant - 3 * 3600, instant - 90]
    return result


def schedule(*args):
    return subprocess.run([VIGIL, "schedule", *args], capture_output=True, timeout=60)


def vigil_runs(expression, zone, start, count=RUNS):
    result = schedule("--next", str(count), "--tz", zone, "--from", str(start), expression)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stderr == b""
    return result.stdout.decode().splitlines()


def follows_clock(expression):
    """cron's MIN_STAR and HR_STAR (and the seconds field, for six or seven fields): a '*'
    leading the second, minute or hour field."""
    fields = SHORTHANDS.get(expression, expression).split()
    clock = fields[:3] if len(fields) >= 6 else fields[:2]
    return any(field.startswith("*") for field in clock)


def seconds_first(expression):
    return len(expression.split()) >= 6


def matches(expression, local):
    """Whether a naive local time matches, by croniter's calendar (no zone, no DST)."""
    step = datetime.timedelta(seconds=1 if seconds_first(expression) else 60)
    it = croniter(SHORTHANDS.get(expression, expression), local - step, implement_cron_bug=True,
                  second_at_beginning=True)
    return it.get_next(datetime.datetime) == local


def is_clock_change_forward(moment):
    before = (moment - datetime.timedelta(seconds=1)).utcoffset()
    return moment.utcoffset() > before


def vigil_rule(expression, runs):
    """croniter's runs, changed where cron's documented rule (vigil's) differs from croniter:

    - A task at a particular time whose local time happens twice (clocks going back): croniter
      runs it at both instants; cron(8) says "those jobs that fall into the repeated time will
      not be re-run", so vigil runs it the first time only (also when it starts between the
      two: the time has come once already).
    - A task whose minute (or second) field begins with '*' but whose hour is fixed
      (`*/15 2 * * *`), in the hour the clocks skip: croniter runs it once at the change;
      cron(8) says such "jobs which are specified with wildcards are run based on the new
      time immediately", and 03:00 is not in hour 2, so vigil does not run it that day.
    """
    fixed = not follows_clock(expression)
    kept = []
    for moment in runs:
        # fold 1: the second of the two instants with this local time.
        second_time = datetime.datetime.fromtimestamp(moment.timestamp(), moment.tzinfo).fold == 1
        if fixed and second_time:
            continue
        if not fixed and is_clock_change_forward(moment) and not matches(expression, moment.replace(tzinfo=None)):
            continue
        kept.append(moment)
    return kept


def expected_runs(expression, zone, start):
    tz = ZoneInfo(zone)
    if expression.startswith("@every"):
        interval = {"90s": 90, "1m30s": 90, "1h": 3600, "1h30m": 5400, "24h": 86400, "45m": 2700}[expression.split()[1]]
        return [datetime.datetime.fromtimestamp(start + k * interval, tz).isoformat() for k in range(1, RUNS + 1)]
    it = croniter(SHORTHANDS.get(expression, expression), datetime.datetime.fromtimestamp(start, tz),
                  implement_cron_bug=True, second_at_beginning=True)
    runs = [it.get_next(datetime.datetime) for _ in range(RUNS + 40)]
    return [moment.isoformat() for moment in vigil_rule(expression, runs)[:RUNS]]


def test_there_are_enough_expressions_of_every_form():
    assert len(EXPRESSIONS) >= 60
    assert len(set(EXPRESSIONS)) == len(EXPRESSIONS)


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/New_York"])
@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_next_runs_equal_croniters_with_crons_daylight_saving_rule(expression, zone):
    require(croniter is not None, "croniter is not installed (pip install croniter)")
    for start in starts(zone):
        assert vigil_runs(expression, zone, start) == expected_runs(expression, zone, start), \
            f"{expression!r} in {zone} from {start}"


# Where the rule matters, written out: what vigil does, whatever croniter says.
BERLIN_SPRING = "1743292800"  # 2025-03-30T00:00:00Z, 01:00 local: clocks go 02:00 -> 03:00
BERLIN_AUTUMN = "1761436800"  # 2025-10-26T00:00:00Z, 02:00 summer time: 03:00 -> 02:00


@pytest.mark.parametrize("expression,start,runs", [
    ("30 2 * * *", BERLIN_SPRING, ["2025-03-30T03:00:00+02:00", "2025-03-31T02:30:00+02:00"]),
    ("0,30 2 * * *", BERLIN_SPRING, ["2025-03-30T03:00:00+02:00", "2025-03-31T02:00:00+02:00"]),
    ("0 2,3 * * *", BERLIN_SPRING, ["2025-03-30T03:00:00+02:00", "2025-03-31T02:00:00+02:00"]),
    ("*/15 2 * * *", BERLIN_SPRING, ["2025-03-31T02:00:00+02:00", "2025-03-31T02:15:00+02:00"]),
    ("15 * * * *", BERLIN_SPRING, ["2025-03-30T01:15:00+01:00", "2025-03-30T03:15:00+02:00"]),
    ("30 2 * * *", BERLIN_AUTUMN, ["2025-10-26T02:30:00+02:00", "2025-10-27T02:30:00+01:00"]),
    ("*/30 * * * *", BERLIN_AUTUMN, ["2025-10-26T02:30:00+02:00", "2025-10-26T02:00:00+01:00",
                                     "2025-10-26T02:30:00+01:00", "2025-10-26T03:00:00+01:00"]),
    ("@hourly", BERLIN_AUTUMN, ["2025-10-26T02:00:00+01:00", "2025-10-26T03:00:00+01:00"]),
    ("@every 1h", BERLIN_AUTUMN, ["2025-10-26T02:00:00+01:00", "2025-10-26T03:00:00+01:00"]),
])
def test_daylight_saving_follows_cron(expression, start, runs):
    assert vigil_runs(expression, "Europe/Berlin", start, count=len(runs)) == runs


@pytest.mark.parametrize("expression,message", [
    ("*/0 * * * *", "minute field: a step of 0 is not allowed (column 3)"),
    ("61 * * * *", "minute field: 61 is out of range 0-59 (column 1)"),
    ("0 0 30 2 *", "day-of-month field: day 30 never occurs in February, so the schedule never runs (column 5)"),
    ("0 0 30 Feb *", "day-of-month field: day 30 never occurs in February, so the schedule never runs (column 5)"),
    ("0 0 * foo *", "month field: unknown name 'foo' (column 7)"),
    ("0 0 * * funday", "day-of-week field: unknown name 'funday' (column 9)"),
    ("@reboot", "unknown schedule '@reboot' (column 1): expected @yearly, @annually, @monthly, @weekly, "
                "@daily, @midnight, @hourly or @every DURATION"),
    ("@every 0s", "@every: the interval must be at least 1s, got '0s' (column 8)"),
    ("* * * *", "expected 5 fields (minute hour day-of-month month day-of-week), 6 with seconds first, "
                "or 7 with seconds first and a year last; found 4"),
])
def test_a_bad_expression_is_one_line_and_exit_2(expression, message):
    result = schedule("--next", "3", expression)
    assert (result.returncode, result.stdout) == (2, b"")
    assert result.stderr.decode() == f"vigil schedule: {message}\n"


@pytest.mark.parametrize("zone,message", [
    ("Mars/Olympus", "unknown time zone 'Mars/Olympus' (no file /usr/share/zoneinfo/Mars/Olympus)"),
    ("../../etc/passwd", "time zone '../../etc/passwd': '..' is not allowed in a zone name"),
    ("/etc/localtime", "time zone '/etc/localtime': a name is relative to the zoneinfo directory, with no leading '/'"),
])
def test_an_unknown_zone_is_one_line_and_exit_2(zone, message):
    result = schedule("--tz", zone, "* * * * *")
    assert (result.returncode, result.stdout) == (2, b"")
    assert result.stderr.decode() == f"vigil schedule: {message}\n"


def test_zones_come_from_TZDIR_when_it_is_set(tmp_path):
    (tmp_path / "Here").write_bytes(open("/usr/share/zoneinfo/Europe/Berlin", "rb").read())
    result = subprocess.run([VIGIL, "schedule", "--next", "1", "--tz", "Here", "--from", BERLIN_SPRING, "30 2 * * *"],
                            capture_output=True, timeout=60, env={"TZDIR": str(tmp_path)})
    assert (result.returncode, result.stdout) == (0, b"2025-03-30T03:00:00+02:00\n")


def test_a_POSIX_TZ_string_is_a_zone_too():
    runs = vigil_runs("30 2 * * *", "CET-1CEST,M3.5.0,M10.5.0/3", BERLIN_SPRING, count=2)
    assert runs == ["2025-03-30T03:00:00+02:00", "2025-03-31T02:30:00+02:00"]


def test_croniter_differs_where_vigil_rule_says():
    """The two differences vigil_rule encodes are real (croniter 7.0), not vacuous."""
    require(croniter is not None, "croniter is not installed (pip install croniter)")
    berlin = ZoneInfo("Europe/Berlin")
    autumn = croniter("30 2 * * *", datetime.datetime.fromtimestamp(int(BERLIN_AUTUMN), berlin))
    assert [autumn.get_next(datetime.datetime).isoformat() for _ in range(2)] == [
        "2025-10-26T02:30:00+02:00", "2025-10-26T02:30:00+01:00"]
    spring = croniter("*/15 2 * * *", datetime.datetime.fromtimestamp(int(BERLIN_SPRING), berlin))
    assert spring.get_next(datetime.datetime).isoformat() == "2025-03-30T03:00:00+02:00"


def test_the_fields_may_be_separate_arguments_and_help_is_exit_0():
    separate = schedule("--next", "2", "--from", "-100", "*/5", "*", "*", "*", "*")
    assert (separate.returncode, separate.stdout) == (0, b"1970-01-01T00:00:00+00:00\n1970-01-01T00:05:00+00:00\n")
    shown = schedule("--help")
    assert shown.returncode == 0 and shown.stdout.startswith(b"Usage: vigil schedule")
    missing = schedule()
    assert (missing.returncode, missing.stderr) == (2, b"vigil schedule: a schedule expression is needed, such as '*/5 * * * *'\n")
