"""`log` reads the events it prints from the index: whatever it reads them from, it prints what
the files say, as `--no-cache` (which reads every file) prints it, and an event written into a
file by hand shows at once."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from accord import index as index_module
from conftest import Accord
from helpers import replace_once, succeeded

# Article 7 was last changed long ago: by hand, in 2025. Its note on 7.1 was written in the same
# moment as a note on the target `trade`.
OLD_HISTORY = """history:
- at: '2025-09-01T08:00:00.000000Z'
  by: Officer A
  id: '7.2'
  note: first look
- at: '2025-09-02T08:00:00.000000Z'
  by: Officer A
  id: '7.1'
  note: asked the embassy
"""
TRADE_NOTE = """history:
- at: '2025-09-02T08:00:00.000000Z'
  by: Officer A
  id: trade
  note: figures asked for
"""
NEW_NOTE = """- at: '2026-06-01T10:00:00.000000Z'
  by: Officer B
  id: '7.1'
  note: the embassy answered
"""
ASKED = [
    (),
    ("--since", "2026-01-01"),
    ("--since", "2025-09-02"),
    ("--by", "officer two"),
    ("--since", "2025-01-01", "--by", "OFFICER A"),
    ("3",),
    ("3.10",),
    ("7",),
    ("trade",),
]


@pytest.fixture
def logged(accord: Accord, records: Path) -> Accord:
    """Records with changes made on the command line, one of them to three commitments at once,
    and notes written into the files by hand."""
    replace_once(records / "articles" / "7.yaml", "history: []\n", OLD_HISTORY)
    replace_once(records / "targets" / "trade.yaml", "history: []\n", TRADE_NOTE)
    succeeded(accord("set", "3.2", "3.9", "3.10", "in_progress", "--note", "kick-off", "--no-commit"))
    succeeded(accord("note", "4.5", "sent to the wrong desk", "--internal", "--no-commit"))
    succeeded(accord("set", "4.3", "completed", "--party", "korea", "--no-commit"))
    succeeded(accord("set", "2.1", "stalled", "--evidence", "https://example.org/a", "--no-commit", user="Officer Two"))
    succeeded(accord("set", "8.1", "in_progress", "--on", "2025-09-01", "--no-commit"))
    succeeded(accord("measure", "trade", "94.5", "--period", "2025", "--source", "an example", "--no-commit"))
    return accord


def printed(accord: Accord, *args: str) -> tuple[int, str, str]:
    done = accord(*args)
    assert "Traceback" not in done.stderr
    return done.code, done.stdout, done.stderr


def logs(accord: Accord, *options: str) -> list[tuple[int, str, str]]:
    return [
        printed(accord, *options, "log", *args, "--format", fmt, *public)
        for args in ASKED
        for fmt in ("table", "json", "csv")
        for public in ((), ("--public",))
    ]


def test_the_log_through_the_index_is_the_log_of_the_files(logged: Accord, records: Path) -> None:
    truth = logs(logged, "--no-cache")
    assert all(code == 0 for code, _, _ in truth)
    assert not (records / ".accord-cache").exists()
    assert logs(logged) == truth  # the first run builds the index
    assert logs(logged) == truth  # and again, from it


def test_changes_of_one_moment_are_listed_by_record_last_first(logged: Accord) -> None:
    events = json.loads(succeeded(logged("log", "--format", "json")))
    kick_off = [e["id"] for e in events if e["note"] == "kick-off"]
    assert kick_off == ["3.10", "3.9", "3.2"]  # one change to three commitments: 3.10 is the last of them
    old = [(e["at"], e["id"]) for e in events if e["at"].startswith("2025-09-0")]
    assert old == [
        ("2025-09-02T08:00:00Z", "trade"),
        ("2025-09-02T08:00:00Z", "7.1"),
        ("2025-09-01T08:00:00Z", "7.2"),
    ]


def since_2026(accord: Accord, *options: str) -> list[tuple[str, str]]:
    events = json.loads(succeeded(accord(*options, "log", "--since", "2026-01-01", "--format", "json")))
    return [(e["id"], e["note"]) for e in events]


def test_an_event_appended_by_hand_to_an_article_long_unchanged_is_logged(logged: Accord, records: Path) -> None:
    """Article 7's latest event is from 2025: a log since 2026 has nothing of it, until an event is
    added to its file by hand, behind the index's back."""
    before = since_2026(logged)
    assert before and not any(i.startswith("7.") for i, _ in before)
    path = records / "articles" / "7.yaml"
    path.write_text(path.read_text("utf-8") + NEW_NOTE, "utf-8")
    after = since_2026(logged)
    assert after == since_2026(logged, "--no-cache")
    assert [e for e in after if e not in before] == [("7.1", "the embassy answered")]
    assert succeeded(logged("log", "--by", "officer b", "--format", "csv")).count("the embassy answered") == 1


def test_an_event_changed_by_hand_without_the_files_size_or_times_changing_is_logged(
    logged: Accord, records: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every file is taken as settled at once, as it would be a few seconds after it was written:
    the change time, which no program can set back, still tells."""
    monkeypatch.setattr(index_module, "SETTLED_NS", 0)
    path = records / "articles" / "7.yaml"
    assert "Officer A" in succeeded(logged("log", "7.2"))
    assert succeeded(logged("log", "--by", "officer c", "--format", "csv")).count("\n") == 1  # the header alone
    status = os.stat(path)
    replace_once(path, "by: Officer A\n  id: '7.2'", "by: Officer C\n  id: '7.2'")
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert os.stat(path).st_size == status.st_size
    found = json.loads(succeeded(logged("log", "--by", "officer c", "--format", "json")))
    assert [(e["id"], e["note"]) for e in found] == [("7.2", "first look")]


def test_a_log_of_one_record_reads_its_file_alone(logged: Accord, records: Path) -> None:
    (records / "articles" / "5.yaml").write_bytes(b"\xff\xfe not yaml: [")
    one = logged("log", "4")
    assert one.code == 0 and not one.stderr and "4.5" in one.stdout
    every = logged("log", "--format", "csv")
    assert every.code == 2 and "5.yaml" in every.stderr and "sent to the wrong desk" in every.stdout


def test_a_log_since_a_day_reads_only_the_rows_of_that_days_month_and_later(logged: Accord, records: Path) -> None:
    """The index's rows are what the log prints: a row forged in it shows, which proves the log
    read it there, and a row of an earlier month is not read at all; --no-cache still reads the files."""
    truth = since_2026(logged)
    with sqlite3.connect(records / ".accord-cache" / index_module.INDEX_FILE) as db:
        forged = db.execute("UPDATE histories SET events = replace(events, 'kick-off', 'forged') WHERE file = '3.yaml'")
        assert forged.rowcount == 1
        broken = db.execute("UPDATE histories SET events = 'not JSON' WHERE month < '2026-01'")
        assert broken.rowcount > 0
    assert ("3.2", "forged") in since_2026(logged)
    assert since_2026(logged, "--no-cache") == truth


def test_an_event_dated_centuries_ago_by_a_typo_is_logged_last(logged: Accord, records: Path) -> None:
    """A year before 1000 is written back in four digits: it sorts before every other, in the
    index as in the files."""
    path = records / "articles" / "7.yaml"
    path.write_text(path.read_text("utf-8") + NEW_NOTE.replace("2026-06-01", "0999-06-01"), "utf-8")
    for options in ((), ("--no-cache",)):
        events = json.loads(succeeded(logged(*options, "log", "--format", "json")))
        assert (events[-1]["id"], events[-1]["note"]) == ("7.1", "the embassy answered")
        assert ("7.1", "the embassy answered") not in since_2026(logged, *options)
    assert logs(logged) == logs(logged, "--no-cache")


def test_a_log_after_commands_that_never_read_it_is_the_log_of_the_files(logged: Accord, records: Path) -> None:
    """A report and an export read every history into the index before any log; files changed
    before the first log and after it show in it all the same."""
    succeeded(logged("report", "--format", "json"))
    succeeded(logged("export", "--format", "csv"))
    path = records / "articles" / "7.yaml"
    path.write_text(path.read_text("utf-8") + NEW_NOTE, "utf-8")
    succeeded(logged("set", "9.1", "stalled", "--note", "before the first log", "--no-commit"))
    assert logs(logged) == logs(logged, "--no-cache")
    succeeded(logged("set", "9.2", "stalled", "--note", "after the first log", "--no-commit"))
    succeeded(logged("report", "--format", "json"))
    assert ("9.2", "after the first log") in since_2026(logged)
    assert logs(logged) == logs(logged, "--no-cache")
